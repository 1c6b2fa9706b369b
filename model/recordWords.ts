/**
 * The words of records the encoder has just written, kept by object identity so that a record
 * shared by many states is encoded once. Every state is an immer value: a step copies the records
 * it changes and keeps every other one as the same object (structural sharing), and nothing ever
 * mutates a state, so an object's words never change. The successors of a state share most of its
 * records (in unsynced-tsc, both vCPUs, the host and KVM: 122 of 165 words), so a handful of slots
 * compared by identity catch them without a WeakMap lookup or an allocation per state.
 */
import type { Encoder } from '../explorer/index.ts';

export class RecordWords {
  private readonly keys: (object | undefined)[];
  private readonly words: Int32Array[];
  private readonly lengths: Int32Array;
  /** The slot the next miss overwrites (round robin). */
  private victim = 0;

  constructor(slots: number) {
    this.keys = new Array<object | undefined>(slots).fill(undefined);
    this.words = Array.from({ length: slots }, () => new Int32Array(64));
    this.lengths = new Int32Array(slots);
  }

  /** Appends the remembered words of `record` to `out`; false when they are not remembered. */
  copyTo(record: object, out: Encoder): boolean {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === record) {
        out.append(this.words[i]!, this.lengths[i]!);
        return true;
      }
    }
    return false;
  }

  /** Remembers the words `out` holds from `start` on as those of `record`. */
  remember(record: object, out: Encoder, start: number): void {
    const slot = this.victim;
    this.victim = slot + 1 === this.keys.length ? 0 : slot + 1;
    const length = out.length - start;
    let words = this.words[slot]!;
    if (words.length < length) {
      words = new Int32Array(length);
      this.words[slot] = words;
    }
    const src = out.buffer;
    for (let i = 0; i < length; i++) words[i] = src[start + i]!;
    this.keys[slot] = record;
    this.lengths[slot] = length;
  }
}
