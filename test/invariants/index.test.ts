import { describe, expect, it } from 'vitest';
import { INVARIANTS, invariantNamed } from '../../invariants/index.ts';

/**
 * DESIGN.md section 4, with kvmclock-drift split into its drift and step halves, and the live
 * migration's pause-time-accounted (issue 12).
 */
const DESIGN_NAMES = [
  'guest-monotonic',
  'cross-vcpu-order',
  'host-monotonic',
  'no-lost-timer',
  'timer-not-early',
  'timer-lateness',
  'kvmclock-drift',
  'kvmclock-step',
  'pvti-consistent',
  'vcpu-counter-equal',
  'pause-time-accounted',
];

describe('INVARIANTS', () => {
  it('holds every invariant of DESIGN.md section 4 once, by its name', () => {
    const names = INVARIANTS.map((inv) => inv.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...DESIGN_NAMES].sort());
    expect(new Set(INVARIANTS).size).toBe(INVARIANTS.length);
  });

  it('gives each a one-line, non-empty meaning', () => {
    for (const inv of INVARIANTS) {
      expect(inv.meaning.trim(), inv.name).not.toBe('');
      expect(inv.meaning, inv.name).not.toContain('\n');
    }
  });

  it('has no-lost-timer as its only terminal invariant', () => {
    expect(INVARIANTS.filter((inv) => inv.when === 'terminal').map((inv) => inv.name)).toEqual([
      'no-lost-timer',
    ]);
    for (const inv of INVARIANTS) expect(['always', 'terminal']).toContain(inv.when);
  });

  it('finds each by name, and nothing for an unknown name', () => {
    for (const inv of INVARIANTS) expect(invariantNamed(inv.name)).toBe(inv);
    expect(invariantNamed('kvmclock')).toBeUndefined();
  });
});
