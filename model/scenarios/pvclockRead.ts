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
import { MAX_TIME_NS } from './baseConfig.ts';
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
      meaning:
        'page rewrites the host may do: with the masterclock, masterclock updates (each rewrites every page)',
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
      max: MAX_TIME_NS,
    },
    gapNs: {
      meaning: 'time advances in steps of this many ns',
      default: 1000,
      min: 1,
      max: MAX_TIME_NS,
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
        'a masterclock update rewrites every page; the host bumps version by 2 and copies the whole page, whose stores another CPU may see in any order (KVM v3.8 to v4.0); read by a task on another vCPU (vCPU0’s page)',
      kernel: {
        functions: [
          'arch/x86/kvm/x86.c: kvm_gen_update_masterclock → pvclock_update_vm_gtod_copy (one snapshot, KVM_REQ_CLOCK_UPDATE on every vCPU)',
          'arch/x86/kvm/x86.c: kvm_guest_time_update (the snapshot, PVCLOCK_TSC_STABLE_BIT with use_master_clock; version += 2, then one copy of the struct: memcpy in v3.8, kvm_write_guest_cached in v4.0)',
        ],
        versions:
          'v3.8–v4.0 (STABLE from v3.8, d828199e8444; the bulk copy until v4.0, the odd/even writer from v4.1)',
      },
      policies: { pvclockWrite: 'bulk-copy', readPage: 'vcpu0' },
      settings: { masterclock: true },
      expected: { 'pvti-consistent': 'violated', 'guest-monotonic': 'violated' },
    },
    {
      name: 'host-odd-even',
      description:
        'a masterclock update rewrites every page: version odd, barrier, fields, barrier, version even (the fix); readers retry. The same cross-vCPU reader as host-bulk-copy',
      kernel: {
        functions: [
          'arch/x86/kvm/x86.c: kvm_gen_update_masterclock → pvclock_update_vm_gtod_copy (one snapshot, KVM_REQ_CLOCK_UPDATE on every vCPU)',
          'arch/x86/kvm/x86.c: kvm_guest_time_update (version + 1 written alone, smp_wmb, the struct, smp_wmb, version + 1; later kvm_setup_pvclock_page, today kvm_setup_guest_pvclock)',
        ],
        versions: 'since v4.1',
      },
      policies: { pvclockWrite: 'odd-even', readPage: 'vcpu0' },
      settings: { masterclock: true },
      expected: { 'pvti-consistent': 'holds', 'guest-monotonic': 'holds' },
    },
    {
      name: 'reader-getcpu-per-vcpu-pvti',
      description:
        'getcpu then that vCPU’s page, on unsynchronized TSCs without the stable bit: the task can migrate between getcpu and rdtsc',
      kernel: {
        functions: [
          'arch/x86/vdso/vclock_gettime.c: vread_pvclock (getcpu, that vCPU’s pvti; without its getcpu re-check and its VCLOCK_NONE bail)',
        ],
        versions: 'v3.8–v4.4 (the reader, less its re-check and bail)',
      },
      policies: { pvclockWrite: 'odd-even' },
      settings: { unsynced: true },
      expected: { 'guest-monotonic': 'violated' },
    },
    {
      name: 'reader-vcpu0-stable',
      description:
        'with the stable bit and synchronized TSCs, always read vCPU0’s page (Lutomirski’s proposal)',
      kernel: {
        functions: [
          'arch/x86/entry/vdso/vclock_gettime.c: vread_pvclock (vCPU0’s pvti, the pvclock page)',
        ],
        versions: 'since v4.5 (Lutomirski’s proposal, 2014)',
      },
      policies: { pvclockWrite: 'odd-even', readPage: 'vcpu0' },
      settings: { masterclock: true },
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
  // Two settings, for every variant: `masterclock` (KVM uses the masterclock, so every page is
  // anchored at its snapshot and carries PVCLOCK_TSC_STABLE_BIT, and pages change only through a
  // masterclock update) and `unsynced` (pCPU0's TSC runs tscSkewPpm fast). Without the
  // masterclock the host rewrites pages on its own (hostWrites unrequested kvmclock updates); with
  // it, hostWrites is how many masterclock updates may happen (the 'hotplug' trigger:
  // kvm_gen_update_masterclock, whatever requested it), each rewriting every vCPU's page.
  configure: (p, variant) => {
    const ghz = 1_000_000_000n;
    const masterclock = variant.settings['masterclock'] === true;
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
      transitions: masterclock
        ? ['timeAdvance', 'masterclockUpdate', 'pvclockWrite', 'guestRead', 'taskMigrate']
        : ['timeAdvance', 'pvclockWrite', 'guestRead', 'taskMigrate'],
      limits: {
        readsPerTask: p.reads,
        taskMigrations: p.migrations,
        pvclockWrites: masterclock ? 0 : p.hostWrites,
        masterclockTriggers: masterclock ? p.hostWrites : 0,
      },
      useMasterClock: masterclock,
      masterclockTriggerKinds: masterclock ? ['hotplug'] : [],
      writesDuringReads: p.hostWritesDuringRead,
      policies: { reader: 'split', readClamp: 'none' },
    };
  },
});
