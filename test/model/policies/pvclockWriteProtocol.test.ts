/**
 * The host's page-write protocol as building blocks: each step's page, given the page before it,
 * the page being written and the version the write started from; a step with one outcome per
 * visible subset of new fields; the built-in protocols written with the blocks; and the one-line
 * problem a protocol of the wrong shape gets.
 */
import { describe, expect, it } from 'vitest';
import type { Pvti } from '../../../model/arith/index.ts';
import { POLICY_LIBRARY } from '../../../model/policies/index.ts';
import {
  copyFields,
  copyAllFields,
  copyScaleAndFlags,
  copySystemTime,
  copyTscTimestamp,
  copyVisibleSubset,
  definePvclockWrite,
  pvclockWriteProblem,
  PVTI_FIELDS,
  versionEven,
  versionOdd,
  versionPlus2,
  writeVersion,
  writeWholePage,
} from '../../../model/policies/pvclockWriteProtocol.ts';

const OLD: Pvti = {
  version: 6,
  tscTimestamp: 100n,
  systemTime: 1000n,
  tscToSystemMul: 7,
  tscShift: 1,
  flags: 0,
};
const NEW: Pvti = {
  version: 0, // a write's target has no version of its own: the steps set it
  tscTimestamp: 200n,
  systemTime: 2000n,
  tscToSystemMul: 8,
  tscShift: -1,
  flags: 1,
};

describe('the version steps', () => {
  it('set the version the write started from plus one (odd), or plus two, wrapping as a u32', () => {
    expect(versionOdd.apply(OLD, NEW, 6, 0)).toEqual({ ...OLD, version: 7 });
    expect(versionEven.apply({ ...OLD, version: 7 }, NEW, 6, 0)).toEqual({ ...OLD, version: 8 });
    expect(versionPlus2.apply(OLD, NEW, 6, 0)).toEqual({ ...OLD, version: 8 });
    expect(writeVersion('v', 1).apply(OLD, NEW, 0xffff_ffff, 0).version).toBe(0);
    expect([versionOdd, versionEven, versionPlus2].map((s) => s.partialAfter)).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('the copies', () => {
  it('copyFields copies the fields it names and no other', () => {
    expect(copyFields('c', ['systemTime', 'flags']).apply(OLD, NEW, 6, 0)).toEqual({
      ...OLD,
      systemTime: 2000n,
      flags: 1,
    });
    expect(copyTscTimestamp.apply(OLD, NEW, 6, 0)).toEqual({ ...OLD, tscTimestamp: 200n });
    expect(copySystemTime.apply(OLD, NEW, 6, 0)).toEqual({ ...OLD, systemTime: 2000n });
    expect(copyScaleAndFlags.apply(OLD, NEW, 6, 0)).toEqual({
      ...OLD,
      tscToSystemMul: 8,
      tscShift: -1,
      flags: 1,
    });
    expect(
      [copyTscTimestamp, copySystemTime, copyScaleAndFlags].map((s) => s.partialAfter),
    ).toEqual([true, true, false]);
    expect(copyFields('last', ['flags'], { partialAfter: false }).partialAfter).toBe(false);
  });

  it('writeWholePage writes every field and version + 2 at once', () => {
    expect(writeWholePage.apply(OLD, NEW, 6, 0)).toEqual({ ...NEW, version: 8 });
  });
});

describe('copyVisibleSubset: one outcome per subset of new fields visible', () => {
  const step = copyVisibleSubset();

  it('has 2^n outcomes, choice i showing the new value of field k when bit k of i is set', () => {
    expect(step.choices).toBe(32);
    const pages = Array.from({ length: 32 }, (_, i) => step.apply(OLD, NEW, 6, i));
    expect(
      new Set(
        pages.map((p) =>
          JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
        ),
      ).size,
    ).toBe(32);
    expect(pages[0]).toEqual(OLD);
    expect(pages[31]).toEqual({ ...NEW, version: 6 });
    // Bit 1 is system_time (struct order), not a prefix of the struct.
    expect(pages[0b00010]).toEqual({ ...OLD, systemTime: 2000n });
    expect(pages[0b10100]).toEqual({ ...OLD, tscToSystemMul: 8, flags: 1 });
    const two = copyVisibleSubset(['tscTimestamp', 'flags'], 'stamp and flags');
    expect([two.name, two.choices]).toEqual(['stamp and flags', 4]);
    expect(two.apply(OLD, NEW, 6, 0b10)).toEqual({ ...OLD, flags: 1 });
  });

  it('is half-written when the page mixes a new value with an old one that differs', () => {
    const partial = step.partialAfter as (page: Pvti, target: Pvti, previous: Pvti) => boolean;
    const at = (i: number) => partial(step.apply(OLD, NEW, 6, i), NEW, OLD);
    expect([at(0), at(31), at(0b00001), at(0b11110)]).toEqual([false, false, true, true]);
    // A new value equal to the old one tells nothing: all-but-an-unchanged-field is whole.
    const sameFlags = { ...NEW, flags: OLD.flags };
    expect(partial(step.apply(OLD, sameFlags, 6, 0b01111), sameFlags, OLD)).toBe(false);
  });
});

describe('definePvclockWrite and the built-in protocols', () => {
  it('the built-ins are the blocks, in the order their header says', () => {
    const names = (p: { steps: readonly { name: string }[] }) => p.steps.map((s) => s.name);
    expect(names(POLICY_LIBRARY.pvclockWrite.atomic)).toEqual(['write the whole page']);
    // The old writer: the version first, then a copy whose stores are seen in any order.
    const bulk = POLICY_LIBRARY.pvclockWrite['bulk-copy'].steps;
    expect(names({ steps: bulk })).toEqual([
      'copy version (+2)',
      'copy: some fields visible',
      'copy the remaining fields',
    ]);
    expect(bulk[0]).toBe(versionPlus2);
    expect(bulk.map((s) => s.choices ?? 1)).toEqual([1, 32, 1]);
    expect(bulk[2]).toBe(copyAllFields);
    expect(copyAllFields.apply(OLD, NEW, 6, 0)).toEqual({ ...NEW, version: OLD.version });
    expect(copyAllFields.partialAfter).toBe(false);
    expect(POLICY_LIBRARY.pvclockWrite['odd-even'].steps).toEqual([
      versionOdd,
      copyTscTimestamp,
      copySystemTime,
      copyScaleAndFlags,
      versionEven,
    ]);
  });

  it('a protocol of one’s own in a line: the old bulk copy in struct order', () => {
    const weak = definePvclockWrite({
      steps: [versionPlus2, copyTscTimestamp, copySystemTime, copyScaleAndFlags],
    });
    expect(weak.steps.map((s) => s.choices ?? 1)).toEqual([1, 1, 1, 1]);
    expect(Object.isFrozen(weak.steps)).toBe(true);
    expect(pvclockWriteProblem(weak)).toBeUndefined();
  });

  it.each([
    [undefined, 'must be a built-in protocol’s name or definePvclockWrite({ steps: [...] })'],
    [{ steps: [] }, 'must be a built-in protocol’s name or definePvclockWrite({ steps: [...] })'],
    [{ steps: [{ apply: () => OLD, partialAfter: false }] }, 'step 0 needs a name'],
    [{ steps: [{ name: 'x', partialAfter: false }] }, "step 'x': apply must be a function"],
    [
      { steps: [{ name: 'x', apply: () => OLD, partialAfter: 'yes' }] },
      "step 'x': partialAfter must be a boolean or a function of the pages",
    ],
    [
      { steps: [{ name: 'x', apply: () => OLD, partialAfter: true, choices: 0 }] },
      "step 'x': choices must be a whole number of at least 1",
    ],
  ])('pvclockWriteProblem(%j)', (protocol, problem) => {
    expect(pvclockWriteProblem(protocol)).toBe(problem);
  });
});
