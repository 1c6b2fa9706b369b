/**
 * What the host hrtimer's callback does when the timer emulating a guest TSC deadline expires
 * (apic_timer_fn in arch/x86/kvm/lapic.c; kvm_timer_expire in arch/arm64/kvm/arch_timer.c). The
 * hrtimer is due in its own clock; the guest TSC may still be short of the deadline.
 *
 * - `kick`: arm64 before 2016: wake the vCPU and let it decide (see wakeCheck).
 * - `latch-pending`: x86 today: latch `pending`, so the vCPU is runnable and takes the interrupt.
 * - `rearm-remaining`: the arm64 fix (tglx's option 2): if the guest TSC is short of the deadline,
 *   re-arm for the time left (converted now); otherwise latch pending.
 * - `inject-always`: tglx's option 3: inject the interrupt right away, whatever the guest TSC says.
 */
import type { ClockConfig } from '../config.ts';
import { armForRemaining, deliverNow, disarm, kick, latchPending } from '../timers.ts';
import type { ClockDraft } from '../transition.ts';

export type HrtimerExpiryPolicy = (d: ClockDraft, cfg: ClockConfig, vcpu: number) => void;

export const hrtimerExpiryPolicies = {
  kick: (d, _cfg, vcpu) => {
    disarm(d, vcpu);
    kick(d, vcpu);
  },
  'latch-pending': (d, _cfg, vcpu) => {
    disarm(d, vcpu);
    latchPending(d, vcpu);
  },
  'rearm-remaining': (d, cfg, vcpu) => {
    disarm(d, vcpu);
    if (!armForRemaining(d, cfg, vcpu)) latchPending(d, vcpu);
  },
  'inject-always': (d, cfg, vcpu) => {
    disarm(d, vcpu);
    deliverNow(d, cfg, vcpu);
    kick(d, vcpu);
  },
} satisfies Record<string, HrtimerExpiryPolicy>;
