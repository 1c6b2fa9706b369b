/**
 * Live migration explored end to end: two vCPUs reading kvmclock (the kernel's reader, no clamp
 * with the stable bit), paused, saved, moved onto pCPUs 10^12 TSC cycles ahead, restored and
 * resumed in every order the configuration allows, with time passing in 1 ms steps. The verdicts
 * answer the two questions: does guest time go backwards, is the pause time accounted for.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/index.ts';
import { invariantNamed } from '../../invariants/index.ts';
import { buildModel } from '../../model/buildModel.ts';
import type { LiveMigrationConfig } from '../../model/config.ts';
import type { config } from './fixtures.ts';
import { DEST_OFFSET, migrating, MIGRATION_KINDS } from './transitions/liveMigration.ts';

const INVARIANTS = ['guest-monotonic', 'pause-time-accounted', 'kvmclock-drift'].map((n) =>
  invariantNamed(n)!,
);

function explored(lm: Partial<LiveMigrationConfig>, extra: Parameters<typeof config>[0] = {}) {
  const cfg = migrating(lm, {
    transitions: [...MIGRATION_KINDS, 'pvclockWrite', 'timeAdvance', 'guestRead', 'taskMigrate'],
    horizonNs: 3_000_000,
    gapsNs: [1_000_000],
    limits: { readsPerTask: 2, taskMigrations: 1 },
    driftBoundNs: 1000n,
    policies: { readClamp: 'last-value-unless-stable' },
    ...extra,
  });
  const r = explore(buildModel(cfg, INVARIANTS));
  expect(r.error?.message).toBeUndefined();
  expect(r.complete).toBe(true);
  return r.violations.map((v) => [v.invariant, v.depth]);
}

/** 2.5 GHz TSCs, both vCPUs given 2.0 GHz (a 0.8 ratio; one rate, so the masterclock is used). */
const scaled = (extra: Parameters<typeof config>[0] = {}) => ({
  pcpus: [0n, 0n, DEST_OFFSET, DEST_OFFSET].map((tscOffset) => ({
    tscHz: 2_500_000_000n,
    tscOffset,
  })),
  tscKhz: 2_500_000n,
  vcpus: [
    { pcpu: 0, tscKhz: 2_000_000n },
    { pcpu: 1, tscKhz: 2_000_000n },
  ],
  ...extra,
});

describe('live migration, explored', () => {
  it('QEMU’s order (TSC MSRs, then KVM_SET_CLOCK with KVM_CLOCK_REALTIME, then resume): time never goes back, the pause is kept', () => {
    expect(explored({ restoreOrder: 'tsc-first' })).toEqual([]);
  });

  it('without KVM_CLOCK_REALTIME (before 5.16) the pause is lost, though time does not go back', () => {
    expect(explored({ restoreOrder: 'tsc-first', clockRealtime: false })).toEqual([
      ['pause-time-accounted', 8],
    ]);
  });

  it('without the masterclock KVM_GET_CLOCK has no realtime to give, and the pause is lost too', () => {
    expect(explored({ restoreOrder: 'tsc-first' }, { useMasterClock: false })).toEqual([
      ['pause-time-accounted', 8],
    ]);
  });

  it('the vcpu.rst algorithm (KVM_SET_CLOCK, then KVM_VCPU_TSC_OFFSET) holds', () => {
    expect(explored({ tscRestore: 'offset-attr', restoreOrder: 'clock-first' })).toEqual([]);
  });

  it('a vCPU resumed before KVM_SET_CLOCK reads the fresh VM’s kvmclock: time goes back by the uptime', () => {
    expect(explored({ resumeEarly: true })).toEqual([['guest-monotonic', 7]]);
  });

  it('finding: with TSC scaling, today’s kHz page rate runs ahead, and the re-anchor at migration steps back', () => {
    // A 2.0 GHz vCPU's page converts at 1999999 kHz (the host's kHz scaled, floored): kvmclock
    // gains 0.5 ns per ms over RAW, and the destination's fresh snapshot takes it back. In 1 ms
    // steps the gain is less than the cycles a read after the snapshot comes later (causal
    // time), so time moves in 5 ms steps.
    const long = (extra: Parameters<typeof config>[0] = {}) =>
      scaled({ horizonNs: 10_000_000, gapsNs: [5_000_000], ...extra });
    expect(explored({ restoreOrder: 'tsc-first' }, scaled())).toEqual([]);
    expect(explored({ restoreOrder: 'tsc-first' }, long())).toEqual([['guest-monotonic', 10]]);
    expect(explored({ tscRestore: 'offset-attr', restoreOrder: 'clock-first' }, long())).toEqual([
      ['guest-monotonic', 10],
    ]);
    // Woodhouse's Hz form keeps the digits, and nothing goes back.
    expect(explored({ restoreOrder: 'tsc-first' }, long({ pvclockRate: 'scaled-hz' }))).toEqual([]);
  });
});
