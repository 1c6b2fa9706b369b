import { describe, expect, it } from 'vitest';
import { kvmclockStep } from '../../invariants/kvmclockStep.ts';
import { config, GHZ, state, step } from '../model/fixtures.ts';

const cfg = config({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }], stepBoundNs: 50n });
const stepped = (vcpu: number, by: bigint, now = 2000) =>
  state(cfg, (d) => {
    d.now = now;
    d.vcpus[vcpu]!.lastClockStep = by;
  });

describe('kvmclock-step', () => {
  it('holds before any page rewrite', () => {
    expect(kvmclockStep.check(state(cfg), cfg)).toBeUndefined();
  });

  it('holds for a step of exactly the bound, either way', () => {
    expect(kvmclockStep.check(stepped(0, 50n), cfg)).toBeUndefined();
    expect(kvmclockStep.check(stepped(1, -50n), cfg)).toBeUndefined();
  });

  it('breaks one ns past the bound forward, and prints the vCPU, the time, the direction and the size', () => {
    expect(kvmclockStep.check(stepped(0, 51n), cfg)).toBe(
      "the last rewrite of vCPU0's pvclock page stepped kvmclock forward by 51 ns (bound 50 ns)",
    );
  });

  it('breaks one ns past the bound back', () => {
    expect(kvmclockStep.check(stepped(1, -51n, 3000), cfg)).toBe(
      "the last rewrite of vCPU1's pvclock page stepped kvmclock back by 51 ns (bound 50 ns)",
    );
  });

  it('catches a real rewrite: at 2.5 GHz, re-anchored to MONOTONIC_RAW after 1 s, pvclock and RAW round differently', () => {
    // (A page rewritten from its own pCPU's TSC and the MONOTONIC_RAW that pCPU reads does not
    // step by the skew between pCPUs: the step is the two conversions' rounding.)
    const fast = config({
      pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
      vcpus: [{ pcpu: 0 }],
      tscKhz: 2_500_000n,
      transitions: ['pvclockWrite'],
      limits: { pvclockWrites: 1 },
      policies: { pvclockWrite: 'atomic' },
      stepBoundNs: 58n,
    });
    const s = step(
      state(fast, (d) => void (d.now = 1_000_000_000)),
      fast,
      { kind: 'pvclockWrite', vcpu: 0 },
    );
    expect(s.vcpus[0]!.lastClockStep).toBe(-59n);
    expect(kvmclockStep.check(s, fast)).toBe(
      "the last rewrite of vCPU0's pvclock page stepped kvmclock back by 59 ns (bound 58 ns)",
    );
    expect(kvmclockStep.check(s, { ...fast, stepBoundNs: 59n })).toBeUndefined();
  });
});
