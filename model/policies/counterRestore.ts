/**
 * How the VMM restores the arm64 virtual counter after a migration (arch/arm64/kvm/arch_timer.c).
 * The guest's counter is the physical counter minus voffset.
 *
 * - `per-vcpu-absolute`: KVM_SET_ONE_REG(KVM_REG_ARM_TIMER_CNT) per vCPU, each from its own thread
 *   at a moment of that thread's choosing: voffset = physical now - saved value, so threads that
 *   run at different moments leave the vCPUs with different offsets.
 * - `per-vm-offset`: KVM_ARM_SET_COUNTER_OFFSET: one offset for the whole VM, set once before any
 *   vCPU runs (Zyngier's position: the offset is a per-VM property).
 */
import type { ActionOf } from '../actions.ts';
import { hostTscAt } from '../clocks.ts';
import type { ClockConfig } from '../config.ts';
import type { ClockState } from '../state.ts';
import type { ClockDraft } from '../transition.ts';

export interface CounterRestorePolicy {
  readonly enabled: (s: ClockState, cfg: ClockConfig) => ActionOf<'counterRestore'>[];
  readonly apply: (d: ClockDraft, cfg: ClockConfig, action: ActionOf<'counterRestore'>) => void;
}

/** voffset that makes the guest counter read `savedCounter` now (the physical counter is pCPU0's). */
function offsetNow(s: ClockState, cfg: ClockConfig): bigint {
  return hostTscAt(cfg, 0, s.now) - cfg.savedCounter;
}

/** The `vcpu` of a per-VM restore action. */
export const WHOLE_VM = -1;

export const counterRestorePolicies = {
  'per-vcpu-absolute': {
    enabled: (s) =>
      s.vcpus.flatMap((v, vcpu) =>
        v.counterRestored ? [] : [{ kind: 'counterRestore' as const, vcpu }],
      ),
    apply: (d, cfg, { vcpu }) => {
      const v = d.vcpus[vcpu]!;
      v.voffset = offsetNow(d, cfg);
      v.counterRestored = true;
    },
  },
  'per-vm-offset': {
    enabled: (s) =>
      s.kvm.vmOffsetSet ? [] : [{ kind: 'counterRestore' as const, vcpu: WHOLE_VM }],
    apply: (d, cfg) => {
      const voffset = offsetNow(d, cfg);
      for (const v of d.vcpus) {
        v.voffset = voffset;
        v.counterRestored = true;
      }
      d.kvm.vmOffsetSet = true;
    },
  },
} satisfies Record<string, CounterRestorePolicy>;
