/**
 * 64-bit fingerprints of encoded states, as two 32-bit halves. Two murmur3-style lanes with
 * different constants absorb every word, and a cross-lane finalisation (as in murmur3's 128-bit
 * variant) mixes them, so both halves depend on all input bits. All arithmetic is 32-bit
 * (Math.imul), which V8 keeps in registers: no allocation per state.
 */

const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593 | 0;
const C3 = 0x85ebca77 | 0;
const C4 = 0xc2b2ae3d | 0;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** The fingerprint of `words` is written to `out[0]` (low half) and `out[1]` (high half), never both 0. */
export function fingerprint(words: Int32Array, out: Uint32Array): void {
  let h1 = 0x9747b28c | 0;
  let h2 = 0x2f5a3c1d | 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let k1 = Math.imul(w, C1);
    k1 = Math.imul(rotl(k1, 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 13), 5) + 0xe6546b64) | 0;
    let k2 = Math.imul(w, C3);
    k2 = Math.imul(rotl(k2, 17), C4);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 15), 5) + 0x0bcaa747) | 0;
  }
  h1 ^= words.length;
  h2 ^= words.length;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  // The all-zero fingerprint marks an empty slot in the visited table.
  if (h1 === 0 && h2 === 0) h2 = 1;
  out[0] = h1;
  out[1] = h2;
}
