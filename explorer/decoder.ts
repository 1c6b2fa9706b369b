/**
 * Reads back what an Encoder wrote, in the same order: the other half of a model's `decode`,
 * which lets worker threads hand states to each other as words.
 */

// One 64-bit slot viewed as two 32-bit halves: two words become one bigint in one step. Shared
// by every decoder of the thread (each uses it only within one call).
const halves = new Int32Array(2);
const unsigned = new BigUint64Array(halves.buffer);
const signed = new BigInt64Array(halves.buffer);

export class Decoder {
  private at = 0;

  constructor(private readonly words: Int32Array) {}

  /** An unsigned 32-bit integer written with Encoder.u32. */
  u32(): number {
    return this.word() >>> 0;
  }

  /** A signed 32-bit integer written with Encoder.u32. */
  i32(): number {
    return this.word();
  }

  bool(): boolean {
    return this.word() !== 0;
  }

  /** A safe integer written with Encoder.int. */
  int(): number {
    const lo = this.word() >>> 0;
    return this.word() * 0x1_0000_0000 + lo;
  }

  u64(): bigint {
    halves[0] = this.word();
    halves[1] = this.word();
    return unsigned[0]!;
  }

  i64(): bigint {
    halves[0] = this.word();
    halves[1] = this.word();
    return signed[0]!;
  }

  /**
   * A section of fixed length decoded by `read`, or the very object decoded last time from the
   * same words (see SectionCache): decoded states then share their unchanged parts, as states
   * built by a model's `next` do, instead of each holding a fresh copy of everything.
   */
  section<T>(cache: SectionCache<T>, read: () => T): T {
    const hit = cache.lookup(this.words, this.at);
    if (hit !== undefined) {
      this.at += cache.length;
      return hit;
    }
    const start = this.at;
    const value = read();
    cache.store(this.words, start, this.at - start, value);
    return value;
  }

  /** Throws unless every word was read: a decoder out of step with its encoder. */
  end(): void {
    if (this.at !== this.words.length) {
      throw new Error(`decoded ${this.at} of ${this.words.length} words`);
    }
  }

  private word(): number {
    if (this.at >= this.words.length) throw new Error('decoding past the end of the words');
    return this.words[this.at++]!;
  }
}

/**
 * Objects decoded from sections of words, by content: a later section with the same words gets
 * the same object. Every section of one cache has the same length. Bounded: past `limit`
 * entries it starts afresh.
 */
export class SectionCache<T> {
  private readonly entries = new Map<number, { words: Int32Array; value: T }[]>();
  private size = 0;
  length = -1;

  constructor(private readonly limit = 1 << 12) {}

  lookup(words: Int32Array, at: number): T | undefined {
    const n = this.length;
    if (n < 0 || at + n > words.length) return undefined;
    const bucket = this.entries.get(hashOf(words, at, n));
    if (bucket === undefined) return undefined;
    outer: for (const e of bucket) {
      for (let i = 0; i < n; i++) if (e.words[i] !== words[at + i]) continue outer;
      return e.value;
    }
    return undefined;
  }

  store(words: Int32Array, at: number, length: number, value: T): void {
    if (this.length < 0) this.length = length;
    if (length !== this.length)
      throw new Error(`SectionCache: sections of ${length} and ${this.length} words`);
    if (this.size >= this.limit) {
      this.entries.clear();
      this.size = 0;
    }
    const h = hashOf(words, at, length);
    const entry = { words: words.slice(at, at + length), value };
    const bucket = this.entries.get(h);
    if (bucket === undefined) this.entries.set(h, [entry]);
    else bucket.push(entry);
    this.size++;
  }
}

function hashOf(words: Int32Array, at: number, n: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ words[at + i]!, 0x01000193);
  return h;
}
