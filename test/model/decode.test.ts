import { describe, expect, it } from 'vitest';
import { Encoder } from '../../explorer/index.ts';
import { SCENARIOS } from '../../check/scenarios.ts';
import { target } from '../helpers.ts';
import { encodingOf, reachableStates } from './reachable.ts';

// Every variant, but of pvclock-read only the one with torn host writes (the others reach a
// subset of its kinds of state, at several seconds each).
const runs = SCENARIOS.flatMap((s) =>
  s.variants
    .filter((v) => s.name !== 'pvclock-read' || v.name === 'host-bulk-copy')
    .map((v) => [s.name, v.name] as const),
);

describe('decodeState', () => {
  it.each(runs)(
    '%s / %s: gives back every reachable state from its encoding',
    (scenario, variant) => {
      const model = target(scenario, variant).model;
      const states = reachableStates(model);
      const wrong = states.filter((s) => {
        const enc = new Encoder();
        model.encode(s, enc);
        return encodingOf(model, model.decode!(enc.words())) !== encodingOf(model, s);
      });
      expect(wrong).toEqual([]);
      // Field for field (the encoding is one-to-one, so the above already implies equal values; this
      // also checks that decoding builds no extra fields), on a sample.
      for (const s of states.filter((_, i) => i % Math.ceil(states.length / 20) === 0)) {
        const enc = new Encoder();
        model.encode(s, enc);
        expect(model.decode!(enc.words())).toStrictEqual(s);
      }
    },
  );

  it('refuses words of another length', () => {
    const model = target('unsynced-tsc', 'no-clamp').model;
    const enc = new Encoder();
    model.encode(model.init()[0]!, enc);
    expect(() => model.decode!(enc.words().subarray(1))).toThrow(/past the end/);
    const longer = Int32Array.from([...enc.words(), 0]);
    expect(() => model.decode!(longer)).toThrow(/decoded \d+ of \d+ words/);
  });
});
