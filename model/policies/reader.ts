/**
 * Which reader a guest clock read runs (the policy point of guestRead): a list of steps made of
 * the building blocks in model/readers/steps.ts. A user's variant may give its own
 * (`policies: { reader: defineReader({ ... }) }`). Every reader here names the kernel code (or the
 * proposal) it follows and the versions in which the kernel read that way; a step is one atomic
 * action of the task, so host page writes and migrations come in between.
 *
 * The kernel's own read
 * - `one-step`: the whole read in one step (`whole`) on the page the readPage policy picks, with
 *   the TSC of the task's vCPU, waiting while the version is odd, through the readClamp policy.
 *   With readPage getcpu it is the guest kernel's read (kvm_clock_read → pvclock_clocksource_read,
 *   all versions: preemption is off, so the task stays on its vCPU and that vCPU's page cannot
 *   change under it).
 * - `kernel`: the same read with the kernel's own clamp, named for what it is:
 *   arch/x86/kernel/pvclock.c pvclock_clocksource_read on this_cpu_pvti() (kvm_clock_read), in one
 *   step, clamped to last_value unless the page carries PVCLOCK_TSC_STABLE_BIT (valid_flags has the
 *   bit: KVM advertises KVM_FEATURE_CLOCKSOURCE_STABLE_BIT). Its loop takes the TSC before the
 *   fields since v3.8 (`__pvclock_read_cycles`), with `version & ~1` since v4.8; inside one step the
 *   order does not show.
 * - `split`: four steps, version (the readPage policy's page, waiting while odd), fields, tsc, check
 *   (retry if the version changed). The order of pvclock_clocksource_read before v3.8
 *   (pvclock_get_time_values copies the fields, then pvclock_get_nsec_offset reads the TSC; read in
 *   v3.0), here on a page the readPage policy picks, so that a reader on another vCPU sees a page
 *   mid-write. Every reader since v3.8 takes the TSC before the fields; this one is kept for the
 *   host-* variants and their committed counterexamples.
 *
 * The vDSO (vread_pvclock, the user's own copy of the read: the task may migrate at any step)
 * - `vdso-getcpu`: arch/x86/vdso/vclock_gettime.c vread_pvclock of v3.12 to v4.4 (read in v3.12,
 *   v3.14, and in the text Lutomirski's v4.5 rewrite replaces): getcpu and that CPU's page
 *   (get_pvti), version, the TSC (rdtsc_barrier; rdtsc), the fields (__pvclock_read_cycles), getcpu
 *   again; the loop retries if the CPU changed, or the version is odd or changed; after it, a page
 *   without PVCLOCK_TSC_STABLE_BIT (the flags read with the fields) makes the vDSO return
 *   VCLOCK_NONE and clock_gettime falls back to the syscall (`syscall`, the kernel's read, clamped).
 *   The vDSO's own result is not clamped (its `cycle_last` clamp belongs to the guest timekeeper,
 *   which the model has not). v3.8 to v3.11 also retried when the page's migrate_count (bumped by a
 *   guest scheduler notifier whenever a task left that CPU) changed; that check is not modelled.
 * - `vcpu0-stable`: Lutomirski's proposal (2014, "we could always use vcpu 0's pvti"): the loop of
 *   `vdso-getcpu` on vCPU0's page, without the getcpus.
 * - `vdso-vcpu0`: the vDSO since v4.8 (arch/x86/entry/vdso/vclock_gettime.c, since v5.3
 *   arch/x86/include/asm/vdso/gettimeofday.h): vCPU0's page (pvclock_page); pvclock_read_begin
 *   (`version & ~1`) then the page's flags: without PVCLOCK_TSC_STABLE_BIT it bails (VCLOCK_NONE,
 *   since v5.3 U64_MAX) to the syscall; the TSC (rdtsc_ordered) before the fields
 *   (__pvclock_read_cycles); retry while pvclock_read_retry (the version changed).
 *
 * Lutomirski's proposals in "Cleaning up the KVM clock" (seed 002, December 2014), never merged as
 * such; each bails to the syscall without PVCLOCK_TSC_STABLE_BIT, as he wrote:
 * - `rdtscp`: RDTSCP gives the TSC and the CPU at once; that CPU's page, its version, the fields;
 *   retry if the version is odd or changed.
 * - `rdtscp-tsc-check`: his whole algorithm: rdtscp, that CPU's page and version, the scale, offset
 *   and flags (bail without STABLE), then (barrier) tsc_timestamp; retry if tsc < tsc_timestamp or
 *   the versions are unhappy.
 * - `rdtscp-no-version-check`: the same without the version, on his claim that racing a host update
 *   fails the tsc < tsc_timestamp check anyway (Tosatti: "A kvmclock update does not necessarily
 *   update tsc_timestamp").
 *
 * Graf's swing cap (seed 003, 2010) needs the guest's HZ, a scenario parameter: `grafSwingCapReader`.
 */
import { defineReader, type Reader } from '../readers/reader.ts';
import {
  cpuChanged,
  fieldsNotStable,
  pageNotStable,
  tscBeforeTimestamp,
  versionChanged,
  versionOdd,
} from '../readers/conditions.ts';
import { policyPage, vcpu0Page } from '../readers/pages.ts';
import {
  combine,
  getcpu,
  rdtsc,
  rdtscp,
  readFields,
  readVersion,
  recheck,
  swingCappedRead,
  syscallRead,
  wholeRead,
} from '../readers/steps.ts';
import type { PvtiField } from './pvclockWriteProtocol.ts';
import { readClampPolicies } from './readClamp.ts';

export type ReaderPolicy = Reader;

/** The vDSO returns what it computed: no last_value clamp on its own path. */
const VDSO = readClampPolicies.none;

/** Every field but tsc_timestamp: the scale, offset and flags Lutomirski reads first. */
const BEFORE_STAMP: readonly PvtiField[] = ['systemTime', 'tscToSystemMul', 'tscShift', 'flags'];

/** The 3.x vDSO loop's exit test: `(version & 1) || version changed`, then the STABLE bail. */
const v3Check = recheck({
  retryIf: [versionOdd, versionChanged],
  fallbackIf: [fieldsNotStable],
  clamp: VDSO,
});

/**
 * Lutomirski's rdtscp readers: rdtscp and that CPU's page (and its version), then the scale,
 * offset and flags (bail without STABLE); with the tsc check, tsc_timestamp after them.
 */
function lutomirski(
  name: string,
  description: string,
  checks: { readonly version: boolean; readonly tsc: boolean },
): Reader {
  const bail = recheck({ fallbackIf: [fieldsNotStable], then: 'next' });
  const versionRetry = checks.version ? [versionOdd, versionChanged] : [];
  return defineReader({
    name,
    description,
    steps: [
      rdtscp(),
      ...(checks.version ? [readVersion()] : []),
      ...(checks.tsc
        ? [
            combine('fields', readFields({ fields: BEFORE_STAMP }), bail),
            readFields({ name: 'stamp', fields: ['tscTimestamp'], continuing: true }),
          ]
        : [combine('fields', readFields(), bail)]),
      recheck({
        retryIf: checks.tsc ? [tscBeforeTimestamp, ...versionRetry] : versionRetry,
        clamp: VDSO,
      }),
      syscallRead(),
    ],
  });
}

export const readerPolicies = {
  'one-step': defineReader({
    name: 'one-step',
    description: 'the whole read in one step (pvclock_clocksource_read with preemption off)',
    steps: [wholeRead()],
  }),
  split: defineReader({
    name: 'split',
    description:
      'version (waits while odd), fields, tsc, check (retry if the version changed): pvclock_clocksource_read before v3.8',
    steps: [
      readVersion({ page: policyPage, waitWhileOdd: true }),
      readFields(),
      rdtsc(),
      recheck({ retryIf: [versionChanged] }),
    ],
  }),
  kernel: defineReader({
    name: 'kernel',
    description:
      'pvclock_clocksource_read on this vCPU’s page in one step, clamped to last_value unless STABLE',
    steps: [syscallRead({ name: 'read' })],
  }),
  'vdso-getcpu': defineReader({
    name: 'vdso-getcpu',
    description:
      'vread_pvclock of v3.12–v4.4: getcpu, its page, version, tsc, fields, getcpu again; retry; no STABLE → syscall',
    steps: [
      getcpu(),
      readVersion(),
      rdtsc(),
      readFields(),
      recheck({ name: 'getcpu-again', retryIf: [cpuChanged], then: 'next' }),
      v3Check,
      syscallRead(),
    ],
  }),
  'vcpu0-stable': defineReader({
    name: 'vcpu0-stable',
    description:
      'Lutomirski’s 2014 proposal: the v3.x vDSO loop on vCPU0’s page, without getcpu; no STABLE → syscall',
    steps: [readVersion({ page: vcpu0Page }), rdtsc(), readFields(), v3Check, syscallRead()],
  }),
  'vdso-vcpu0': defineReader({
    name: 'vdso-vcpu0',
    description:
      'the vDSO since v4.8: vCPU0’s page, version & ~1, no STABLE → syscall, tsc, fields, retry if the version changed',
    steps: [
      combine(
        'version',
        readVersion({ page: vcpu0Page, clearLowBit: true }),
        recheck({ fallbackIf: [pageNotStable], then: 'next' }),
      ),
      rdtsc(),
      readFields(),
      recheck({ retryIf: [versionChanged], clamp: VDSO }),
      syscallRead(),
    ],
  }),
  rdtscp: lutomirski(
    'rdtscp',
    'Lutomirski’s rdtscp reader (2014): rdtscp, that CPU’s page, version, fields; retry on the version',
    { version: true, tsc: false },
  ),
  'rdtscp-tsc-check': lutomirski(
    'rdtscp-tsc-check',
    'Lutomirski’s rdtscp reader (2014) with its retry if tsc < tsc_timestamp',
    { version: true, tsc: true },
  ),
  'rdtscp-no-version-check': lutomirski(
    'rdtscp-no-version-check',
    'Lutomirski’s rdtscp reader (2014) retrying only if tsc < tsc_timestamp, no version check',
    { version: false, tsc: true },
  ),
} satisfies Record<string, ReaderPolicy>;

/**
 * Graf's reader (2010): the guest kernel's read of its own vCPU's page in one step, the scaled
 * delta capped at PVCLOCK_DELTA_MAX = (1e9 / HZ) / 5 ns, a capped read asking the host for a fresh
 * page; the clamp is the readClamp policy (Graf posted it with the last_value clamp).
 */
export function grafSwingCapReader(hz: number): Reader {
  const swingNs = 1_000_000_000n / BigInt(hz) / 5n;
  return defineReader({
    name: 'graf-swing-cap',
    description: `Graf’s PVCLOCK_DELTA_MAX swing cap (HZ ${hz}: ${swingNs} ns), a capped read re-requesting the page`,
    steps: [swingCappedRead({ swingNs })],
  });
}
