import fc from 'fast-check';
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
    let worstCache = 0;
    for (let i = 1; i <= 200_000; i++) {
      set.add(Int32Array.of(next(), i));
      if (i > 1000) {
        worst = Math.max(worst, set.tableBytes / set.size);
        best = Math.min(best, set.tableBytes / set.size);
        worstCache = Math.max(worstCache, (set.bytes - set.tableBytes) / set.size);
      }
    }
    expect(worst).toBeLessThanOrEqual(13.7);
    // Just before growing it runs 85% full: 8 / 0.85 bytes per fingerprint.
    expect(best).toBeLessThan(9.5);
    // The cache of recent fingerprints in front of a large table: one slot per 128 of the table.
    expect(set.bytes).toBeGreaterThan(set.tableBytes);
    expect(worstCache).toBeLessThanOrEqual(0.11);
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

/** Every fingerprint of a table is reachable from its home slot without crossing an empty slot. */
function probePathsUnbroken(set: FingerprintSet): boolean {
  const slots = set.slots;
  const capacity = slots.length / 2;
  for (let p = 0; p < capacity; p++) {
    const lo = slots[2 * p]!;
    if (lo === 0 && slots[2 * p + 1] === 0) continue;
    for (let s = Math.floor((lo * capacity) / 2 ** 32); s !== p; s = (s + 1) % capacity)
      if (slots[2 * s] === 0 && slots[2 * s + 1] === 0) return false;
  }
  return true;
}

describe('FingerprintSet growth', () => {
  // Low halves that pile up at the end of the table (wrapping round to its start), in its first
  // sixteenth (long clusters of entries far from their homes) and anywhere.
  const crowded = fc.oneof(
    fc.integer({ min: 0xffff_f000, max: 0xffff_ffff }),
    fc.integer({ min: 0, max: 0x0fff_ffff }),
    fc.integer({ min: 0, max: 0xffff_ffff }),
  );
  const fingerprints = fc.array(fc.tuple(crowded, fc.integer({ min: 0, max: 3 })), {
    minLength: 100,
    maxLength: 800,
    size: 'max',
  });

  it.each([
    ['in place', false, 1 << 26],
    ['in place, then copied when out of room', false, 0],
    ['copied (shared)', true, 0],
  ])(
    '%s: adds as a Set of strings would, and keeps every probe path unbroken',
    (_, shared, room) => {
      fc.assert(
        fc.property(fingerprints, (fps) => {
          const set = new FingerprintSet(16, shared, room);
          const reference = new Set<string>();
          for (const [lo, hi] of fps) {
            if (lo === 0 && hi === 0) continue; // (0, 0) is no fingerprint
            const key = `${lo}/${hi}`;
            const capacity = set.slots.length;
            expect(set.insert(lo, hi)).toBe(!reference.has(key));
            reference.add(key);
            if (set.slots.length !== capacity) expect(probePathsUnbroken(set)).toBe(true);
          }
          expect(set.size).toBe(reference.size);
          for (const key of reference) {
            const [lo, hi] = key.split('/').map(Number);
            expect(set.contains(lo!, hi!)).toBe(true);
          }
          expect(probePathsUnbroken(set)).toBe(true);
        }),
        { numRuns: 80, seed: 20261123 },
      );
    },
  );

  it('grows in place while it has room, and by copying after', () => {
    const set = new FingerprintSet(16, false, 0);
    const next = words(3);
    let inPlace = 0;
    let copied = 0;
    let capacity = set.slots.length;
    for (let i = 0; i < 20_000; i++) {
      const before = set.slots;
      set.insert(next(), i);
      if (set.slots.length === capacity) continue;
      capacity = set.slots.length;
      if (set.slots.buffer === before.buffer) inPlace++;
      else copied++;
    }
    expect(inPlace).toBeGreaterThan(0);
    expect(copied).toBeGreaterThan(0);
    expect(probePathsUnbroken(set)).toBe(true);
  });

  it('keeps a cluster that wraps round the end of the table findable when it grows in place', () => {
    // 30 fingerprints at home in the last of 64 slots wrap round to slots 0 to 28; 24 more
    // spread over the rest fill the table to its limit (54), and one more grows it to 93 slots.
    const set = new FingerprintSet(64);
    const inserted: [number, number][] = [];
    const insert = (lo: number, hi: number): void => {
      set.insert(lo, hi);
      inserted.push([lo, hi]);
    };
    for (let i = 0; i < 30; i++) insert(0xffff_ffff - i, 1);
    for (let i = 0; i < 24; i++) insert(i * 0x0900_0000 + 0x0100_0000, 2);
    expect(set.slots.length / 2).toBe(64);
    expect(set.slots[0]).toBeGreaterThan(0xffff_0000); // slot 0 holds a wrapped fingerprint
    const buffer = set.slots.buffer;
    insert(0x8000_0000, 3);
    expect(set.slots.length / 2).toBe(93);
    expect(set.slots.buffer).toBe(buffer); // grown in place
    for (const [lo, hi] of inserted) expect(set.contains(lo, hi)).toBe(true);
    expect(set.size).toBe(55);
    expect(probePathsUnbroken(set)).toBe(true);
  });

  it('adds staged fingerprints as it would add them one by one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 300, size: 'max' }), {
          maxLength: 12,
        }),
        (batches) => {
          const staged = new FingerprintSet(16);
          const direct = new FingerprintSet(16);
          for (const batch of batches) {
            batch.forEach((w, i) => staged.stage(i, Int32Array.of(w), 1));
            staged.prefetch();
            batch.forEach((w, i) => {
              expect(staged.addStaged(i)).toBe(direct.add(Int32Array.of(w)));
            });
          }
          expect(staged.size).toBe(direct.size);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
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
