/**
 * Conditions a reader's re-check tests (see `recheck` in steps.ts), each a predicate of the read
 * context; a user's own is any function of the same type.
 */
import { PVCLOCK_TSC_STABLE_BIT } from '../arith/index.ts';
import type { ReadContext } from './reader.ts';

export type ReadCondition = (c: ReadContext) => boolean;

const pageOf = (c: ReadContext) => c.s.vcpus[c.read.pageVcpu]!.pvti;

/** The page's version now differs from the one read (pvclock_read_retry). */
export const versionChanged: ReadCondition = (c) => pageOf(c).version !== c.read.version;

/** The page's version is odd now: a write is under way (the v3.8–v4.7 loops' `version & 1`). */
export const versionOdd: ReadCondition = (c) => (pageOf(c).version & 1) !== 0;

/**
 * The task is on another vCPU than getcpu (or rdtscp) returned: getcpu again, as the vDSO of v3.8
 * to v4.4 did after the fields (`cpu != cpu1`).
 */
export const cpuChanged: ReadCondition = (c) => c.vcpu !== c.read.cpu;

/**
 * The TSC read is older than the page's tsc_timestamp (u64 compare): Lutomirski's proposed retry
 * (2014), on the theory that a page written after the TSC was read has a later stamp.
 */
export const tscBeforeTimestamp: ReadCondition = (c) => c.read.tsc < c.read.fields.tscTimestamp;

/** The page, as it is now, lacks PVCLOCK_TSC_STABLE_BIT (the vDSO since v4.5 checks pvti->flags). */
export const pageNotStable: ReadCondition = (c) => (pageOf(c).flags & PVCLOCK_TSC_STABLE_BIT) === 0;

/** The flags read with the fields lack PVCLOCK_TSC_STABLE_BIT (the v3.8–v4.4 vDSO, after its loop). */
export const fieldsNotStable: ReadCondition = (c) =>
  (c.read.fields.flags & PVCLOCK_TSC_STABLE_BIT) === 0;
