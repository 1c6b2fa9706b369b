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
      meaning:
        'with unsynchronized TSCs (the *-unsynced variants): how much faster pCPU0’s TSC runs (ppm)',
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
      name: 'reader-vdso-getcpu',
      description:
        'the vDSO reader of v3.12–v4.4: getcpu, that vCPU’s page, version, tsc, fields, getcpu again, retry on a changed CPU or version; pages STABLE with the masterclock',
      kernel: {
        functions: [
          'arch/x86/vdso/vclock_gettime.c: vread_pvclock (getcpu, get_pvti, the retry loop, VCLOCK_NONE without PVCLOCK_TSC_STABLE_BIT)',
          'arch/x86/include/asm/pvclock.h: __pvclock_read_cycles (version, rdtsc_barrier, TSC, then the fields)',
        ],
        versions:
          'v3.12–v4.4 (read in v3.12 and v3.14; v3.8–v3.11 also re-checked migrate_count, not modelled)',
      },
      policies: { pvclockWrite: 'odd-even', reader: 'vdso-getcpu' },
      settings: { masterclock: true },
      expected: { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' },
    },
    {
      name: 'reader-vdso-getcpu-unsynced',
      description:
        'the same v3.12–v4.4 vDSO reader on unsynchronized TSCs: no STABLE bit, so every read ends in the syscall, clamped to last_value',
      kernel: {
        functions: [
          'arch/x86/vdso/vclock_gettime.c: vread_pvclock (VCLOCK_NONE without PVCLOCK_TSC_STABLE_BIT) → vdso_fallback_gettime',
          'arch/x86/kernel/kvmclock.c: kvm_clock_read → arch/x86/kernel/pvclock.c: pvclock_clocksource_read (last_value clamp)',
        ],
        versions: 'v3.12–v4.4 (read in v3.12 and v3.14)',
      },
      policies: { pvclockWrite: 'odd-even', reader: 'vdso-getcpu' },
      settings: { unsynced: true },
      expected: { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' },
    },
    {
      name: 'reader-vdso-vcpu0',
      description:
        'the vDSO reader today: vCPU0’s page, version & ~1, bail to the syscall without STABLE, tsc before the fields, retry if the version changed',
      kernel: {
        functions: [
          'arch/x86/include/asm/vdso/gettimeofday.h: vread_pvclock (pvclock_page, U64_MAX without PVCLOCK_TSC_STABLE_BIT)',
          'arch/x86/include/asm/pvclock.h: pvclock_read_begin, __pvclock_read_cycles(src, rdtsc_ordered()), pvclock_read_retry',
        ],
        versions:
          'today (read in the current tree); by the patches, not read at their tags: pvclock_read_begin since v4.8, vCPU0’s page since v4.5, gettimeofday.h and U64_MAX since v5.3 (VCLOCK_NONE before)',
      },
      policies: { pvclockWrite: 'odd-even', reader: 'vdso-vcpu0' },
      settings: { masterclock: true },
      expected: { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' },
    },
    {
      name: 'reader-kernel',
      description:
        'the guest kernel’s own read: this vCPU’s page in one step with preemption off, no clamp on a STABLE page',
      kernel: {
        functions: [
          'arch/x86/kernel/kvmclock.c: kvm_clock_read (this_cpu_pvti, preemption off)',
          'arch/x86/kernel/pvclock.c: pvclock_clocksource_read (no last_value clamp when the page and valid_flags carry PVCLOCK_TSC_STABLE_BIT)',
        ],
        versions:
          'since v3.8 (TSC before the fields: read in v3.8 and v3.10; the STABLE skip already in v3.0), pvclock_read_begin since v4.8',
      },
      policies: { pvclockWrite: 'odd-even', reader: 'kernel' },
      settings: { masterclock: true },
      expected: { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' },
      sometimes: ['task-migrated'],
    },
    {
      name: 'reader-kernel-unsynced',
      description:
        'the guest kernel’s own read on unsynchronized TSCs: no STABLE bit, so every read is clamped to last_value',
      kernel: {
        functions: [
          'arch/x86/kernel/kvmclock.c: kvm_clock_read (this_cpu_pvti, preemption off)',
          'arch/x86/kernel/pvclock.c: pvclock_clocksource_read (the atomic64 last_value clamp)',
        ],
        versions: 'since v2.6.35 (the clamp, by its commit; read in v3.0 and v3.10), to today',
      },
      policies: { pvclockWrite: 'odd-even', reader: 'kernel' },
      settings: { unsynced: true },
      expected: { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' },
      sometimes: ['task-migrated'],
    },
    {
      name: 'reader-vcpu0-stable',
      description:
        'with the stable bit, always read vCPU0’s page: the v3.x vDSO loop without getcpu (Lutomirski’s question, 2014)',
      kernel: {
        functions: [
          'arch/x86/vdso/vclock_gettime.c: vread_pvclock of v3.12–v4.4, on get_pvti(0) instead of getcpu’s',
        ],
        versions:
          'proposal: Cleaning up the KVM clock (Lutomirski, 2014); merged in v4.5 as the reader of reader-vdso-vcpu0',
      },
      policies: { pvclockWrite: 'odd-even', reader: 'vcpu0-stable' },
      settings: { masterclock: true },
      expected: { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' },
    },
    {
      name: 'reader-rdtscp',
      description:
        'rdtscp for the TSC and the CPU at once, that CPU’s page, version, fields; retry on the version (Lutomirski, 2014)',
      kernel: {
        functions: [
          'vread_pvclock as proposed: RDTSCP, the pvti of TSC_AUX’s CPU, version re-check',
        ],
        versions: 'posted proposal: Cleaning up the KVM clock (Lutomirski, 2014)',
      },
      policies: { pvclockWrite: 'odd-even', reader: 'rdtscp' },
      settings: { masterclock: true },
      expected: { 'guest-monotonic': 'violated', 'pvti-consistent': 'holds' },
    },
    {
      name: 'reader-rdtscp-tsc-check',
      description:
        'Lutomirski’s rdtscp reader with its retry if tsc < tsc_timestamp, tsc_timestamp read after the other fields',
      kernel: {
        functions: [
          'vread_pvclock as proposed: RDTSCP, scale/offset/flags, barrier, tsc_timestamp; retry if tsc < tsc_timestamp or the version changed',
        ],
        versions: 'posted proposal: Cleaning up the KVM clock (Lutomirski, 2014)',
      },
      policies: { pvclockWrite: 'odd-even', reader: 'rdtscp-tsc-check' },
      settings: { masterclock: true },
      expected: { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' },
    },
    {
      name: 'reader-rdtscp-no-version-check',
      description:
        'Lutomirski’s claim: with the tsc < tsc_timestamp retry the version check is unnecessary (Tosatti: an update need not change tsc_timestamp)',
      kernel: {
        functions: [
          'vread_pvclock as proposed, without the version: RDTSCP, scale/offset/flags, tsc_timestamp; retry only if tsc < tsc_timestamp',
        ],
        versions: 'posted proposal: Cleaning up the KVM clock (Lutomirski, 2014)',
      },
      policies: { pvclockWrite: 'odd-even', reader: 'rdtscp-no-version-check' },
      settings: { masterclock: true },
      // Holds with causal time (model/causalTime.ts). Its only counterexample before rested on a
      // reader's TSC equal to a tsc_timestamp taken after it at the same instant. Every rewrite
      // of a STABLE page here comes from a masterclock update, whose new snapshot is later than
      // any TSC a reader took before it, so tsc < tsc_timestamp catches the rewrite. Tosatti's
      // objection needs a rewrite that keeps tsc_timestamp and changes the other fields, which
      // this scenario does not produce.
      expected: { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' },
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
