/**
 * The building blocks of a guest clock reader: each returns one step (one atomic action of the
 * task), named as the step appears in traces (`name` renames it). A reader is a list of them,
 * given to defineReader; `combine` makes several into one action. The kernel code each models:
 *
 * - getcpu: __getcpu() in the vDSO (LSL of the per-CPU segment, or RDTSCP/RDPID), v3.8 to v4.4 in
 *   vread_pvclock.
 * - readVersion: `version = src->version` (v3.8 to v4.7; the loop then retried on `version & 1`)
 *   or pvclock_read_begin's `src->version & ~1` (since v4.8), then a read barrier.
 * - rdtsc: rdtsc_ordered() (rdtsc_barrier(); rdtsc before v4.5): the TSC of the vCPU the task is
 *   on, ordered after the version read.
 * - rdtscp: RDTSCP, the TSC and the CPU number (TSC_AUX) in one instruction: Lutomirski's
 *   proposal (2014), never merged.
 * - readFields: tsc_timestamp, system_time, tsc_to_system_mul, tsc_shift and flags, as
 *   __pvclock_read_cycles reads them, at one instant (a host write may be half done); or some of
 *   them, for a reader that reads them in two parts.
 * - recheck: the loop's exit test (pvclock_read_retry; the v3.8–v4.4 vDSO's `cpu != cpu1 ||
 *   (version & 1) || version changed`), then the VCLOCK_NONE / U64_MAX bail without
 *   PVCLOCK_TSC_STABLE_BIT, then the value.
 * - computeValue: `system_time + pvclock_scale_delta(tsc - tsc_timestamp, mul, shift)` (u64), in
 *   a step of its own.
 * - wholeRead: a whole read in one step.
 * - swingCappedRead: Graf's PVCLOCK_DELTA_MAX cap (2010, posted): a whole read whose scaled delta
 *   is capped, asking the host for a fresh page when it is.
 * - syscallRead: the vDSO's fallback, clock_gettime through the syscall: the guest kernel's
 *   kvm_clock_read → pvclock_clocksource_read on this vCPU's page with preemption off (one step),
 *   clamped to last_value unless the page is STABLE (valid_flags has the bit when the host
 *   advertises KVM_FEATURE_CLOCKSOURCE_STABLE_BIT).
 */
import { pvclockReadCycles, pvclockScaleDelta, pvtiPage, u64 } from '../arith/index.ts';
import { guestTsc } from '../clocks.ts';
import { readClampPolicies, type ReadClampPolicy } from '../policies/readClamp.ts';
import { PVTI_FIELDS, type PvtiField } from '../policies/pvclockWriteProtocol.ts';
import type { ReadProgress } from '../state.ts';
import type { ReadCondition } from './conditions.ts';
import { currentVcpuPage, pageHalfWritten, policyPage, type PageChoice } from './pages.ts';
import type { ReadChanges, ReadContext, ReaderStep, ReadReturn, StepResult } from './reader.ts';

interface Named {
  /** The step's name in traces (each block has its own default). */
  readonly name?: string;
}

const versionIsEven = (c: ReadContext, page: number) => (c.s.vcpus[page]!.pvti.version & 1) === 0;

/** getcpu: remembers the task's vCPU (`cpu`) and, unless told not to, takes that vCPU's page. */
export function getcpu(options: Named & { readonly choosePage?: boolean } = {}): ReaderStep {
  const choose = options.choosePage ?? true;
  return {
    name: options.name ?? 'getcpu',
    run: (c) => ({
      changes: choose ? { cpu: c.vcpu, pageVcpu: c.vcpu } : { cpu: c.vcpu },
      then: 'next',
    }),
  };
}

/** Takes the page `page` chooses (in a step of its own; readVersion can choose too). */
export function choosePage(page: PageChoice, options: Named = {}): ReaderStep {
  return {
    name: options.name ?? 'page',
    run: (c) => ({ changes: { pageVcpu: page(c) }, then: 'next' }),
  };
}

/**
 * Reads the page's version. `page` chooses the page in the same step (default: the page already
 * chosen); `waitWhileOdd` makes the step wait while the version is odd (the task cannot take it);
 * `clearLowBit` keeps `version & ~1`, as pvclock_read_begin does, so that a read begun during a
 * write fails its version re-check.
 */
export function readVersion(
  options: Named & {
    readonly page?: PageChoice;
    readonly waitWhileOdd?: boolean;
    readonly clearLowBit?: boolean;
  } = {},
): ReaderStep {
  const { page, waitWhileOdd = false, clearLowBit = false } = options;
  const pageOf = (c: ReadContext) => (page === undefined ? c.read.pageVcpu : page(c));
  return {
    name: options.name ?? 'version',
    ...(waitWhileOdd ? { ready: (c: ReadContext) => versionIsEven(c, pageOf(c)) } : {}),
    run: (c) => {
      const pageVcpu = pageOf(c);
      const version = c.s.vcpus[pageVcpu]!.pvti.version;
      return {
        changes: { pageVcpu, version: clearLowBit ? (version & ~1) >>> 0 : version },
        then: 'next',
      };
    },
  };
}

/**
 * Reads the fields of the chosen page at once, noting whether a host write was half done. With
 * `fields`, only those (the others keep what the read had): a reader that reads its fields in
 * two steps, as Lutomirski's proposal reads tsc_timestamp after the others, names each part;
 * the later part (`continuing`) also counts the read as torn when a field an earlier part read
 * has changed on the page since (the fields then come from two writes).
 */
export function readFields(
  options: Named & { readonly fields?: readonly PvtiField[]; readonly continuing?: boolean } = {},
): ReaderStep {
  const { fields, continuing = false } = options;
  if (fields === undefined)
    return {
      name: options.name ?? 'fields',
      run: (c) => {
        const page = c.read.pageVcpu;
        return {
          changes: { fields: c.s.vcpus[page]!.pvti, torn: pageHalfWritten(c.s, c.cfg, page) },
          then: 'next',
        };
      },
    };
  const mine = new Set(fields);
  const others = PVTI_FIELDS.filter((f) => !mine.has(f));
  return {
    name: options.name ?? 'fields',
    run: (c) => {
      const page = c.read.pageVcpu;
      const now = c.s.vcpus[page]!.pvti;
      const had = c.read.fields;
      const from = (f: PvtiField) => (mine.has(f) ? now : had);
      const read = pvtiPage(
        had.version,
        from('tscTimestamp').tscTimestamp,
        from('systemTime').systemTime,
        from('tscToSystemMul').tscToSystemMul,
        from('tscShift').tscShift,
        from('flags').flags,
      );
      const half = pageHalfWritten(c.s, c.cfg, page);
      const torn = continuing ? c.read.torn || half || others.some((f) => had[f] !== now[f]) : half;
      return { changes: { fields: read, torn }, then: 'next' };
    },
  };
}

/** Reads the TSC of the vCPU the task is on now (which may not be the page's). */
export function rdtsc(options: Named = {}): ReaderStep {
  return {
    name: options.name ?? 'tsc',
    run: (c) => ({ changes: { tsc: guestTsc(c.s, c.cfg, c.vcpu) }, then: 'next' }),
  };
}

/** RDTSCP: the TSC and the vCPU it was read on, at one instant; unless told not to, that vCPU's page. */
export function rdtscp(options: Named & { readonly choosePage?: boolean } = {}): ReaderStep {
  const choose = options.choosePage ?? true;
  return {
    name: options.name ?? 'rdtscp',
    run: (c) => {
      const tsc = guestTsc(c.s, c.cfg, c.vcpu);
      return {
        changes: choose ? { tsc, cpu: c.vcpu, pageVcpu: c.vcpu } : { tsc, cpu: c.vcpu },
        then: 'next',
      };
    },
  };
}

/** The value of what the read has read: pvclock arithmetic on its fields and TSC, and their flags. */
export function pvclockValue(read: ReadProgress, clamp?: ReadClampPolicy): ReadReturn {
  const value = pvclockReadCycles(read.fields, read.tsc);
  return clamp === undefined
    ? { value, flags: read.fields.flags, torn: read.torn }
    : { value, flags: read.fields.flags, torn: read.torn, clamp };
}

/**
 * The re-check: retry (from the first step) if any of `retryIf` holds; else go to the step
 * `fallbackTo` (default 'syscall') if any of `fallbackIf` holds; else return the pvclock value
 * (with `clamp`, default the readClamp policy), or go on to the next step if `then` is 'next'.
 */
export function recheck(
  options: Named & {
    readonly retryIf?: readonly ReadCondition[];
    readonly fallbackIf?: readonly ReadCondition[];
    readonly fallbackTo?: string;
    readonly then?: 'return' | 'next';
    readonly clamp?: ReadClampPolicy;
  } = {},
): ReaderStep {
  const { retryIf = [], fallbackIf = [], fallbackTo = 'syscall', then = 'return', clamp } = options;
  const fallback: StepResult = { then: { goTo: fallbackTo } };
  return {
    name: options.name ?? 'check',
    ...(fallbackIf.length > 0 ? { goesTo: [fallbackTo] } : {}),
    run: (c) => {
      for (const cond of retryIf) if (cond(c)) return RETRY;
      for (const cond of fallbackIf) if (cond(c)) return fallback;
      return then === 'next' ? NEXT : { then: pvclockValue(c.read, clamp) };
    },
  };
}

/** Returns the pvclock value of what has been read, in a step of its own. */
export function computeValue(
  options: Named & { readonly clamp?: ReadClampPolicy } = {},
): ReaderStep {
  return {
    name: options.name ?? 'value',
    run: (c) => ({ then: pvclockValue(c.read, options.clamp) }),
  };
}

/**
 * A whole read in one step: the page `page` chooses (default: the readPage policy's), read with the
 * TSC of the task's vCPU, waiting while the page's version is odd. It leaves the read's progress
 * as it is (nothing is in progress between steps).
 */
export function wholeRead(
  options: Named & { readonly page?: PageChoice; readonly clamp?: ReadClampPolicy } = {},
): ReaderStep {
  const { page = policyPage, clamp } = options;
  return {
    name: options.name ?? 'whole',
    ready: (c) => versionIsEven(c, page(c)),
    run: (c) => {
      const pageVcpu = page(c);
      const p = c.s.vcpus[pageVcpu]!.pvti;
      const value = pvclockReadCycles(p, guestTsc(c.s, c.cfg, c.vcpu));
      const torn = pageHalfWritten(c.s, c.cfg, pageVcpu);
      return {
        then:
          clamp === undefined
            ? { value, flags: p.flags, torn }
            : { value, flags: p.flags, torn, clamp },
      };
    },
  };
}

/**
 * Graf's swing cap (2010, posted with the global clamp, never merged): the guest kernel's read of
 * its own vCPU's page in one step, as `whole` does, but the scaled TSC delta is capped at
 * `swingNs` (PVCLOCK_DELTA_MAX, a fifth of a jiffy: 1e9 / HZ / 5 ns); a capped read also asks the
 * host for a fresh page ("fetch new time value"), which in KVM is a clock-update request
 * (KVM_REQ_CLOCK_UPDATE) that the host serves before the vCPU runs guest code again.
 */
export function swingCappedRead(
  options: Named & { readonly swingNs: bigint; readonly clamp?: ReadClampPolicy },
): ReaderStep {
  const { swingNs, clamp } = options;
  return {
    name: options.name ?? 'capped',
    ready: (c) => versionIsEven(c, c.vcpu),
    run: (c) => {
      const p = c.s.vcpus[c.vcpu]!.pvti;
      const scaled = pvclockScaleDelta(
        u64(guestTsc(c.s, c.cfg, c.vcpu) - p.tscTimestamp),
        p.tscToSystemMul,
        p.tscShift,
      );
      const capped = scaled > swingNs;
      const value = u64(p.systemTime + (capped ? swingNs : scaled));
      const torn = pageHalfWritten(c.s, c.cfg, c.vcpu);
      return {
        then: {
          value,
          flags: p.flags,
          torn,
          ...(clamp === undefined ? {} : { clamp }),
          ...(capped ? { requestClockUpdate: true } : {}),
        },
      };
    },
  };
}

/**
 * The vDSO's fallback to the syscall: what the guest kernel's own read returns, in one step (the
 * task cannot migrate while preemption is off, and its vCPU's page cannot change under it: KVM
 * writes it from that vCPU's thread). Clamped as the kernel does, to last_value unless the page
 * is STABLE; `clamp` replaces that.
 */
export function syscallRead(
  options: Named & { readonly clamp?: ReadClampPolicy } = {},
): ReaderStep {
  return wholeRead({
    name: options.name ?? 'syscall',
    page: currentVcpuPage,
    clamp: options.clamp ?? readClampPolicies['last-value-unless-stable'],
  });
}

/**
 * Several steps done as one atomic action named `name`, in order: each sees what the ones before
 * it changed; the first that does not go on to 'next' ends the action with its outcome. Waits as
 * the first step does.
 */
export function combine(name: string, ...steps: readonly ReaderStep[]): ReaderStep {
  const first = steps[0];
  if (first === undefined) throw new Error(`combine('${name}'): give it at least one step`);
  const goesTo = steps.flatMap((s) => s.goesTo ?? []);
  return {
    name,
    ...(first.ready === undefined ? {} : { ready: first.ready }),
    ...(goesTo.length > 0 ? { goesTo } : {}),
    run: (c) => {
      let read = c.read;
      let changes: ReadChanges = {};
      for (const step of steps) {
        const result = step.run(read === c.read ? c : { ...c, read });
        if (result.changes !== undefined) {
          changes = { ...changes, ...result.changes };
          read = { ...read, ...result.changes };
        }
        if (result.then !== 'next') return { changes, then: result.then };
      }
      return { changes, then: 'next' };
    },
  };
}

const NEXT: StepResult = { then: 'next' };
const RETRY: StepResult = { then: 'retry' };
