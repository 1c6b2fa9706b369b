import { describe, expect, it } from 'vitest';
import { kvmclockDrift } from '../../invariants/kvmclockDrift.ts';
import { config, GHZ, state } from '../model/fixtures.ts';

/**
 * vCPU0 on the 1 GHz timekeeping pCPU, vCPU1 on a pCPU whose TSC runs at `hz1` while KVM believes
 * 1 GHz. Both pages are written at t=0, so at t=1 ms MONOTONIC_RAW is boot + 1_000_000 and
 * kvmclock on vCPU1 is boot + (vCPU1's TSC at 1 ms).
 */
const skewed = (hz1: bigint, driftBoundNs: bigint) =>
  config({
    pcpus: [
      { tscHz: GHZ, tscOffset: 0n },
      { tscHz: hz1, tscOffset: 0n },
    ],
    vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
    driftBoundNs,
  });
const atOneMs = (cfg: ReturnType<typeof skewed>) => state(cfg, (d) => void (d.now = 1_000_000));

describe('kvmclock-drift', () => {
  it('holds at boot with a zero bound: every page was just written from MONOTONIC_RAW', () => {
    const cfg = skewed(GHZ, 0n);
    expect(kvmclockDrift.check(state(cfg), cfg)).toBeUndefined();
    expect(kvmclockDrift.check(atOneMs(cfg), cfg)).toBeUndefined();
  });

  it('holds when kvmclock is exactly the bound away (a 100 ppm fast TSC, 1 ms after the write)', () => {
    const cfg = skewed(1_000_100_000n, 100n);
    expect(kvmclockDrift.check(atOneMs(cfg), cfg)).toBeUndefined();
  });

  it('breaks one ns past the bound ahead, and prints the vCPU, the drift, the time and the bound', () => {
    const cfg = skewed(1_000_100_000n, 99n);
    expect(kvmclockDrift.check(atOneMs(cfg), cfg)).toBe(
      'kvmclock on vCPU1 is ahead of MONOTONIC_RAW by 100 ns at t=1000000ns (bound 99 ns)',
    );
  });

  it('breaks behind, with a 100 ppm slow TSC', () => {
    const cfg = skewed(999_900_000n, 99n);
    expect(kvmclockDrift.check(atOneMs(cfg), cfg)).toBe(
      'kvmclock on vCPU1 is behind MONOTONIC_RAW by 100 ns at t=1000000ns (bound 99 ns)',
    );
  });

  it('measures against MONOTONIC_RAW, not an NTP-adjusted MONOTONIC', () => {
    const cfg = skewed(GHZ, 0n);
    const s = state(cfg, (d) => {
      d.now = 1_000_000;
      d.host.mono.mult += 4194;
    });
    expect(kvmclockDrift.check(s, cfg)).toBeUndefined();
  });

  it('breaks on a page whose system_time is off, on vCPU0', () => {
    const cfg = skewed(GHZ, 10n);
    const s = state(cfg, (d) => {
      d.now = 2000;
      d.vcpus[0]!.pvti.systemTime -= 11n;
    });
    expect(kvmclockDrift.check(s, cfg)).toBe(
      'kvmclock on vCPU0 is behind MONOTONIC_RAW by 11 ns at t=2000ns (bound 10 ns)',
    );
  });
});
