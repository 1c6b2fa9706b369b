/**
 * A reusable buffer of 32-bit words that a model writes its canonical state encoding into. Writing
 * words instead of building strings keeps the explorer's hot path free of allocation: the buffer is
 * reset, filled, hashed and reused for every state.
 */

const U64_LIMIT = 1n << 64n;
const I64_LIMIT = 1n << 63n;

export class Encoder {
  private buf = new Int32Array(64);
  private len = 0;
  // One 64-bit slot viewed as two 32-bit halves: converts a bigint to words without allocating.
  private readonly big = new BigUint64Array(1);
  private readonly bigSigned = new BigInt64Array(this.big.buffer);
  private readonly bigWords = new Int32Array(this.big.buffer);

  reset(): void {
    this.len = 0;
  }

  get length(): number {
    return this.len;
  }

  /** The words written since the last reset (a view; copy it to keep it). */
  words(): Int32Array {
    return this.buf.subarray(0, this.len);
  }

  /**
   * The buffer itself, whose first `length` words were written since the last reset: for the hot
   * path, where words() would allocate a view per state. Valid until the next write.
   */
  get buffer(): Int32Array {
    return this.buf;
  }

  /** A 32-bit integer (signed or unsigned; only its low 32 bits are kept). */
  u32(x: number): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[this.len++] = x | 0;
  }

  bool(x: boolean): void {
    this.u32(x ? 1 : 0);
  }

  /** Any safe integer (|x| < 2^53), as two words: the low 32 bits, then the rest (signed). */
  int(x: number): void {
    if (!Number.isSafeInteger(x)) throw new RangeError(`Encoder.int: ${x} is not a safe integer`);
    const hi = Math.floor(x / 0x1_0000_0000);
    this.u32(x - hi * 0x1_0000_0000);
    this.u32(hi);
  }

  /** An unsigned 64-bit integer (the kernel's u64), as two words. */
  u64(x: bigint): void {
    if (x < 0n || x >= U64_LIMIT) throw new RangeError(`Encoder.u64: ${x} is not a u64`);
    this.big[0] = x;
    this.pushBigWords();
  }

  /** A signed 64-bit integer (the kernel's s64), as two words. */
  i64(x: bigint): void {
    if (x < -I64_LIMIT || x >= I64_LIMIT) throw new RangeError(`Encoder.i64: ${x} is not an s64`);
    this.bigSigned[0] = x;
    this.pushBigWords();
  }

  /** Appends the first `length` words of `src`. */
  append(src: Int32Array, length: number): void {
    while (this.len + length > this.buf.length) this.grow();
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < length; i++) buf[at++] = src[i]!;
    this.len = at;
  }

  /**
   * Compares the words written to this encoder with those of `other`, lexicographically (a
   * shorter prefix first): negative, zero or positive. Models use it to pick one canonical
   * encoding among several (symmetry reduction).
   */
  compare(other: Encoder): number {
    const a = this.buf;
    const b = other.buf;
    const n = Math.min(this.len, other.len);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return this.len - other.len;
  }

  /** Replaces the words written to this encoder with those of `other`. */
  copyFrom(other: Encoder): void {
    if (this.buf.length < other.len) this.buf = new Int32Array(other.buf.length);
    this.buf.set(other.buf.subarray(0, other.len));
    this.len = other.len;
  }

  private pushBigWords(): void {
    this.u32(this.bigWords[0]!);
    this.u32(this.bigWords[1]!);
  }

  private grow(): void {
    const next = new Int32Array(this.buf.length * 2);
    next.set(this.buf);
    this.buf = next;
  }
}
