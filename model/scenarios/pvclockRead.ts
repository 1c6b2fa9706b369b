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
import { defineSometimes } from '../../invariants/invariant.ts';
import { defineScenario } from './defineScenario.ts';

export const pvclockRead = defineScenario({
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
  params: {
    hostWritesDuringRead: {
      meaning: 'a host page write may overlap a read; false switches the bug’s cause off',
      default: true,
    },
    hostWrites: {
      meaning: 'page rewrites the host may do',
      default: 1,
      min: 0,
      max: 4,
    },
    tscSkewPpm: {
      meaning: 'reader-getcpu-per-vcpu-pvti: how much faster pCPU0’s TSC runs (ppm)',
      default: 1000,
      min: 0,
      max: 100_000,
    },
    horizonNs: {
      meaning: 'real time explored (ns)',
      default: 2000,
      min: 1,
      max: 1_000_000_000,
    },
    gapNs: {
      meaning: 'time advances in steps of this many ns',
      default: 1000,
      min: 1,
      max: 1_000_000_000,
    },
    reads: {
      meaning: 'clock reads the task may do',
      default: 2,
      min: 0,
      max: 6,
    },
    migrations: {
      meaning: 'times the task may migrate',
      default: 1,
      min: 0,
      max: 4,
    },
  },
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
  causeOff: { param: 'hostWritesDuringRead', value: false },
  invariants: ['pvti-consistent', 'guest-monotonic'],
  sometimes: [
    defineSometimes({
      name: 'write-during-read',
      meaning: 'a host page write was under way while a read was',
      check: (s) => s.tasks.some((t) => t.read.active) && s.vcpus.some((v) => v.pvtiWrite.active),
      symmetric: true,
    }),
    defineSometimes({
      name: 'task-migrated',
      meaning: 'a task migrated to another vCPU',
      check: (s) => s.tasks.some((t) => t.migrations > 0),
      symmetric: true,
    }),
  ],
  configure: (p, variant) => {
    const ghz = 1_000_000_000n;
    const skew =
      variant.settings['unsynced'] === true ? (ghz * BigInt(p.tscSkewPpm)) / 1_000_000n : 0n;
    return {
      pcpus: [
        { tscHz: ghz + skew, tscOffset: 0n },
        { tscHz: ghz, tscOffset: 0n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tasks: [{ vcpu: 0 }],
      tscKhz: 1_000_000n,
      horizonNs: p.horizonNs,
      gapsNs: [p.gapNs],
      transitions: ['timeAdvance', 'pvclockWrite', 'guestRead', 'taskMigrate'],
      limits: {
        readsPerTask: p.reads,
        taskMigrations: p.migrations,
        pvclockWrites: p.hostWrites,
      },
      writesDuringReads: p.hostWritesDuringRead,
      stableBit: variant.settings['stableBit'] === true,
      policies: { reader: 'split', readClamp: 'none' },
    };
  },
});
