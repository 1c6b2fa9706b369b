/**
 * The built-in readers keep the step names every committed counterexample records, and are made
 * of the exported building blocks (what they do step by step: test/model/transitions/guestRead).
 */
import { describe, expect, it } from 'vitest';
import { POLICY_LIBRARY } from '../../../model/policies/index.ts';
import { readerProblem } from '../../../model/readers/index.ts';

describe('the built-in readers', () => {
  it('one-step: a single step named whole, waiting while the version is odd', () => {
    const r = POLICY_LIBRARY.reader['one-step'];
    expect(r.steps.map((s) => s.name)).toEqual(['whole']);
    expect(r.steps[0]!.ready).toBeTypeOf('function');
  });

  it('split: version (which waits), fields, tsc, check', () => {
    const r = POLICY_LIBRARY.reader.split;
    expect(r.steps.map((s) => s.name)).toEqual(['version', 'fields', 'tsc', 'check']);
    expect(r.steps.map((s) => s.ready !== undefined)).toEqual([true, false, false, false]);
  });

  it('are well-formed readers under their library names', () => {
    for (const [name, reader] of Object.entries(POLICY_LIBRARY.reader)) {
      expect(reader.name).toBe(name);
      expect(readerProblem(reader)).toBeUndefined();
    }
  });
});
