/**
 * Policies are looked up by name: a variant names one implementation per policy point, and
 * resolvePolicies finds it in the library, falling back to the defaults for the points it leaves
 * out. An unknown name is an error that names the point and what is known.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICIES,
  POLICY_LIBRARY,
  resolvePolicies,
  type PolicyNames,
  type PolicyPoint,
} from '../../../model/policies/index.ts';

const POINTS = Object.keys(POLICY_LIBRARY) as PolicyPoint[];

describe('resolvePolicies', () => {
  it('with no names, gives the default implementation of every point', () => {
    const p = resolvePolicies({});
    for (const point of POINTS) {
      const library: Readonly<Record<string, unknown>> = POLICY_LIBRARY[point];
      expect(p[point], point).toBe(library[DEFAULT_POLICIES[point]]);
    }
  });

  it('finds every implementation of every point by its name', () => {
    for (const point of POINTS) {
      for (const [name, impl] of Object.entries(POLICY_LIBRARY[point])) {
        const p = resolvePolicies({ [point]: name } as Partial<PolicyNames>);
        expect(p[point], `${point} ${name}`).toBe(impl);
      }
    }
  });

  it('replaces only the points named, keeping the defaults for the others', () => {
    const p = resolvePolicies({ hrtimerExpiry: 'rearm-remaining', readPage: 'vcpu0' });
    expect(p.hrtimerExpiry).toBe(POLICY_LIBRARY.hrtimerExpiry['rearm-remaining']);
    expect(p.readPage).toBe(POLICY_LIBRARY.readPage.vcpu0);
    expect(p.wakeCheck).toBe(POLICY_LIBRARY.wakeCheck[DEFAULT_POLICIES.wakeCheck]);
    expect(p.pvclockWrite).toBe(POLICY_LIBRARY.pvclockWrite[DEFAULT_POLICIES.pvclockWrite]);
  });

  it('has the policies DESIGN.md section 5 names, under the names variants use', () => {
    expect(Object.keys(POLICY_LIBRARY.hrtimerExpiry).sort()).toEqual([
      'inject-always',
      'kick',
      'latch-pending',
      'rearm-remaining',
    ]);
    expect(Object.keys(POLICY_LIBRARY.wakeCheck).sort()).toEqual(['pending', 'recheck-deadline']);
    expect(Object.keys(POLICY_LIBRARY.timerClock).sort()).toEqual(['mono', 'raw-correlated']);
    expect(Object.keys(POLICY_LIBRARY.pvclockWrite).sort()).toEqual([
      'atomic',
      'bulk-copy',
      'odd-even',
    ]);
    expect(Object.keys(POLICY_LIBRARY.readClamp).sort()).toEqual([
      'last-value',
      'last-value-unless-stable',
      'none',
    ]);
    expect(Object.keys(POLICY_LIBRARY.readPage).sort()).toEqual(['getcpu', 'vcpu0']);
    expect(Object.keys(POLICY_LIBRARY.reader).sort()).toEqual([
      'kernel',
      'one-step',
      'rdtscp',
      'rdtscp-no-version-check',
      'rdtscp-tsc-check',
      'split',
      'vcpu0-stable',
      'vdso-getcpu',
      'vdso-vcpu0',
    ]);
    expect(Object.keys(POLICY_LIBRARY.counterRestore).sort()).toEqual([
      'per-vcpu-absolute',
      'per-vm-offset',
    ]);
  });

  it('rejects an unknown name, saying which point and which names are known', () => {
    expect(() => resolvePolicies({ readClamp: 'clamp-harder' } as never)).toThrow(
      "unknown readClamp policy 'clamp-harder' (known: none, last-value, last-value-unless-stable)",
    );
  });

  it('does not take a property every object has for a policy', () => {
    expect(() => resolvePolicies({ readPage: 'toString' } as never)).toThrow(
      "unknown readPage policy 'toString' (known: getcpu, vcpu0)",
    );
    expect(() => resolvePolicies({ wakeCheck: '__proto__' } as never)).toThrow(
      "unknown wakeCheck policy '__proto__'",
    );
  });
});
