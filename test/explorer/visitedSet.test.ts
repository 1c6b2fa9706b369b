import { describe, expect, it } from 'vitest';
import { ExactSet, FingerprintSet } from '../../explorer/visitedSet.ts';

/** A deterministic stream of 32-bit words (xorshift). */
function words(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x;
  };
}

describe('FingerprintSet', () => {
  it('adds each encoding once and finds it again, through many growths', () => {
    const set = new FingerprintSet(16);
    const next = words(7);
    const keys = Array.from({ length: 50_000 }, () => Int32Array.of(next(), next()));
    expect(keys.filter((k) => !set.add(k))).toEqual([]);
    expect(set.size).toBe(keys.length);
    expect(keys.filter((k) => set.add(k) || !set.has(k))).toEqual([]);
    expect(set.has(Int32Array.of(1, 2, 3))).toBe(false);
  });

  it('never holds more than 13.7 bytes per fingerprint once past its initial size', () => {
    const set = new FingerprintSet(16);
    const next = words(11);
    let worst = 0;
    let best = Infinity;
    for (let i = 1; i <= 200_000; i++) {
      set.add(Int32Array.of(next(), i));
      if (i > 1000) {
        worst = Math.max(worst, set.tableBytes / set.size);
        best = Math.min(best, set.tableBytes / set.size);
      }
    }
    expect(worst).toBeLessThanOrEqual(13.7);
    // Just before growing it runs 85% full: 8 / 0.85 bytes per fingerprint.
    expect(best).toBeLessThan(9.5);
    // Plus a fixed 128 KiB cache of recent fingerprints.
    expect(set.bytes - set.tableBytes).toBe(128 * 1024);
  });

  it('probes past the end of the table back to its start', () => {
    // A tiny table that cannot grow past 16 slots before holding 13 entries: every slot is used.
    const set = new FingerprintSet(16);
    const inserted: number[][] = [];
    for (let lo = 0xfffffff0; inserted.length < 13; lo++) {
      set.insert(lo, 1);
      inserted.push([lo >>> 0, 1]);
    }
    for (const [lo, hi] of inserted) expect(set.contains(lo!, hi!)).toBe(true);
    expect(set.contains(5, 5)).toBe(false);
  });
});

describe('ExactSet', () => {
  it('keys on the whole encoding', () => {
    const set = new ExactSet();
    expect(set.add(Int32Array.of(1, -1))).toBe(true);
    expect(set.add(Int32Array.of(1, -1))).toBe(false);
    expect(set.add(Int32Array.of(1))).toBe(true);
    expect(set.has(Int32Array.of(-1, 1))).toBe(false);
    expect(set.size).toBe(2);
  });
});
