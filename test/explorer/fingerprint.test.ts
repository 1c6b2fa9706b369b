import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../explorer/fingerprint.ts';

/**
 * MurmurHash3_x86_128 as its author wrote it: over bytes, 16 to a block, a tail of 0 to 15 bytes.
 * Returns the first 64 bits as two 32-bit halves.
 */
function murmur3x86_128(bytes: Uint8Array, seed: number): [number, number] {
  const c = [0x239b961b, 0xab0e9789, 0x38b34ae5, 0xa1e38b93];
  const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
  const fmix = (h: number): number => {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  const word = (i: number): number =>
    bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
  let [h1, h2, h3, h4] = [seed, seed, seed, seed];
  const blocks = Math.floor(bytes.length / 16);
  for (let b = 0; b < blocks; b++) {
    const k = [0, 1, 2, 3].map((j) => word(16 * b + 4 * j));
    h1 ^= Math.imul(rotl(Math.imul(k[0]!, c[0]!), 15), c[1]!);
    h1 = (Math.imul((rotl(h1, 19) + h2) | 0, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(k[1]!, c[1]!), 16), c[2]!);
    h2 = (Math.imul((rotl(h2, 17) + h3) | 0, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(k[2]!, c[2]!), 17), c[3]!);
    h3 = (Math.imul((rotl(h3, 15) + h4) | 0, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(k[3]!, c[3]!), 18), c[0]!);
    h4 = (Math.imul((rotl(h4, 13) + h1) | 0, 5) + 0x32ac3b17) | 0;
  }
  const tail = bytes.subarray(16 * blocks);
  const k = [0, 0, 0, 0];
  tail.forEach((byte, i) => (k[i >> 2]! |= byte << (8 * (i & 3))));
  if (tail.length > 12) h4 ^= Math.imul(rotl(Math.imul(k[3]!, c[3]!), 18), c[0]!);
  if (tail.length > 8) h3 ^= Math.imul(rotl(Math.imul(k[2]!, c[2]!), 17), c[3]!);
  if (tail.length > 4) h2 ^= Math.imul(rotl(Math.imul(k[1]!, c[1]!), 16), c[2]!);
  if (tail.length > 0) h1 ^= Math.imul(rotl(Math.imul(k[0]!, c[0]!), 15), c[1]!);
  [h1, h2, h3, h4] = [h1, h2, h3, h4].map((h) => h ^ bytes.length) as [
    number,
    number,
    number,
    number,
  ];
  h1 = (h1 + h2 + h3 + h4) | 0;
  [h2, h3, h4] = [h2, h3, h4].map((h) => (h + h1) | 0) as [number, number, number];
  [h1, h2, h3, h4] = [h1, h2, h3, h4].map(fmix) as [number, number, number, number];
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0];
}

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

  it('is MurmurHash3 x86_128 of the words for any words and length (the one-word path too)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 13 }),
        (words) => {
          const bytes = new Uint8Array(Int32Array.from(words).buffer);
          const expected = murmur3x86_128(bytes, 0x9747b28c);
          if (expected[0] === 0 && expected[1] === 0) return; // mapped to (0, 1): never drawn
          expect(fp(words)).toEqual(expected);
        },
      ),
      { numRuns: 2000, seed: 11 },
    );
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
