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
  /**
   * Keeps the key of the state encoded by the first `length` words of `words` as the `index`-th
   * of a batch, for `addStaged(index)` later; the set itself is unchanged. Staging a batch, then
   * `prefetch`, then adding it lets the set overlap the cache misses of the batch's lookups.
   */
  stage(index: number, words: Int32Array, length: number): void;
  /** A hint that the keys staged since index 0 are about to be added. */
  prefetch(): void;
  /** `add` of the key staged as `index` (since the last staging under that index). */
  addStaged(index: number): boolean;
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
 * A direct-mapped cache of recently seen fingerprints in front of the table: breadth-first search
 * mostly meets states it saw in the last level or two, and a hit there costs a cache-resident read
 * instead of a random access into a table of many megabytes (~80 ns on the bench machine). Every
 * fingerprint in it is also in the table, so a hit means "seen" exactly as a table lookup would.
 * It has one slot per 128 of the table (a power of two, rounded down), so that it adds at most
 * 8 / 128 / 0.586 = 0.11 bytes per stored fingerprint, up to 2^14 slots (128 KiB); a table
 * smaller than 2^17 slots (1 MiB) has none: it is as cache-resident as the cache would be.
 */
const RECENT_MAX_BITS = 14;
const RECENT_PER_SLOTS_BITS = 7;
const RECENT_MIN_BITS = 10;
const NO_RECENT = new Uint32Array(0);

/**
 * A table that is not shared lives in a growable buffer (address space reserved up front,
 * committed as it grows) of ROOM_FACTOR times its size, at least MIN_ROOM and at most MAX_ROOM
 * bytes, and grows in place until it fills it. It is a SharedArrayBuffer because Node 20 grows
 * that one in place without a cost to the table's reads and writes: views on a resizable
 * ArrayBuffer are 2.5 times slower.
 */
const ROOM_FACTOR = 16;
const MIN_ROOM = 1 << 26;
const MAX_ROOM = 2 ** 32;

/** Node 20's growable SharedArrayBuffer (ES2024; the project's lib is ES2022). */
interface GrowableBuffer extends SharedArrayBuffer {
  readonly maxByteLength: number;
  grow(byteLength: number): void;
}
const GrowableBuffer = SharedArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => GrowableBuffer;

export class FingerprintSet implements VisitedSet {
  private table: Uint32Array;
  private capacity: number;
  /** capacity / 2^32: slot = floor(lo * scale), always below capacity (see slotOf). */
  private scale: number;
  private limit: number;
  private count = 0;
  private readonly fp = new Uint32Array(2);
  private recent = NO_RECENT;
  private recentMask = 0;
  /** The growable buffer the table is a view of, when it grows in place. */
  private store: GrowableBuffer | undefined;
  /** Fingerprints staged for addStaged, as (low, high) pairs by index. */
  private staged = new Uint32Array(128);
  /** The home slots (as indexes into the table) of the staged fingerprints not seen recently. */
  private homes = new Int32Array(64);
  private homeCount = 0;
  /** Where prefetch leaves what it read, so that the reads are not optimised away. */
  private sink = 0;

  /**
   * With `shared`, the table lives in a SharedArrayBuffer, so that other worker threads can look
   * fingerprints up in it (FingerprintView) while its owner does not write to it.
   */
  constructor(
    initialCapacity = 1024,
    private readonly shared = false,
    /** Bytes of address space reserved at least for a table that grows in place (tests: less). */
    private readonly minRoom = MIN_ROOM,
  ) {
    this.capacity = Math.max(16, Math.ceil(initialCapacity));
    this.table = this.allocate(this.capacity);
    this.scale = this.capacity / TWO_32;
    this.limit = Math.floor(this.capacity * MAX_LOAD);
    this.sizeRecent();
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

  stage(index: number, words: Int32Array, length: number): void {
    const at = 2 * index;
    if (at >= this.staged.length) this.growStaging(at);
    if (index === 0) this.homeCount = 0;
    const fp = this.fp;
    fingerprint(words, fp, length);
    const lo = fp[0]!;
    const hi = fp[1]!;
    const recent = this.recent;
    const r = 2 * (lo & this.recentMask);
    if (r < recent.length && recent[r] === lo && recent[r + 1] === hi) {
      // Seen recently: staged as (0, 0), which no fingerprint is, and which addStaged turns away.
      this.staged[at] = 0;
      this.staged[at + 1] = 0;
    } else {
      this.staged[at] = lo;
      this.staged[at + 1] = hi;
      this.homes[this.homeCount++] = 2 * this.slotOf(lo);
    }
  }

  /** Makes room for a staged fingerprint at `at` (a state with many actions). */
  private growStaging(at: number): void {
    const staged = new Uint32Array(Math.max(2 * this.staged.length, at + 2));
    staged.set(this.staged);
    this.staged = staged;
    const homes = new Int32Array(staged.length / 2);
    homes.set(this.homes);
    this.homes = homes;
  }

  /**
   * Reads the home slot of each fingerprint staged since index 0 (but those seen recently). A
   * lookup in a table of many megabytes is a cache (and TLB) miss of ~150 ns on the bench
   * machine, and one lookup after another cannot overlap them: each probe loop ends on a branch
   * that depends on the missing data. These reads have no such branch, and a loop of nothing
   * else keeps many of them in flight at once (~15 ns each); the lookups that follow find their
   * slots in cache.
   */
  prefetch(): void {
    const homes = this.homes;
    const table = this.table;
    let sink = 0;
    for (let i = 0; i < this.homeCount; i++) sink ^= table[homes[i]!]!;
    this.sink ^= sink;
  }

  addStaged(index: number): boolean {
    const lo = this.staged[2 * index]!;
    const hi = this.staged[2 * index + 1]!;
    return (lo !== 0 || hi !== 0) && this.insert(lo, hi);
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
      const r = 2 * (lo & this.recentMask);
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

  /** Gives the cache of recent fingerprints its size for the table's capacity (emptying it). */
  private sizeRecent(): void {
    const bits = Math.min(
      RECENT_MAX_BITS,
      Math.floor(Math.log2(this.capacity)) - RECENT_PER_SLOTS_BITS,
    );
    if (bits < RECENT_MIN_BITS || this.recent.length === 2 << bits) return;
    this.recent = new Uint32Array(2 << bits);
    this.recentMask = (1 << bits) - 1;
  }

  /**
   * A table of `capacity` empty slots. A shared one lives in a SharedArrayBuffer of its own; any
   * other in a growable buffer with room to grow in place (see grow).
   */
  private allocate(capacity: number): Uint32Array {
    const bytes = capacity * 8;
    if (this.shared) return new Uint32Array(new SharedArrayBuffer(bytes));
    const room = Math.min(MAX_ROOM, Math.max(this.minRoom, bytes * ROOM_FACTOR));
    if (room >= bytes) {
      try {
        this.store = new GrowableBuffer(bytes, { maxByteLength: room });
        return new Uint32Array(this.store, 0, 2 * capacity);
      } catch {
        // No address space for the room: an ordinary table, grown by copying.
      }
    }
    this.store = undefined;
    return new Uint32Array(2 * capacity);
  }

  private grow(): void {
    const old = this.table;
    const oldCapacity = this.capacity;
    this.capacity = Math.ceil(oldCapacity * GROWTH);
    this.scale = this.capacity / TWO_32;
    this.limit = Math.floor(this.capacity * MAX_LOAD);
    this.sizeRecent();
    const store = this.store;
    if (store !== undefined && this.capacity * 8 <= store.maxByteLength) {
      store.grow(this.capacity * 8);
      this.table = new Uint32Array(store, 0, 2 * this.capacity);
      // Writing the new part before anything reads it faults each of its pages in once: a
      // page first read is mapped to the zero page, and faulted again at its first write.
      this.table.fill(0, 2 * oldCapacity);
      this.rehashInPlace(oldCapacity);
    } else {
      this.table = this.allocate(this.capacity);
      for (let i = 0; i < old.length; i += 2) {
        const lo = old[i]!;
        const hi = old[i + 1]!;
        if (lo !== 0 || hi !== 0) this.place(lo, hi);
      }
    }
  }

  /**
   * Moves the entries of the first `oldCapacity` slots (laid out for that capacity) to their
   * places in the grown table, which they share. A fresh table for each growth would cost a page
   * fault for each of its pages (~4 us each on the bench machine: more than the moving itself);
   * growing in place faults only the new part.
   *
   * The old slots are taken from the last down. An entry's new home slot is its old one times
   * the growth (the slot is monotonic in the fingerprint), so almost always at or above the slot
   * it is taken from: it is placed by probing up from its home through slots that hold only
   * entries already placed (or nothing), and the probe never passes a slot still to be taken, so
   * taking one empties no placed entry's probe path. The few entries that would probe below the
   * slot they were taken from (homes near the start of the table) or past the end of the table
   * are put aside and inserted last, by ordinary probing, once the table is consistent again.
   */
  private rehashInPlace(oldCapacity: number): void {
    const table = this.table;
    const capacity = this.capacity;
    const scale = this.scale;
    const aside: number[] = [];
    for (let p = oldCapacity - 1; p >= 0; p--) {
      const lo = table[2 * p]!;
      const hi = table[2 * p + 1]!;
      if (lo === 0 && hi === 0) continue;
      table[2 * p] = 0;
      table[2 * p + 1] = 0;
      let slot = (lo * scale) >>> 0;
      if (slot < p) {
        aside.push(lo, hi);
        continue;
      }
      while (slot < capacity && (table[2 * slot] !== 0 || table[2 * slot + 1] !== 0)) slot++;
      if (slot === capacity) {
        aside.push(lo, hi);
        continue;
      }
      table[2 * slot] = lo;
      table[2 * slot + 1] = hi;
    }
    for (let i = 0; i < aside.length; i += 2) this.place(aside[i]!, aside[i + 1]!);
  }

  /** Puts a fingerprint known not to be in the table into the first empty slot from its home. */
  private place(lo: number, hi: number): void {
    const table = this.table;
    const capacity = this.capacity;
    let slot = this.slotOf(lo);
    while (table[2 * slot] !== 0 || table[2 * slot + 1] !== 0) {
      if (++slot === capacity) slot = 0;
    }
    table[2 * slot] = lo;
    table[2 * slot + 1] = hi;
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
  private readonly staged: string[] = [];

  get size(): number {
    return this.keys.size;
  }

  /** The characters of the keys (2 bytes each); the Set's own overhead is not counted. */
  get bytes(): number {
    return this.keyChars * 2;
  }

  add(words: Int32Array, length = words.length): boolean {
    return this.addKey(keyOf(words, length));
  }

  has(words: Int32Array, length = words.length): boolean {
    return this.keys.has(keyOf(words, length));
  }

  stage(index: number, words: Int32Array, length: number): void {
    this.staged[index] = keyOf(words, length);
  }

  prefetch(): void {}

  addStaged(index: number): boolean {
    return this.addKey(this.staged[index]!);
  }

  private addKey(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.keyChars += key.length;
    return true;
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
