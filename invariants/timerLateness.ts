/**
 * timer-lateness: the interrupt is delivered within `latenessBound` ns of the deadline, measured in
 * guest-counter time (cycles past the deadline at the guest's believed TSC frequency).
 */
import { defineInvariant } from './invariant.ts';

export const timerLateness = defineInvariant({
  name: 'timer-lateness',
  meaning: 'the timer interrupt arrives within latenessBound ns of the deadline (guest TSC time)',
  when: 'always',
  symmetric: true,
  check: (s, cfg) => {
    for (const [i, v] of s.vcpus.entries()) {
      const t = v.timer;
      if (!t.delivered || t.deliveredTsc <= t.deadline) continue;
      // Compare exactly: late cycles / (kHz / 1e6) > bound, without rounding the lateness.
      const lateCyclesTimesMillion = (t.deliveredTsc - t.deadline) * 1_000_000n;
      if (lateCyclesTimesMillion > BigInt(cfg.latenessBoundNs) * cfg.tscKhz) {
        const lateNs = (lateCyclesTimesMillion + cfg.tscKhz - 1n) / cfg.tscKhz;
        return `vCPU${i}'s timer interrupt arrived ${lateNs} ns after its deadline (guest TSC ${t.deliveredTsc} vs ${t.deadline}, t=${t.deliveredAt}ns); the bound is ${cfg.latenessBoundNs} ns`;
      }
    }
    return undefined;
  },
});
