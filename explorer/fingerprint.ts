/**
 * 64-bit fingerprints of encoded states, as two 32-bit halves: the first 64 bits of MurmurHash3's
 * x86 128-bit variant over the words (as little-endian bytes). Four lanes each absorb every fourth
 * word and are cross-mixed after every block, so each word is multiplied once (not once per lane)
 * while every output bit still depends on every input bit. All arithmetic is 32-bit (Math.imul),
 * which V8 keeps in registers: no allocation per state.
 */

const C1 = 0x239b961b | 0;
const C2 = 0xab0e9789 | 0;
const C3 = 0x38b34ae5 | 0;
const C4 = 0xa1e38b93 | 0;
const SEED = 0x9747b28c | 0;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * The fingerprint of the first `length` words of `words` is written to `out[0]` (low half) and
 * `out[1]` (high half), never both 0.
 */
export function fingerprint(words: Int32Array, out: Uint32Array, length = words.length): void {
  // Small enough for the compiler to inline into its callers, with the one-word path.
  if (length === 1) oneWord(words[0]!, out);
  else anyLength(words, out, length);
}

function anyLength(words: Int32Array, out: Uint32Array, length: number): void {
  let h1 = SEED;
  let h2 = SEED;
  let h3 = SEED;
  let h4 = SEED;
  const n = length;
  const blocks = n & ~3;
  let i = 0;
  for (; i < blocks; i += 4) {
    let k1 = Math.imul(words[i]!, C1);
    k1 = Math.imul((k1 << 15) | (k1 >>> 17), C2);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;

    let k2 = Math.imul(words[i + 1]!, C2);
    k2 = Math.imul((k2 << 16) | (k2 >>> 16), C3);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;

    let k3 = Math.imul(words[i + 2]!, C3);
    k3 = Math.imul((k3 << 17) | (k3 >>> 15), C4);
    h3 ^= k3;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;

    let k4 = Math.imul(words[i + 3]!, C4);
    k4 = Math.imul((k4 << 18) | (k4 >>> 14), C1);
    h4 ^= k4;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  const tail = n - blocks;
  if (tail >= 3) {
    const k3 = Math.imul(words[i + 2]!, C3);
    h3 ^= Math.imul((k3 << 17) | (k3 >>> 15), C4);
  }
  if (tail >= 2) {
    const k2 = Math.imul(words[i + 1]!, C2);
    h2 ^= Math.imul((k2 << 16) | (k2 >>> 16), C3);
  }
  if (tail >= 1) {
    const k1 = Math.imul(words[i]!, C1);
    h1 ^= Math.imul((k1 << 15) | (k1 >>> 17), C2);
  }

  const bytes = n * 4;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  // The all-zero fingerprint marks an empty slot in the visited table.
  if (h1 === 0 && h2 === 0) h2 = 1;
  out[0] = h1;
  out[1] = h2;
}

/** SEED ^ 4: lanes 2 to 4 of a one-word encoding, which absorb no word. */
const IDLE_LANE = SEED ^ 4;
/** 3 * IDLE_LANE, wrapped to 32 bits (so that the sums below stay 32-bit integer additions). */
const IDLE_LANES = Math.imul(IDLE_LANE, 3);

/**
 * `fingerprint` of a one-word encoding (a toy model's state; the explorer's ceiling), computed
 * with two finalisation mixes instead of four: lanes 2 to 4 start equal (IDLE_LANE) and so stay
 * equal through the final cross-mix, and their three mixes are one.
 */
function oneWord(word: number, out: Uint32Array): void {
  let k1 = Math.imul(word, C1);
  k1 = Math.imul((k1 << 15) | (k1 >>> 17), C2);
  // The cross-mix before the finalisation: h1 + h2 + h3 + h4, then each other lane plus that.
  const mixed = ((SEED ^ k1 ^ 4) + IDLE_LANES) | 0;
  const idle = fmix((IDLE_LANE + mixed) | 0);
  const h1 = (fmix(mixed) + Math.imul(idle, 3)) | 0;
  let h2 = (idle + h1) | 0;
  if (h1 === 0 && h2 === 0) h2 = 1;
  out[0] = h1;
  out[1] = h2;
}
