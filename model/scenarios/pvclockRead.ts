/**
 * pvclock-read (seed 002, Lutomirski, "Cleaning up the KVM clock", 2014).
 *
 * The guest vDSO reads kvmclock in steps (getcpu, version, fields, rdtsc, version again) and may be
 * migrated between them; the host rewrites a page while a read is under way. The old host wrote the
 * page in one bulk copy with the new, even version first, so a reader on another vCPU (the vDSO
 * cannot stop it from reading another vCPU's page) could pass the version check with a half-written
 * page; and a reader that takes one vCPU's page and another vCPU's TSC mixes
 * clocks that only agree if the TSCs are synchronized.
 */
import type { ClockConfig } from '../config.ts';
import { resolvePolicies } from '../policies/index.ts';
import { baseConfig, MAX_TIME_NS } from './baseConfig.ts';
import { bool, int, type Scenario } from './scenario.ts';

export const pvclockRead = {
  name: 'pvclock-read',
  title: 'the vDSO pvclock read against host page writes and task migration',
  source: 'Cleaning up the KVM clock (Lutomirski, 2014)',
  description:
    'Two vCPUs on two pCPUs with 1 GHz TSCs (the rate at which pvclock and MONOTONIC_RAW conversions are ' +
    'exact, so a page rewrite by itself does not step time), each with its own page; one task reading ' +
    'kvmclock the vDSO way in four steps, with no clamp, and migrating once. The host rewrites a page ' +
    'once (a kvmclock update), re-anchored at that pCPU’s TSC and MONOTONIC_RAW, by the variant’s protocol. ' +
    'KVM writes a vCPU’s page from that vCPU’s thread, so only a task on another vCPU can see it half-written: ' +
    'the host-* variants read vCPU0’s page from wherever the task runs (it starts on vCPU0 and may migrate).',
  params: [
    {
      name: 'hostWritesDuringRead',
      meaning: 'a host page write may overlap a read; false switches the bug’s cause off',
      type: 'boolean',
      default: true,
    },
    {
      name: 'hostWrites',
      meaning: 'page rewrites the host may do',
      type: 'integer',
      default: 1,
      min: 0,
      max: 4,
    },
    {
      name: 'tscSkewPpm',
      meaning: 'reader-getcpu-per-vcpu-pvti: how much faster pCPU0’s TSC runs (ppm)',
      type: 'integer',
      default: 1000,
      min: 0,
      max: 100_000,
    },
    {
      name: 'horizonNs',
      meaning: 'real time explored (ns)',
      type: 'integer',
      default: 2000,
      min: 1,
      max: MAX_TIME_NS,
    },
    {
      name: 'gapNs',
      meaning: 'time advances in steps of this many ns',
      type: 'integer',
      default: 1000,
      min: 1,
      max: MAX_TIME_NS,
    },
    {
      name: 'reads',
      meaning: 'clock reads the task may do',
      type: 'integer',
      default: 2,
      min: 0,
      max: 6,
    },
    {
      name: 'migrations',
      meaning: 'times the task may migrate',
      type: 'integer',
      default: 1,
      min: 0,
      max: 4,
    },
  ],
  baseline: 'host-bulk-copy',
  variants: [
    {
      name: 'host-bulk-copy',
      description:
        'the host bumps version by 2 and copies the whole page, version first (KVM before 2015), read by a task on another vCPU (vCPU0’s page)',
      policies: { pvclockWrite: 'bulk-copy', readPage: 'vcpu0' },
      settings: { stableBit: true },
      expected: { 'pvti-consistent': 'violated', 'guest-monotonic': 'violated' },
    },
    {
      name: 'host-odd-even',
      description:
        'version odd, fields, version even (the fix); readers retry. The same cross-vCPU reader as host-bulk-copy',
      policies: { pvclockWrite: 'odd-even', readPage: 'vcpu0' },
      settings: { stableBit: true },
      expected: { 'pvti-consistent': 'holds', 'guest-monotonic': 'holds' },
    },
    {
      name: 'reader-getcpu-per-vcpu-pvti',
      description:
        'getcpu then that vCPU’s page, on unsynchronized TSCs without the stable bit: the task can migrate between getcpu and rdtsc',
      policies: { pvclockWrite: 'odd-even' },
      settings: { unsynced: true },
      expected: { 'guest-monotonic': 'violated' },
    },
    {
      name: 'reader-vcpu0-stable',
      description:
        'with the stable bit and synchronized TSCs, always read vCPU0’s page (Lutomirski’s proposal)',
      policies: { pvclockWrite: 'odd-even', readPage: 'vcpu0' },
      settings: { stableBit: true },
      expected: { 'guest-monotonic': 'holds' },
    },
  ],
  invariants: ['pvti-consistent', 'guest-monotonic'],
  sometimes: [
    {
      name: 'write-during-read',
      check: (s) => s.tasks.some((t) => t.read.active) && s.vcpus.some((v) => v.pvtiWrite.active),
    },
    { name: 'task-migrated', check: (s) => s.tasks.some((t) => t.migrations > 0) },
  ],
  configure: (params, variant): ClockConfig => {
    const base = baseConfig();
    const ghz = 1_000_000_000n;
    const skew =
      variant.settings?.['unsynced'] === true
        ? (ghz * BigInt(int(params, 'tscSkewPpm'))) / 1_000_000n
        : 0n;
    return {
      ...base,
      pcpus: [
        { tscHz: ghz + skew, tscOffset: 0n },
        { tscHz: ghz, tscOffset: 0n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tasks: [{ vcpu: 0 }],
      tscKhz: 1_000_000n,
      horizonNs: int(params, 'horizonNs'),
      gapsNs: [int(params, 'gapNs')],
      transitions: new Set(['timeAdvance', 'pvclockWrite', 'guestRead', 'taskMigrate']),
      limits: {
        ...base.limits,
        readsPerTask: int(params, 'reads'),
        taskMigrations: int(params, 'migrations'),
        pvclockWrites: int(params, 'hostWrites'),
      },
      splitReads: true,
      writesDuringReads: bool(params, 'hostWritesDuringRead'),
      stableBit: variant.settings?.['stableBit'] === true,
      policies: resolvePolicies({ readClamp: 'none', ...variant.policies }),
    };
  },
} as const satisfies Scenario;
