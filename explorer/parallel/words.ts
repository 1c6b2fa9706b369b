/**
 * Small helpers for the parallel explorer: growable word buffers and an N-way ordered merge.
 */

/** Words appended in runs, kept in one Int32Array that grows by doubling. */
export class WordBuffer {
  private buf = new Int32Array(1024);
  private len = 0;

  get length(): number {
    return this.len;
  }

  append(words: Int32Array, length: number): void {
    if (this.len + length > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.len + length) size *= 2;
      const grown = new Int32Array(size);
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(words.subarray(0, length), this.len);
    this.len += length;
  }

  /** The words appended, in an array of their own. */
  words(): Int32Array {
    return this.buf.slice(0, this.len);
  }
}

/**
 * Visits the records of several lists, each already sorted by `keyOf`, in ascending key order
 * overall (ties: the lower list first). A record is `stride` numbers starting at `at`.
 */
export function mergeOrder<L extends ArrayLike<number>>(
  lists: readonly L[],
  stride: number,
  keyOf: (list: L, at: number) => number,
  visit: (listIndex: number, list: L, at: number) => void,
): void {
  const heads = lists.map(() => 0);
  for (;;) {
    let best = -1;
    let bestKey = Infinity;
    for (let p = 0; p < lists.length; p++) {
      const list = lists[p]!;
      if (heads[p]! >= list.length) continue;
      const k = keyOf(list, heads[p]!);
      if (k < bestKey) {
        bestKey = k;
        best = p;
      }
    }
    if (best < 0) return;
    const list = lists[best]!;
    visit(best, list, heads[best]!);
    heads[best]! += stride;
  }
}

/** Unsigned 32-bit numbers pushed one by one into a Uint32Array that grows by doubling. */
export class U32Buffer {
  private buf = new Uint32Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  push4(a: number, b: number, c: number, d: number): void {
    if (this.len + 4 > this.buf.length) this.grow();
    const buf = this.buf;
    const n = this.len;
    buf[n] = a;
    buf[n + 1] = b;
    buf[n + 2] = c;
    buf[n + 3] = d;
    this.len = n + 4;
  }

  push5(a: number, b: number, c: number, d: number, e: number): void {
    if (this.len + 5 > this.buf.length) this.grow();
    const buf = this.buf;
    const n = this.len;
    buf[n] = a;
    buf[n + 1] = b;
    buf[n + 2] = c;
    buf[n + 3] = d;
    buf[n + 4] = e;
    this.len = n + 5;
  }

  private grow(): void {
    const grown = new Uint32Array(this.buf.length * 2);
    grown.set(this.buf);
    this.buf = grown;
  }

  /** The numbers pushed, in an array of their own. */
  values(): Uint32Array {
    return this.buf.slice(0, this.len);
  }
}
