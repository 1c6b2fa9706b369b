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
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 1) {
    // One list: no keys to compare.
    const only = nonEmpty[0]!;
    const index = lists.indexOf(only);
    for (let at = 0; at < only.length; at += stride) visit(index, only, at);
    return;
  }
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

/**
 * The head of the list, among `lists`, whose record at `heads[p]` has the smallest key
 * list[at + offset] * 256 + list[at + offset + 1] (ties: the lower list), or -1 when every list is
 * used up: an N-way merge on (id, action index) pairs without a callback per record, for the hot
 * merges of the dedup and numbering steps.
 */
export function smallestHead(
  lists: readonly Uint32Array[],
  heads: Int32Array,
  offset: number,
): number {
  let best = -1;
  let bestKey = Infinity;
  for (let p = 0; p < lists.length; p++) {
    const list = lists[p]!;
    const at = heads[p]!;
    if (at >= list.length) continue;
    const k = list[at + offset]! * 256 + list[at + offset + 1]!;
    if (k < bestKey) {
      bestKey = k;
      best = p;
    }
  }
  return best;
}

/** Unsigned 32-bit numbers pushed one by one into a Uint32Array that grows by doubling. */
export class U32Buffer {
  private buf = new Uint32Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  push2(a: number, b: number): void {
    if (this.len + 2 > this.buf.length) this.grow();
    this.buf[this.len] = a;
    this.buf[this.len + 1] = b;
    this.len += 2;
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
