/**
 * Each vCPU's TSC scaling from the configuration (model/tscScaling.ts) and the clocks that use it:
 * guestTsc (kvm_read_l1_tsc), guestTscReachesAt, the pvclock page (kvm_guest_time_update), the
 * LAPIC deadline conversion (start_sw_tscdeadline). Known answers for a 2.0 GHz guest on a
 * 2.5 GHz host: ratio 225179981368524 (0.8 in 16.48 fixed point, floored).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kvmGetTimeScale, pvclockReadCycles } from '../../model/arith/index.ts';
import { guestTsc, guestTscAt, guestTscReachesAt, pvtiFor } from '../../model/clocks.ts';
import { nsecToCycles, vcpuTsc, virtualTscKhz } from '../../model/tscScaling.ts';
import { config, state, step } from './fixtures.ts';

const HOST_HZ = 2_500_000_000n;
const scaled = (extra: Parameters<typeof config>[0] = {}) =>
  config({
    pcpus: [{ tscHz: HOST_HZ, tscOffset: 0n }],
    vcpus: [{ pcpu: 0 }, { pcpu: 0, tscKhz: 2_000_000n }],
    tasks: [],
    tscKhz: 2_500_000n,
    ...extra,
  });

describe('vcpuTsc: the ratio KVM computes for each vCPU', () => {
  it('a vCPU without a rate of its own is not scaled, and one with a rate is', () => {
    const cfg = scaled();
    expect(vcpuTsc(cfg, 0)).toMatchObject({ ratio: undefined, virtualKhz: 2_500_000n });
    expect(vcpuTsc(cfg, 1)).toMatchObject({ ratio: 225_179_981_368_524n, virtualKhz: 2_000_000n });
  });

  it('a rate within tsc_tolerance_ppm is not scaled, but stays the vCPU’s virtual_tsc_khz', () => {
    const cfg = scaled({ vcpus: [{ pcpu: 0, tscKhz: 2_500_500n }] });
    expect(vcpuTsc(cfg, 0).ratio).toBeUndefined();
    expect(virtualTscKhz(cfg, 0)).toBe(2_500_500n);
    // With a tolerance of 0 the same rate is scaled.
    expect(vcpuTsc({ ...cfg, tscTolerancePpm: 0 }, 0).ratio).toBeDefined();
  });

  it('takes its fraction bits from the configuration: 48 (VMX) by default, 32 for SVM', () => {
    expect(vcpuTsc(scaled(), 1).fracBits).toBe(48);
    expect(vcpuTsc(scaled({ tscFracBits: 32 }), 1).ratio).toBe(3_435_973_836n);
  });

  it('names the vCPU when KVM would refuse its rate', () => {
    const cfg = scaled({ tscFracBits: 32, vcpus: [{ pcpu: 0, tscKhz: 700_000_000n }] });
    expect(() => vcpuTsc(cfg, 0)).toThrow(/vCPU 0: .*invalid TSC scaling ratio/);
  });
});

describe('guestTsc with scaling (kvm_read_l1_tsc)', () => {
  it('known answer: after one second the 2.0 GHz vCPU reads 1999999999, the unscaled one 2.5e9', () => {
    const cfg = scaled();
    const s = state(cfg, (d) => void (d.now = 1_000_000_000));
    expect(guestTsc(s, cfg, 0)).toBe(2_500_000_000n);
    expect(guestTsc(s, cfg, 1)).toBe(1_999_999_999n);
  });

  it('adds the offset after scaling', () => {
    const cfg = scaled();
    const s = state(cfg, (d) => {
      d.now = 1_000_000_000;
      d.vcpus[1]!.tscOffset = 1n;
    });
    expect(guestTsc(s, cfg, 1)).toBe(2_000_000_000n);
  });

  it('guestTscReachesAt is the first instant the scaled guest TSC reaches the deadline', () => {
    const cfg = scaled({ pcpus: [{ tscHz: HOST_HZ, tscOffset: 12_345n }] });
    fc.assert(
      fc.property(
        fc.bigInt({ min: 20_000n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        (deadline, offset) => {
          const s = state(cfg, (d) => void (d.vcpus[1]!.tscOffset = offset));
          const v = s.vcpus[1]!;
          const t = guestTscReachesAt(s, cfg, 1, deadline + offset);
          expect(guestTscAt(cfg, v, 1, t)).toBeGreaterThanOrEqual(deadline + offset);
          if (t > 0) expect(guestTscAt(cfg, v, 1, t - 1)).toBeLessThan(deadline + offset);
        },
      ),
      { seed: 15, numRuns: 300 },
    );
  });
});

describe('the pvclock page of a scaled vCPU (kvm_guest_time_update)', () => {
  const hostKhz = 3_000_000n;
  const on3GHz = (extra: Parameters<typeof config>[0] = {}) =>
    scaled({
      pcpus: [{ tscHz: hostKhz * 1000n, tscOffset: 0n }],
      vcpus: [{ pcpu: 0, tscKhz: 2_500_000n }],
      tscKhz: hostKhz,
      ...extra,
    });

  it('today (scaled-khz): the host kHz scaled, 2499999 kHz for a 2.5 GHz guest on 3 GHz', () => {
    expect(vcpuTsc(on3GHz(), 0).pvclockScale).toEqual(kvmGetTimeScale(10n ** 9n, 2_499_999_000n));
  });

  it('Woodhouse’s posted fix (scaled-hz): the host Hz scaled, 2499999999 Hz', () => {
    expect(vcpuTsc(on3GHz({ pvclockRate: 'scaled-hz' }), 0).pvclockScale).toEqual(
      kvmGetTimeScale(10n ** 9n, 2_499_999_999n),
    );
  });

  it('before 78db6a503796 (virtual-khz): the requested kHz with kvm_get_time_scale(1e6, khz)', () => {
    expect(vcpuTsc(on3GHz({ pvclockRate: 'virtual-khz' }), 0).pvclockScale).toEqual(
      kvmGetTimeScale(1_000_000n, 2_500_000n),
    );
  });

  it('known answer: today a 2.0 GHz guest on 2.5 GHz gains 500 ns per second of its TSC', () => {
    // The host's 2500000 kHz scales to 1999999 kHz; a page for 1999999000 Hz turns the
    // 1999999999 cycles of one second into 1000000499 ns (the Hz form gives 999999999).
    const cfg = scaled();
    const s = state(cfg);
    const page = pvtiFor(s, cfg, 1, 2);
    expect(pvclockReadCycles(page, page.tscTimestamp + 1_999_999_999n) - page.systemTime).toBe(
      1_000_000_499n,
    );
    const hz = scaled({ pvclockRate: 'scaled-hz' });
    const pageHz = pvtiFor(state(hz), hz, 1, 2);
    expect(
      pvclockReadCycles(pageHz, pageHz.tscTimestamp + 1_999_999_999n) - pageHz.systemTime,
    ).toBe(999_999_999n);
  });

  it('anchors tsc_timestamp at the scaled host TSC plus the offset, and leaves unscaled vCPUs as before', () => {
    const cfg = scaled();
    const s = state(cfg, (d) => {
      d.now = 1_000_000_000;
      d.vcpus[1]!.tscOffset = 7n;
    });
    expect(pvtiFor(s, cfg, 1, 2).tscTimestamp).toBe(1_999_999_999n + 7n);
    const { shift, mul } = kvmGetTimeScale(10n ** 9n, HOST_HZ);
    expect(pvtiFor(s, cfg, 0, 2)).toMatchObject({
      tscTimestamp: 2_500_000_000n,
      tscShift: shift,
      tscToSystemMul: mul,
    });
  });
});

describe('conversions at the vCPU’s own rate', () => {
  it('the LAPIC deadline conversion divides by virtual_tsc_khz (start_sw_tscdeadline)', () => {
    // 2000000 guest cycles at 2000000 kHz are 1 ms; at the host's 2500000 kHz they would be 0.8 ms.
    const cfg = scaled({
      transitions: ['timerProgram'],
      timerCycles: [2_000_000],
      limits: { timersPerVcpu: 1 },
    });
    const next = step(state(cfg), cfg, { kind: 'timerProgram', vcpu: 1, cycles: 2_000_000 });
    expect(next.vcpus[1]!.timer.hrtimer.expires - cfg.bootNs).toBe(1_000_000n);
    // The deadline is reached when the scaled TSC gets there: 2000000 cycles at 0.8 of 2.5 GHz.
    expect(next.vcpus[1]!.timer.deadlineAt).toBe(1_000_001);
  });

  it('nsec_to_cycles scales ns to the vCPU’s cycles', () => {
    const cfg = scaled();
    expect(nsecToCycles(cfg, 0, 1_000_000_000n)).toBe(2_500_000_000n);
    expect(nsecToCycles(cfg, 1, 1_000_000_000n)).toBe(2_000_000_000n);
  });
});
