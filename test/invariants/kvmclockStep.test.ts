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

  it('catches a real rewrite: a 100 ppm fast TSC, re-anchored to MONOTONIC_RAW after 1 ms, steps back 100 ns', () => {
    const skewed = config({
      pcpus: [
        { tscHz: GHZ, tscOffset: 0n },
        { tscHz: 1_000_100_000n, tscOffset: 0n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      transitions: ['pvclockWrite'],
      limits: { pvclockWrites: 1 },
      policies: { pvclockWrite: 'atomic' },
      stepBoundNs: 99n,
    });
    const s = step(
      state(skewed, (d) => void (d.now = 1_000_000)),
      skewed,
      {
        kind: 'pvclockWrite',
        vcpu: 1,
      },
    );
    expect(s.vcpus[1]!.lastClockStep).toBe(-100n);
    expect(kvmclockStep.check(s, skewed)).toBe(
      "the last rewrite of vCPU1's pvclock page stepped kvmclock back by 100 ns (bound 99 ns)",
    );
    expect(kvmclockStep.check(s, { ...skewed, stepBoundNs: 100n })).toBeUndefined();
  });
});
