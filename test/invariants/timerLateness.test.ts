import { describe, expect, it } from 'vitest';
import { timerLateness } from '../../invariants/timerLateness.ts';
import type { ClockConfig } from '../../model/config.ts';
import { config, state } from '../model/fixtures.ts';

// Lateness bound 1 us.
const ghz = config({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }], latenessBoundNs: 1000 });
const ghz25 = config({
  pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
  tscKhz: 2_500_000n,
  latenessBoundNs: 1000,
});

/** `vcpu` programmed `deadline`; the interrupt came at guest TSC `deliveredTsc`, real time `at`. */
const delivered = (
  cfg: ClockConfig,
  vcpu: number,
  deadline: bigint,
  deliveredTsc: bigint,
  at: number,
) =>
  state(cfg, (d) => {
    d.now = at;
    const t = d.vcpus[vcpu]!.timer;
    t.programmed = true;
    t.deadline = deadline;
    t.delivered = true;
    t.deliveredTsc = deliveredTsc;
    t.deliveredAt = at;
  });

describe('timer-lateness', () => {
  it('holds when nothing was programmed, or nothing delivered yet', () => {
    expect(timerLateness.check(state(ghz), ghz)).toBeUndefined();
    const programmed = state(ghz, (d) => {
      d.now = 9000;
      d.vcpus[0]!.timer.programmed = true;
      d.vcpus[0]!.timer.deadline = 5000n;
    });
    expect(timerLateness.check(programmed, ghz)).toBeUndefined();
  });

  it('holds for a delivery on time, early, or exactly the bound late', () => {
    expect(timerLateness.check(delivered(ghz, 0, 5000n, 5000n, 5000), ghz)).toBeUndefined();
    expect(timerLateness.check(delivered(ghz, 0, 5000n, 4000n, 4000), ghz)).toBeUndefined();
    expect(timerLateness.check(delivered(ghz, 1, 5000n, 6000n, 6000), ghz)).toBeUndefined();
  });

  it('breaks one ns past the bound, and prints the lateness, both TSC values and the bound', () => {
    expect(timerLateness.check(delivered(ghz, 1, 5000n, 6001n, 6001), ghz)).toBe(
      "vCPU1's timer interrupt arrived 1001 ns after its deadline (guest TSC 6001 vs 5000, t=6001ns); the bound is 1000 ns",
    );
  });

  it('converts cycles to ns at the guest TSC rate (2.5 GHz: 2500 cycles late is 1000 ns)', () => {
    // Deadline 10000 cycles (t = 4000 ns); at t = 5000 ns the TSC is 12500, at t = 5002 ns 12505.
    expect(timerLateness.check(delivered(ghz25, 0, 10_000n, 12_500n, 5000), ghz25)).toBe(undefined);
    expect(timerLateness.check(delivered(ghz25, 0, 10_000n, 12_505n, 5002), ghz25)).toBe(
      "vCPU0's timer interrupt arrived 1002 ns after its deadline (guest TSC 12505 vs 10000, t=5002ns); the bound is 1000 ns",
    );
  });
});
