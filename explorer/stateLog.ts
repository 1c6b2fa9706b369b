/**
 * Per distinct state, in discovery order, what a trace needs: the state it was discovered from
 * and the index of the action (among its parent's enabled actions) that led to it. A trace is
 * rebuilt by re-executing those actions from the initial state (TLC's scheme), so no state is kept
 * after it has been expanded.
 *
 * Breadth-first search expands states in the order it discovers them, and numbers the new states
 * of each expansion consecutively: the children of state p are the ids right after those of p - 1.
 * So instead of a 4-byte parent per state the log keeps, per state, how many new states its
 * expansion found (one byte), plus a running total every 1024 states; a parent is found by a
 * binary search and a short scan, which only trace rebuilding does. With the action index that is
 * about 2 bytes per state. Storage is in fixed-size chunks, so growing never copies and never
 * holds more than one partly used chunk.
 */

export const NO_PARENT = -1;

const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
const SAMPLE_BITS = 10;
/** A child count of this or more is kept in `bigCounts`. */
const BIG = 0xff;

export class StateLog {
  private readonly actionChunks: Uint8Array[] = [];
  private readonly countChunks: Uint8Array[] = [];
  /** firstChild[k] = the id of the first child of state k << SAMPLE_BITS. */
  private firstChild = new Float64Array(64);
  private readonly bigCounts = new Map<number, number>();
  private count = 0;
  private initialCount = 0;
  /** The next state to be expanded (states are expanded in id order). */
  private expanded = 0;
  /** New children of the state being expanded (expanded - 1) so far. */
  private children = 0;

  get size(): number {
    return this.count;
  }

  /** States expanded so far (their child counts are recorded). */
  get expandedCount(): number {
    return this.expanded;
  }

  /** Bytes held by the log's own arrays. */
  get bytes(): number {
    return (
      (this.actionChunks.length + this.countChunks.length) * CHUNK + this.firstChild.byteLength
    );
  }

  /** Records an initial state (all of them come before any expansion) and returns its id. */
  pushInitial(initIndex: number): number {
    if (this.expanded > 0) throw new Error('StateLog: initial states come before any expansion');
    const id = this.append(initIndex);
    this.initialCount++;
    return id;
  }

  /**
   * Starts the expansion of the next state in id order (`parent`, which must be exactly that
   * state); its new children are appended with `pushChild` before the next call.
   */
  beginExpansion(parent: number): void {
    if (parent !== this.expanded) {
      throw new Error(`StateLog: expected to expand state ${this.expanded}, not ${parent}`);
    }
    this.closeExpansion();
    if ((parent & ((1 << SAMPLE_BITS) - 1)) === 0) {
      const k = parent >> SAMPLE_BITS;
      if (k === this.firstChild.length) {
        const grown = new Float64Array(k * 2);
        grown.set(this.firstChild);
        this.firstChild = grown;
      }
      this.firstChild[k] = this.count;
    }
    this.expanded++;
    this.children = 0;
  }

  /** Records a new child of the state being expanded; returns its id. */
  pushChild(actionIndex: number): number {
    this.children++;
    return this.append(actionIndex);
  }

  actionIndexOf(id: number): number {
    return this.actionChunks[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
  }

  parentOf(id: number): number {
    if (id < this.initialCount) return NO_PARENT;
    this.closeExpansion();
    // The last sample whose first child is at or before id, then walk forward from it.
    let lo = 0;
    let hi = ((this.expanded - 1) >> SAMPLE_BITS) + 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.firstChild[mid]! <= id) lo = mid;
      else hi = mid;
    }
    let parent = lo << SAMPLE_BITS;
    let first = this.firstChild[lo]!;
    for (;;) {
      const n = this.countOf(parent);
      if (id < first + n) return parent;
      first += n;
      parent++;
    }
  }

  /** The path from an initial state to `id`: the initial state's index, then each action index. */
  pathTo(id: number): { initIndex: number; actionIndexes: number[] } {
    const steps: number[] = [];
    let at = id;
    for (let parent = this.parentOf(at); parent !== NO_PARENT; parent = this.parentOf(at)) {
      steps.push(this.actionIndexOf(at));
      at = parent;
    }
    return { initIndex: this.actionIndexOf(at), actionIndexes: steps.reverse() };
  }

  private append(index: number): number {
    if ((index & 0xff) !== index) {
      throw new RangeError(
        `a state has more than 256 enabled actions (index ${index}); the explorer stores action indexes in one byte`,
      );
    }
    const id = this.count;
    const chunk = id >>> CHUNK_BITS;
    if (chunk >= this.actionChunks.length) {
      this.actionChunks.push(new Uint8Array(CHUNK));
      this.countChunks.push(new Uint8Array(CHUNK));
    }
    this.actionChunks[chunk]![id & CHUNK_MASK] = index;
    this.count++;
    return id;
  }

  /** Writes down the child count of the state being expanded, if any. */
  private closeExpansion(): void {
    if (this.expanded > 0) this.setCount(this.expanded - 1, this.children);
  }

  private countOf(id: number): number {
    const c = this.countChunks[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
    return c === BIG ? this.bigCounts.get(id)! : c;
  }

  private setCount(id: number, n: number): void {
    if (n >= BIG) this.bigCounts.set(id, n);
    this.countChunks[id >>> CHUNK_BITS]![id & CHUNK_MASK] = Math.min(n, BIG);
  }
}
