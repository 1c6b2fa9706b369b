/**
 * guestCounterRead: a guest task on arm64 reads its vCPU's virtual counter (CNTVCT_EL0, read
 * without a trap: __arch_counter_get_cntvct in arch/arm64/include/asm/arch_timer.h): the physical
 * counter minus the vCPU's voffset (CNTVOFF_EL2), as a u64.
 *
 * Enabled: for a task whose vCPU has had its counter restored (the vCPU runs only then), while the
 * task has done fewer reads than the scenario allows.
 * Changes: the task's last two reads and the largest value returned.
 */
import { u64 } from '../arith/index.ts';
import type { ActionOf } from '../actions.ts';
import { hostTscAt } from '../clocks.ts';
import { recordRead } from '../guestReads.ts';
import type { Transition } from '../transition.ts';

export const guestCounterRead: Transition<'guestCounterRead'> = {
  kind: 'guestCounterRead',
  enabled: (s, cfg) => {
    const actions: ActionOf<'guestCounterRead'>[] = [];
    s.tasks.forEach((t, task) => {
      const v = s.vcpus[t.vcpu]!;
      if (t.reads < cfg.limits.readsPerTask && v.counterRestored && !v.paused) {
        actions.push({ kind: 'guestCounterRead', task });
      }
    });
    return actions;
  },
  apply: (d, { task }, cfg, s) => {
    const v = s.vcpus[s.tasks[task]!.vcpu]!;
    const value = u64(hostTscAt(cfg, v.pcpu, s.now) - v.voffset);
    recordRead(d, s, task, {
      value,
      torn: false,
      floorAtStart: s.guest.maxReturned,
      lastValue: s.guest.lastValue,
    });
  },
};
