/**
 * Which vCPU's pvclock page a reader reads, and whether a page is half-written. A choice is a
 * function of the read context; choosing is a computation (get_pvti(cpu) in the vDSO of v3.8 to
 * v4.4, &pvclock_page.pvti since v4.5, this_cpu_pvti() in kvm_clock_read), not a memory read, so
 * it belongs to the step that reads the page.
 */
import type { ClockConfig } from '../config.ts';
import type { ClockState } from '../state.ts';
import type { ReadContext } from './reader.ts';

export type PageChoice = (c: ReadContext) => number;

/**
 * The page of the vCPU this read's getcpu (or rdtscp) returned: the vDSO of v3.8 to v4.4
 * (vread_pvclock: get_pvti(cpu)), and Lutomirski's rdtscp reader.
 */
export const getcpuPage: PageChoice = (c) => {
  if (c.read.cpu < 0)
    throw new Error(
      `guestRead: the reader takes getcpu's page before any getcpu or rdtscp (task ${c.task})`,
    );
  return c.read.cpu;
};

/** vCPU0's page whatever the task's vCPU: the vDSO since v4.5 (pvclock_page is vCPU0's pvti). */
export const vcpu0Page: PageChoice = () => 0;

/**
 * The page of the vCPU the task is on at this step: the guest kernel's own read
 * (kvm_clock_read → this_cpu_pvti(), with preemption off), or a getcpu folded into the step.
 */
export const currentVcpuPage: PageChoice = (c) => c.vcpu;

/** The page the readPage policy picks (the built-in readers: getcpu's at this step, or vCPU0's). */
export const policyPage: PageChoice = (c) => c.cfg.policies.readPage(c.s, c.task);

/**
 * vCPU `vcpu`'s page is in the middle of a host write, with some fields new and some old (the
 * write protocol's step just taken says so).
 */
export function pageHalfWritten(s: ClockState, cfg: ClockConfig, vcpu: number): boolean {
  const v = s.vcpus[vcpu]!;
  const w = v.pvtiWrite;
  if (!w.active || w.step === 0) return false;
  const partial = cfg.policies.pvclockWrite.steps[w.step - 1]!.partialAfter;
  return typeof partial === 'boolean' ? partial : partial(v.pvti, w.target, w.previous);
}
