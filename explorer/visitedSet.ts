/**
 * The set of states already seen. Two implementations: `FingerprintSet` keeps 8 bytes per slot (a
 * 64-bit fingerprint, with a small, reported chance of two states colliding), `ExactSet` keeps the
 * whole encoding (no collisions, much more memory). The explorer uses either through this interface.
 */
import { fingerprint } from './fingerprint.ts';

export interface VisitedSet {
  /**
   * Adds the state encoded by the first `length` words of `words` (default: all of them); true
   * when it was not in the set before.
   */
  add(words: Int32Array, length?: number): boolean;
  has(words: Int32Array, length?: number): boolean;
  readonly size: number;
  /** Bytes held by the set's own storage. */
  readonly bytes: number;
}

/**
 * Open addressing with linear probing over one Uint32Array of (low, high) fingerprint pairs; the
 * pair (0, 0) marks an empty slot (the fingerprint function never produces it).
 *
 * The table runs full (up to 85% of its slots) and grows by 1.45 rather than doubling, so it never
 * holds more than 8 / 0.586 = 13.7 bytes per stored fingerprint, and 9.4 just before it grows: the
 * bytes-per-state goal (16 with the state log) holds at every size, not just after a lucky growth.
 * A capacity that is not a power of two is fine: the slot is the fingerprint's low half scaled to
 * the capacity (a multiply, as in Lemire's fast range reduction), which keeps every slot reachable.
 * Linear probing stays cheap at this load because probes walk consecutive 8-byte slots: eight to a
 * cache line.
 */
const MAX_LOAD = 0.85;
const GROWTH = 1.45;
const TWO_32 = 4294967296;
/**
 * A direct-mapped cache of recently seen fingerprints in front of the table (2^14 slots, 128 KiB):
 * breadth-first search mostly meets states it saw in the last level or two, and a hit there costs
 * a cache-resident read instead of a random access into a table of many megabytes (~80 ns on the
 * bench machine). Every fingerprint in it is also in the table, so a hit means "seen" exactly as
 * a table lookup would. Only a table of 2^17 slots or more (1 MiB) gets one: a smaller table is
 * as cache-resident as the cache would be.
 */
const RECENT_BITS = 14;
const RECENT_MASK = (1 << RECENT_BITS) - 1;
const RECENT_FROM_CAPACITY = 1 << 17;
const NO_RECENT = new Uint32Array(0);

export class FingerprintSet implements VisitedSet {
  private table: Uint32Array;
  private capacity: number;
  /** capacity / 2^32: slot = floor(lo * scale), always below capacity (see slotOf). */
  private scale: number;
  private limit: number;
  private count = 0;
  private readonly fp = new Uint32Array(2);
  private recent = NO_RECENT;

  /**
   * With `shared`, the table lives in a SharedArrayBuffer, so that other worker threads can look
   * fingerprints up in it (FingerprintView) while its owner does not write to it.
   */
  constructor(
    initialCapacity = 1024,
    private readonly shared = false,
  ) {
    this.capacity = Math.max(16, Math.ceil(initialCapacity));
    this.table = this.allocate(this.capacity);
    this.scale = this.capacity / TWO_32;
    this.limit = Math.floor(this.capacity * MAX_LOAD);
    if (this.capacity >= RECENT_FROM_CAPACITY) this.recent = new Uint32Array(2 << RECENT_BITS);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.table.byteLength + this.recent.byteLength;
  }

  /** Empties the set, keeping its capacity. */
  clear(): void {
    this.table.fill(0);
    this.recent.fill(0);
    this.count = 0;
  }

  /** Bytes of the table alone (without the fixed-size cache of recent fingerprints). */
  get tableBytes(): number {
    return this.table.byteLength;
  }

  /** The table itself (replaced when the set grows), for a FingerprintView in another thread. */
  get slots(): Uint32Array {
    return this.table;
  }

  add(words: Int32Array, length = words.length): boolean {
    fingerprint(words, this.fp, length);
    return this.insert(this.fp[0]!, this.fp[1]!);
  }

  has(words: Int32Array, length = words.length): boolean {
    fingerprint(words, this.fp, length);
    return this.contains(this.fp[0]!, this.fp[1]!);
  }

  /** Whether the fingerprint (lo, hi) is in the set. */
  contains(lo: number, hi: number): boolean {
    const table = this.table;
    const capacity = this.capacity;
    lo >>>= 0;
    hi >>>= 0;
    for (let slot = this.slotOf(lo); ;) {
      const a = table[2 * slot]!;
      const b = table[2 * slot + 1]!;
      if (a === lo && b === hi) return true;
      if (a === 0 && b === 0) return false;
      if (++slot === capacity) slot = 0;
    }
  }

  /** Adds the fingerprint (lo, hi), never (0, 0); true when it was not in the set before. */
  insert(lo: number, hi: number): boolean {
    lo >>>= 0;
    hi >>>= 0;
    const recent = this.recent;
    if (recent !== NO_RECENT) {
      const r = 2 * (lo & RECENT_MASK);
      if (recent[r] === lo && recent[r + 1] === hi) return false;
      recent[r] = lo;
      recent[r + 1] = hi;
    }
    const table = this.table;
    const capacity = this.capacity;
    for (let slot = this.slotOf(lo); ;) {
      const a = table[2 * slot]!;
      const b = table[2 * slot + 1]!;
      if (a === lo && b === hi) return false;
      if (a === 0 && b === 0) {
        table[2 * slot] = lo;
        table[2 * slot + 1] = hi;
        if (++this.count > this.limit) this.grow();
        return true;
      }
      if (++slot === capacity) slot = 0;
    }
  }

  /**
   * The home slot of a fingerprint whose low half is `lo` (unsigned). lo * capacity / 2^32 is below
   * capacity by at least capacity / 2^32, far more than the rounding of the product, so the
   * truncation is always a valid slot.
   */
  private slotOf(lo: number): number {
    return (lo * this.scale) >>> 0;
  }

  private allocate(capacity: number): Uint32Array {
    return this.shared
      ? new Uint32Array(new SharedArrayBuffer(capacity * 8))
      : new Uint32Array(capacity * 2);
  }

  private grow(): void {
    const old = this.table;
    this.capacity = Math.ceil(this.capacity * GROWTH);
    this.table = this.allocate(this.capacity);
    this.scale = this.capacity / TWO_32;
    this.limit = Math.floor(this.capacity * MAX_LOAD);
    if (this.recent === NO_RECENT && this.capacity >= RECENT_FROM_CAPACITY)
      this.recent = new Uint32Array(2 << RECENT_BITS);
    const table = this.table;
    const capacity = this.capacity;
    for (let i = 0; i < old.length; i += 2) {
      const lo = old[i]!;
      const hi = old[i + 1]!;
      if (lo === 0 && hi === 0) continue;
      let slot = this.slotOf(lo);
      while (table[2 * slot] !== 0 || table[2 * slot + 1] !== 0) {
        if (++slot === capacity) slot = 0;
      }
      table[2 * slot] = lo;
      table[2 * slot + 1] = hi;
    }
  }
}

/**
 * Read-only lookups in another thread's FingerprintSet table (see FingerprintSet.slots): same
 * slots, same probing. Only safe while the owner is not inserting.
 */
export class FingerprintView {
  private readonly capacity: number;
  private readonly scale: number;

  constructor(private readonly table: Uint32Array) {
    this.capacity = table.length / 2;
    this.scale = this.capacity / TWO_32;
  }

  contains(lo: number, hi: number): boolean {
    const table = this.table;
    const capacity = this.capacity;
    lo >>>= 0;
    hi >>>= 0;
    for (let slot = (lo * this.scale) >>> 0; ;) {
      const a = table[2 * slot]!;
      const b = table[2 * slot + 1]!;
      if (a === lo && b === hi) return true;
      if (a === 0 && b === 0) return false;
      if (++slot === capacity) slot = 0;
    }
  }
}

/** Keys on the full encoding: exact, for checking that fingerprints lost nothing. */
export class ExactSet implements VisitedSet {
  private readonly keys = new Set<string>();
  private keyChars = 0;

  get size(): number {
    return this.keys.size;
  }

  /** The characters of the keys (2 bytes each); the Set's own overhead is not counted. */
  get bytes(): number {
    return this.keyChars * 2;
  }

  add(words: Int32Array, length = words.length): boolean {
    const key = keyOf(words, length);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.keyChars += key.length;
    return true;
  }

  has(words: Int32Array, length = words.length): boolean {
    return this.keys.has(keyOf(words, length));
  }
}

function keyOf(words: Int32Array, length: number): string {
  let key = '';
  for (let i = 0; i < length; i++) {
    const w = words[i]!;
    key += String.fromCharCode(w & 0xffff, (w >>> 16) & 0xffff);
  }
  return key;
}
