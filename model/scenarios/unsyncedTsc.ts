/**
 * unsynced-tsc (seed 003, Graf, "Making an unstable clock source (reasonably) stable", 2010).
 *
 * Two pCPUs whose TSCs run at different rates (pCPU0 faster by `tscSkewPpm`), and KVM none the
 * wiser: both are believed to run at the nominal 2.5 GHz. Each vCPU is pinned to its own pCPU and
 * its pvclock page was written at time 0 from that pCPU's TSC. One guest task reads kvmclock and
 * migrates between the vCPUs. On the fast pCPU kvmclock runs ahead, so a read there followed by a
 * read on the other vCPU goes backwards, unless the guest clamps every read to the largest value
 * returned so far (last_value).
 */
import { MAX_TIME_NS } from './baseConfig.ts';
import { defineSometimes } from '../../invariants/invariant.ts';
import { defineScenario } from './defineScenario.ts';
import { grafSwingCapReader } from '../policies/reader.ts';

const NOMINAL_KHZ = 2_500_000n;

export const unsyncedTsc = defineScenario({
  name: 'unsynced-tsc',
  title: 'per-vCPU pvclock on pCPUs whose TSCs run at different rates',
  source: 'Making an unstable clock source (reasonably) stable (Graf, 2010)',
  description:
    'Two pCPUs, pCPU0 faster than nominal by tscSkewPpm and pCPU1 exactly nominal (2.5 GHz), both believed ' +
    'nominal by KVM; vCPUn pinned to pCPUn with its own pvclock page written at time 0; one task that reads ' +
    'kvmclock (pvclock arithmetic, u64) and migrates between vCPUs. 100 ppm exaggerates real skew so that it ' +
    'shows within a millisecond.',
  params: {
    tscSkewPpm: {
      meaning:
        "how much faster pCPU0's TSC runs than nominal (ppm); 0 switches the bug's cause off",
      default: 100,
      min: 0,
      max: 10_000,
    },
    horizonNs: {
      meaning: 'real time explored (ns)',
      default: 2_000_000,
      min: 1,
      max: MAX_TIME_NS,
    },
    gapNs: {
      meaning: 'time advances in steps of this many ns',
      default: 1_000_000,
      min: 1,
      max: MAX_TIME_NS,
    },
    reads: {
      meaning: 'clock reads the task may do',
      default: 3,
      min: 0,
      max: 8,
    },
    migrations: {
      meaning: 'times the task may migrate to the other vCPU',
      default: 2,
      min: 0,
      max: 8,
    },
    hz: {
      meaning:
        'graf-* variants: the guest’s HZ, which sets Graf’s cap PVCLOCK_DELTA_MAX = (1e9 / HZ) / 5 ns',
      default: 1000,
      min: 1,
      max: 10_000,
      minimize: 'keep',
    },
    splitReads: {
      meaning: 'reads take four steps (version, fields, tsc, check) instead of one',
      default: false,
    },
  },
  baseline: 'no-clamp',
  variants: [
    {
      name: 'no-clamp',
      description: 'per-vCPU pvclock and no global clamp: each read returns what its vCPU computes',
      kernel: {
        functions: [
          'arch/x86/kernel/pvclock.c: pvclock_clocksource_read (no last_value)',
          'arch/x86/kvm/x86.c: kvm_write_guest_time (a page per vCPU, from its pCPU’s TSC)',
        ],
        versions: 'v2.6.27–v2.6.34',
      },
      policies: { readClamp: 'none' },
      expected: { 'guest-monotonic': 'violated' },
    },
    {
      name: 'global-clamp',
      description: 'the last_value clamp: never return less than the largest value returned so far',
      kernel: {
        functions: [
          'arch/x86/kernel/pvclock.c: pvclock_clocksource_read (the atomic64 last_value clamp)',
        ],
        versions:
          'since v2.6.35 (489fb490dbf8, “x86, paravirt: Add a global synchronization point for pvclock”), to today; skipped when the page and valid_flags carry PVCLOCK_TSC_STABLE_BIT (so in v3.0)',
      },
      policies: { readClamp: 'last-value' },
      expected: { 'guest-monotonic': 'holds' },
    },
    {
      name: 'stable-bit-with-skew',
      description:
        'KVM uses the masterclock (the skew goes undetected), so every page is anchored at its one snapshot and carries PVCLOCK_TSC_STABLE_BIT, and the kernel skips the clamp',
      kernel: {
        functions: [
          'arch/x86/kvm/x86.c: pvclock_update_vm_gtod_copy (use_master_clock: a TSC clocksource and every vCPU’s TSC matched)',
          'arch/x86/kvm/x86.c: kvm_guest_time_update (every vCPU’s page from master_cycle_now and master_kernel_ns, PVCLOCK_TSC_STABLE_BIT with use_master_clock)',
          'arch/x86/kernel/pvclock.c: pvclock_clocksource_read (no clamp with PVCLOCK_TSC_STABLE_BIT)',
        ],
        versions:
          'since v3.8 (d828199e8444, “KVM: x86: implement PVCLOCK_TSC_STABLE_BIT pvclock flag”)',
      },
      policies: { readClamp: 'last-value-unless-stable' },
      settings: { masterclock: true },
      expected: { 'guest-monotonic': 'violated' },
    },
    {
      name: 'graf-swing-cap',
      description:
        'Graf’s cap alone: the scaled TSC delta capped at a fifth of a jiffy, a capped read asking the host for a fresh page; no global clamp',
      kernel: {
        functions: [
          'arch/x86/kernel/pvclock.c: pvclock_get_nsec_offset as posted (r capped at PVCLOCK_DELTA_MAX = (NSEC_PER_SEC / HZ) / 5, then “fetch new time value”)',
          'arch/x86/kvm/x86.c: kvm_write_guest_time (the page rewritten on the clock-update request)',
        ],
        versions:
          'posted patch: Making an unstable clock source (reasonably) stable (Graf, 2010), never merged',
      },
      policies: { readClamp: 'none' },
      settings: { swingCap: true },
      expected: { 'guest-monotonic': 'violated' },
    },
    {
      name: 'graf-swing-cap-global-clamp',
      description: 'Graf’s cap with the global last_value clamp, as he posted them together',
      kernel: {
        functions: [
          'arch/x86/kernel/pvclock.c: pvclock_get_nsec_offset as posted (the PVCLOCK_DELTA_MAX cap)',
          'arch/x86/kernel/pvclock.c: pvclock_clocksource_read (the last_value clamp, merged in v2.6.35)',
        ],
        versions:
          'posted patch: Making an unstable clock source (reasonably) stable (Graf, 2010); the clamp alone merged in v2.6.35',
      },
      policies: { readClamp: 'last-value' },
      settings: { swingCap: true },
      expected: { 'guest-monotonic': 'holds' },
    },
  ],
  causeOff: { param: 'tscSkewPpm', value: 0 },
  invariants: ['guest-monotonic'],
  sometimes: [
    defineSometimes({
      name: 'task-migrated',
      meaning: 'a task migrated to another vCPU',
      check: (s) => s.tasks.some((t) => t.migrations > 0),
      symmetric: true,
    }),
    defineSometimes({
      name: 'read-on-each-vcpu',
      meaning: 'a task read on one vCPU, then on another',
      check: (s) => s.tasks.some((t) => t.prevRead.valid && t.prevRead.vcpu !== t.lastRead.vcpu),
      symmetric: true,
    }),
  ],
  configure: (p, variant) => {
    const nominalHz = NOMINAL_KHZ * 1000n;
    const cap = variant.settings['swingCap'] === true;
    return {
      pcpus: [
        { tscHz: nominalHz + (nominalHz * BigInt(p.tscSkewPpm)) / 1_000_000n, tscOffset: 0n },
        { tscHz: nominalHz, tscOffset: 0n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tasks: [{ vcpu: 0 }],
      tscKhz: NOMINAL_KHZ,
      horizonNs: p.horizonNs,
      gapsNs: [p.gapNs],
      // Graf's capped reads ask for fresh pages, which the host writes (on request only).
      transitions: cap
        ? ['timeAdvance', 'guestRead', 'taskMigrate', 'pvclockWrite']
        : ['timeAdvance', 'guestRead', 'taskMigrate'],
      limits: { readsPerTask: p.reads, taskMigrations: p.migrations },
      // The masterclock: one snapshot for every page, PVCLOCK_TSC_STABLE_BIT on each.
      useMasterClock: variant.settings['masterclock'] === true,
      policies: {
        reader: p.splitReads ? 'split' : cap ? grafSwingCapReader(p.hz) : 'one-step',
      },
    };
  },
});
