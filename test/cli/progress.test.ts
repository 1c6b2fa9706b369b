import { describe, expect, it } from 'vitest';
import type { Progress } from '../../explorer/index.ts';
import { progressLine } from '../../cli/progress.ts';

const progress = (distinctStates: number): Progress => ({
  distinctStates,
  transitions: 2 * distinctStates,
  depth: 7,
  frontier: 1234,
  elapsedMs: 2000,
  storedBytes: 0,
});

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (t: string) => writes.push(t) };
}

describe('progress line', () => {
  it('on a terminal: one line rewritten in place with states, states/s, depth, frontier and memory', () => {
    const tty = terminal(true);
    let t = 0;
    const line = progressLine(
      false,
      tty,
      () => t,
      () => 64 * 2 ** 20,
    );
    line.update!(progress(100_000));
    expect(tty.writes).toEqual([
      '\r\x1b[2K100,000 states, 50,000 states/s, depth 7, frontier 1,234, 64 MiB',
    ]);
    line.done();
    expect(tty.writes.at(-1)).toBe('\r\x1b[2K');
  });

  it('at most every 200 ms', () => {
    const tty = terminal(true);
    let t = 1000;
    const line = progressLine(
      false,
      tty,
      () => t,
      () => 0,
    );
    for (; t < 2000; t += 10) line.update!(progress(t));
    expect(tty.writes).toHaveLength(5);
  });

  it('nothing when the output is piped, or with --quiet', () => {
    const piped = terminal(false);
    expect(progressLine(false, piped).update).toBeUndefined();
    progressLine(false, piped).done();
    const quiet = terminal(true);
    expect(progressLine(true, quiet).update).toBeUndefined();
    expect([...piped.writes, ...quiet.writes]).toEqual([]);
  });
});
