/**
 * The built-in readers keep the step names every committed counterexample records, and are made
 * of the exported building blocks (what they do step by step: test/model/transitions/guestRead).
 */
import { describe, expect, it } from 'vitest';
import { POLICY_LIBRARY } from '../../../model/policies/index.ts';
import { grafSwingCapReader } from '../../../model/policies/reader.ts';
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

  it('the issue-13 readers, step by step: the TSC before the fields wherever the kernel has it', () => {
    const steps = (name: keyof typeof POLICY_LIBRARY.reader) =>
      POLICY_LIBRARY.reader[name].steps.map((s) => s.name);
    expect(steps('kernel')).toEqual(['read']);
    expect(steps('vdso-getcpu')).toEqual([
      'getcpu',
      'version',
      'tsc',
      'fields',
      'getcpu-again',
      'check',
      'syscall',
    ]);
    expect(steps('vcpu0-stable')).toEqual(['version', 'tsc', 'fields', 'check', 'syscall']);
    expect(steps('vdso-vcpu0')).toEqual(['version', 'tsc', 'fields', 'check', 'syscall']);
    expect(steps('rdtscp')).toEqual(['rdtscp', 'version', 'fields', 'check', 'syscall']);
    expect(steps('rdtscp-tsc-check')).toEqual([
      'rdtscp',
      'version',
      'fields',
      'stamp',
      'check',
      'syscall',
    ]);
    expect(steps('rdtscp-no-version-check')).toEqual([
      'rdtscp',
      'fields',
      'stamp',
      'check',
      'syscall',
    ]);
    // The 3.x loop spins on an odd version rather than waiting: only the syscall's read waits.
    expect(
      POLICY_LIBRARY.reader['vdso-getcpu'].steps.slice(0, 6).map((s) => s.ready === undefined),
    ).toEqual([true, true, true, true, true, true]);
  });

  it('grafSwingCapReader: one step, the cap a fifth of a jiffy', () => {
    expect(grafSwingCapReader(1000).steps.map((s) => s.name)).toEqual(['capped']);
    expect(grafSwingCapReader(1000).description).toContain('200000 ns');
    expect(grafSwingCapReader(250).description).toContain('800000 ns');
    expect(readerProblem(grafSwingCapReader(100))).toBeUndefined();
  });

  it('are well-formed readers under their library names', () => {
    for (const [name, reader] of Object.entries(POLICY_LIBRARY.reader)) {
      expect(reader.name).toBe(name);
      expect(readerProblem(reader)).toBeUndefined();
    }
  });
});
