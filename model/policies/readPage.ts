/**
 * Which vCPU's pvclock page a guest clock read uses (the policy point of guestRead's first step).
 *
 * - `getcpu`: the vDSO reader of 2014 (vread_pvclock): getcpu, then that vCPU's page. The task may
 *   migrate before it reads the TSC, which then belongs to another vCPU.
 * - `vcpu0`: Lutomirski's proposal when PVCLOCK_TSC_STABLE_BIT is set: every page is the same, so
 *   always read vCPU0's.
 */
import type { ClockState } from '../state.ts';

export type ReadPagePolicy = (s: ClockState, task: number) => number;

export const readPagePolicies = {
  getcpu: (s, task) => s.tasks[task]!.vcpu,
  vcpu0: () => 0,
} satisfies Record<string, ReadPagePolicy>;
