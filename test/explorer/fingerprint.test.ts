import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../explorer/fingerprint.ts';

const fp = (words: readonly number[]): [number, number] => {
  const out = new Uint32Array(2);
  fingerprint(Int32Array.from(words), out);
  return [out[0]!, out[1]!];
};

describe('fingerprint', () => {
  // The first 64 bits of MurmurHash3_x86_128 of the words' little-endian bytes, seed 0x9747b28c, as
  // computed by the mmh3 Python package (hash_bytes(..., x64arch=False)): every tail length.
  it.each([
    [[], [4156478881, 1532455452]],
    [[1], [3382976855, 1000426811]],
    [
      [1, 2],
      [53144528, 2871470467],
    ],
    [
      [1, 2, 3],
      [4113310349, 8691524],
    ],
    [
      [1, 2, 3, 4],
      [809128335, 2633797467],
    ],
    [
      [5, 6, 7, 8, 9, 10, -1],
      [4175944561, 1703771521],
    ],
  ])('%j is MurmurHash3 x86_128: %j', (words, expected) => {
    expect(fp(words)).toEqual(expected);
  });

  it('changes in both halves when any single bit of any word changes', () => {
    const base = [0x12345678, -7, 0, 42, 1 << 30, 99, 3];
    const [lo, hi] = fp(base);
    for (let w = 0; w < base.length; w++) {
      for (let bit = 0; bit < 32; bit++) {
        const flipped = [...base];
        flipped[w] = flipped[w]! ^ (1 << bit);
        const [lo2, hi2] = fp(flipped);
        expect(lo2).not.toBe(lo);
        expect(hi2).not.toBe(hi);
      }
    }
  });

  it('tells apart encodings that differ only in length (trailing zero words)', () => {
    expect(fp([0])).not.toEqual(fp([]));
    expect(fp([0, 0])).not.toEqual(fp([0]));
  });
});
