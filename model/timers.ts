/**
 * Helpers for the guest's TSC-deadline timer and the host hrtimer that emulates it: what the
 * hrtimerExpiry and wakeCheck policies (and a user's own) are made of.
 */
import { lapicDeadlineNs } from './arith/index.ts';
import { guestTsc, monoReachesAt } from './clocks.ts';
import type { ClockConfig } from './config.ts';
import type { ClockState } from './state.ts';
import type { ClockDraft } from './transition.ts';

/**
 * Arms the vCPU's hrtimer for the time left until its deadline, converted now (start_sw_tscdeadline:
 * ns = (deadline - guest_tsc) * 1e6 / tsc_khz, floored), on the clock the timerClock policy says.
 * Returns false, arming nothing, when no whole nanosecond is left: the kernel then treats the
 * timer as expired.
 */
export function armForRemaining(d: ClockDraft, cfg: ClockConfig, vcpu: number): boolean {
  const timer = d.vcpus[vcpu]!.timer;
  const tsc = guestTsc(d, cfg, vcpu);
  if (timer.deadline <= tsc) return false;
  const ns = lapicDeadlineNs(timer.deadline, tsc, cfg.tscKhz);
  if (ns === 0n) return false;
  timer.hrtimer = { armed: true, ...cfg.policies.timerClock(d, cfg, ns) };
  return true;
}

/** Wakes the vCPU thread if it is blocked (kvm_vcpu_kick). */
export function kick(d: ClockDraft, vcpu: number): void {
  const v = d.vcpus[vcpu]!;
  if (v.halted) v.kicked = true;
}

/** KVM's pending latch (apic_timer_expired): an interrupt is owed; the vCPU is woken to take it. */
export function latchPending(d: ClockDraft, vcpu: number): void {
  d.vcpus[vcpu]!.timer.pending = true;
  kick(d, vcpu);
}

export function disarm(d: ClockDraft, vcpu: number): void {
  d.vcpus[vcpu]!.timer.hrtimer.armed = false;
}

/**
 * Delivers the timer interrupt now (kvm_apic_inject_pending_timer_irqs / kvm_timer_update_irq):
 * the guest takes it at this instant's guest TSC, and the pending latch is cleared. What x86 does
 * on entry with `pending` set, and what tglx's option 3 (inject-always) does at once.
 */
export function deliverNow(d: ClockDraft, cfg: ClockConfig, vcpu: number): void {
  const timer = d.vcpus[vcpu]!.timer;
  timer.pending = false;
  timer.delivered = true;
  timer.deliveredTsc = guestTsc(d, cfg, vcpu);
  timer.deliveredAt = d.now;
}

/**
 * The guest's counter has reached the deadline of a programmed timer not yet delivered
 * (kvm_timer_should_fire on arm64; the TSC-deadline expiry test of arch/x86/kvm/lapic.c).
 */
export function deadlineReached(s: ClockState, cfg: ClockConfig, vcpu: number): boolean {
  const timer = s.vcpus[vcpu]!.timer;
  return timer.programmed && !timer.delivered && guestTsc(s, cfg, vcpu) >= timer.deadline;
}

/** A woken vCPU thread runs the guest again (kvm_vcpu_check_block found it runnable). */
export function resumeGuest(d: ClockDraft, vcpu: number): void {
  const v = d.vcpus[vcpu]!;
  v.halted = false;
  v.kicked = false;
}

/** A woken vCPU thread found nothing to do and sleeps again (it stays halted). */
export function blockAgain(d: ClockDraft, vcpu: number): void {
  d.vcpus[vcpu]!.kicked = false;
}

/**
 * The real instant the clockevent device of `pcpu` is programmed for: its earliest hrtimer's
 * MONOTONIC expiry, converted with the timekeeper as it is now (-1: no hrtimer armed).
 */
export function clockeventInstant(s: ClockState, cfg: ClockConfig, pcpu: number): number {
  let earliest = Infinity;
  for (const v of s.vcpus) {
    if (v.pcpu === pcpu && v.timer.hrtimer.armed)
      earliest = Math.min(earliest, monoReachesAt(s, cfg, v.timer.hrtimer.queuedMono));
  }
  return Number.isFinite(earliest) ? earliest : -1;
}
