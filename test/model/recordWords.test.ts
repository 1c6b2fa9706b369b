import { describe, expect, it } from 'vitest';
import { Encoder } from '../../explorer/index.ts';
import { encodeState } from '../../model/encode.ts';
import { RecordWords } from '../../model/recordWords.ts';
import { canonicalEncoder } from '../../model/symmetry.ts';
import { target } from '../helpers.ts';
import { reachableStates } from './reachable.ts';

function words(write: (out: Encoder) => void): number[] {
  const enc = new Encoder();
  write(enc);
  return Array.from(enc.words());
}

describe('RecordWords', () => {
  it('gives back the words remembered for the same object, and nothing for another', () => {
    const cache = new RecordWords(2);
    const a = {};
    const out = new Encoder();
    out.u32(7);
    out.u32(1);
    out.u32(2);
    cache.remember(a, out, 1);
    const copied = words((o) => expect(cache.copyTo(a, o)).toBe(true));
    expect(copied).toEqual([1, 2]);
    expect(cache.copyTo({}, new Encoder())).toBe(false);
  });

  it('forgets the oldest object once more objects than slots were remembered', () => {
    const cache = new RecordWords(2);
    const [a, b, c] = [{}, {}, {}];
    const out = new Encoder();
    out.u32(1);
    for (const o of [a, b, c]) cache.remember(o, out, 0);
    expect(cache.copyTo(a, new Encoder())).toBe(false);
    expect(cache.copyTo(b, new Encoder())).toBe(true);
    expect(cache.copyTo(c, new Encoder())).toBe(true);
  });
});

describe('encodeState with remembered records', () => {
  // States reached by immer share records; a deep copy shares none, so it is encoded afresh.
  it.each([
    ['unsynced-tsc', 'global-clamp', { reads: 3, migrations: 3, splitReads: true }],
    ['arm64-counter-offset', 'per-vcpu-absolute-restore', {}],
  ])('%s %s: every reachable state encodes as its deep copy does, renamed or not', (sc, v, p) => {
    const t = target(sc, v, p);
    const canonical = canonicalEncoder(t.config);
    const states = reachableStates(t.model);
    expect(states.length).toBeGreaterThan(500);
    for (const s of states) {
      const copy = structuredClone(s);
      expect(words((o) => encodeState(s, o))).toEqual(words((o) => encodeState(copy, o)));
      if (canonical !== undefined)
        expect(words((o) => canonical(s, o))).toEqual(words((o) => canonical(copy, o)));
    }
  });
});
