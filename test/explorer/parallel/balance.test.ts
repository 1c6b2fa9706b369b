import { describe, expect, it } from 'vitest';
import { balance } from '../../../explorer/parallel/balance.ts';

const after = (counts: number[], moves: number[][]): number[] =>
  counts.map(
    (c, w) => c - moves[w]!.reduce((a, b) => a + b, 0) + moves.reduce((a, m) => a + m[w]!, 0),
  );

describe('balancing the next level between workers', () => {
  it('a worker far above its share hands the surplus to the one below it', () => {
    const moves = balance([9000, 1000]);
    expect(moves).toEqual([
      [0, 4000],
      [0, 0],
    ]);
    expect(after([9000, 1000], moves)).toEqual([5000, 5000]);
  });

  it('several givers and takers: no state is lost and every worker ends at its share', () => {
    const counts = [10_000, 0, 7_000, 3_000, 5_001];
    const moves = balance(counts);
    const result = after(counts, moves);
    expect(result.reduce((a, b) => a + b, 0)).toBe(25_001);
    expect(Math.max(...result) - Math.min(...result)).toBeLessThanOrEqual(1);
    moves.forEach((m, p) =>
      m.forEach((k, q) => k > 0 && expect(counts[p]!).toBeGreaterThan(counts[q]!)),
    );
  });

  it('a small imbalance stays where it is: moving states costs more than it saves', () => {
    expect(
      balance([5030, 4970])
        .flat()
        .every((k) => k === 0),
    ).toBe(true);
    expect(
      balance([100_500, 99_500])
        .flat()
        .every((k) => k === 0),
    ).toBe(true);
  });
});
