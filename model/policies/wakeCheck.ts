/**
 * What a woken (kicked) vCPU thread decides: run the guest, or block again (kvm_vcpu_check_block
 * and kvm_arch_vcpu_runnable / kvm_cpu_has_pending_timer).
 *
 * - `recheck-deadline`: arm64 before 2016 (kvm_timer_should_fire): runnable only if the guest's
 *   counter has reached the deadline (then the interrupt is injected on entry) or something is
 *   pending; otherwise block again. Woken early by an hrtimer that ran ahead, the vCPU blocks with
 *   no timer armed, and the interrupt is lost.
 * - `pending`: x86: runnable when the pending latch is set or an interrupt was injected.
 */
import type { ClockConfig } from '../config.ts';
import { blockAgain, deadlineReached, resumeGuest } from '../timers.ts';
import type { ClockDraft } from '../transition.ts';

export type WakeCheckPolicy = (d: ClockDraft, cfg: ClockConfig, vcpu: number) => void;

export const wakeCheckPolicies = {
  'recheck-deadline': (d, cfg, vcpu) => {
    const timer = d.vcpus[vcpu]!.timer;
    const fired = deadlineReached(d, cfg, vcpu);
    if (fired) timer.pending = true;
    if (timer.pending || fired) resumeGuest(d, vcpu);
    else blockAgain(d, vcpu);
  },
  pending: (d, _cfg, vcpu) => {
    const timer = d.vcpus[vcpu]!.timer;
    if (timer.pending || timer.delivered) resumeGuest(d, vcpu);
    else blockAgain(d, vcpu);
  },
} satisfies Record<string, WakeCheckPolicy>;
