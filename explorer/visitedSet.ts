/**
 * The set of states already seen. Two implementations: `FingerprintSet` keeps 8 bytes per state (a
 * 64-bit fingerprint, with a small, reported chance of two states colliding), `ExactSet` keeps the
 * whole encoding (no collisions, much more memory). The explorer uses either through this interface.
 */
import { fingerprint } from './fingerprint.ts';

export interface VisitedSet {
  /** Adds the state encoded by `words`; true when it was not in the set before. */
  add(words: Int32Array): boolean;
  has(words: Int32Array): boolean;
  readonly size: number;
  /** Bytes held by the set's own storage. */
  readonly bytes: number;
}

const MAX_LOAD = 0.75;

/**
 * Open addressing with linear probing over one Uint32Array of (low, high) fingerprint pairs; the
 * pair (0, 0) marks an empty slot (the fingerprint function never produces it).
 */
export class FingerprintSet implements VisitedSet {
  private table: Uint32Array;
  private mask: number;
  private count = 0;
  private readonly fp = new Uint32Array(2);

  constructor(initialCapacity = 1 << 16) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.table = new Uint32Array(capacity * 2);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.table.byteLength;
  }

  add(words: Int32Array): boolean {
    fingerprint(words, this.fp);
    return this.insert(this.fp[0]!, this.fp[1]!);
  }

  has(words: Int32Array): boolean {
    fingerprint(words, this.fp);
    const lo = this.fp[0]!;
    const hi = this.fp[1]!;
    const table = this.table;
    for (let slot = lo & this.mask; ; slot = (slot + 1) & this.mask) {
      const a = table[2 * slot]!;
      const b = table[2 * slot + 1]!;
      if (a === 0 && b === 0) return false;
      if (a === lo && b === hi) return true;
    }
  }

  private insert(lo: number, hi: number): boolean {
    const table = this.table;
    const mask = this.mask;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const a = table[2 * slot]!;
      const b = table[2 * slot + 1]!;
      if (a === 0 && b === 0) {
        table[2 * slot] = lo;
        table[2 * slot + 1] = hi;
        if (++this.count > MAX_LOAD * (mask + 1)) this.grow();
        return true;
      }
      if (a === lo && b === hi) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    this.table = new Uint32Array(capacity * 2);
    this.mask = capacity - 1;
    for (let i = 0; i < old.length; i += 2) {
      const lo = old[i]!;
      const hi = old[i + 1]!;
      if (lo === 0 && hi === 0) continue;
      let slot = lo & this.mask;
      while (this.table[2 * slot] !== 0 || this.table[2 * slot + 1] !== 0)
        slot = (slot + 1) & this.mask;
      this.table[2 * slot] = lo;
      this.table[2 * slot + 1] = hi;
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

  add(words: Int32Array): boolean {
    const key = keyOf(words);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.keyChars += key.length;
    return true;
  }

  has(words: Int32Array): boolean {
    return this.keys.has(keyOf(words));
  }
}

function keyOf(words: Int32Array): string {
  let key = '';
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    key += String.fromCharCode(w & 0xffff, (w >>> 16) & 0xffff);
  }
  return key;
}
