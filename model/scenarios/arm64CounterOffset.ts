/**
 * arm64-counter-offset (seed 004, Zyngier, "arm64: kvm: Expose timer offset directly via
 * KVM_{GET,SET}_ONE_REG", 2023).
 *
 * After a migration the VMM restores the guest's virtual counter. Restoring it by absolute value,
 * per vCPU, from threads that run at different moments leaves each vCPU with a different offset
 * from the shared physical counter; a per-VM offset set before any vCPU runs does not.
 */
import { defineSometimes } from '../../invariants/invariant.ts';
import { defineScenario } from './defineScenario.ts';

export const arm64CounterOffset = defineScenario({
  name: 'arm64-counter-offset',
  title: 'restoring the arm64 virtual counter per vCPU by absolute value vs one per-VM offset',
  source: 'arm64: kvm: Expose timer offset directly via KVM_{GET,SET}_ONE_REG (Zyngier, 2023)',
  description:
    'Two vCPUs on two pCPUs sharing one physical counter at counterMHz, a saved counter value to restore, ' +
    'and a task on each vCPU reading its virtual counter once the vCPU runs. Restores may happen at any ' +
    'instant within restoreDelayNs of the start; a vCPU runs once its counter is restored.',
  params: {
    restoreDelayNs: {
      meaning: 'how late a restore may happen (ns); 0 switches the bug’s cause off',
      default: 1000,
      min: 0,
      max: 1_000_000_000,
    },
    counterMHz: {
      meaning: 'physical counter frequency (MHz)',
      default: 100,
      min: 1,
      max: 10_000,
      minimize: 'keep',
    },
    horizonNs: {
      meaning: 'real time explored (ns)',
      default: 2000,
      min: 1,
      max: 1_000_000_000,
    },
    gapNs: {
      meaning: 'time advances in steps of this many ns',
      default: 500,
      min: 1,
      max: 1_000_000_000,
    },
    reads: {
      meaning: 'counter reads each task may do',
      default: 2,
      min: 0,
      max: 6,
    },
  },
  baseline: 'per-vcpu-absolute-restore',
  variants: [
    {
      name: 'per-vcpu-absolute-restore',
      description:
        'each vCPU thread sets KVM_REG_ARM_TIMER_CNT to the saved value when it gets to it',
      policies: { counterRestore: 'per-vcpu-absolute' },
      expected: { 'vcpu-counter-equal': 'violated', 'cross-vcpu-order': 'violated' },
    },
    {
      name: 'per-vm-offset',
      description:
        'one counter offset for the VM, set before any vCPU runs (KVM_ARM_SET_COUNTER_OFFSET)',
      policies: { counterRestore: 'per-vm-offset' },
      expected: { 'vcpu-counter-equal': 'holds', 'cross-vcpu-order': 'holds' },
    },
  ],
  causeOff: { param: 'restoreDelayNs', value: 0 },
  invariants: ['vcpu-counter-equal', 'cross-vcpu-order'],
  sometimes: [
    defineSometimes({
      name: 'all-restored',
      meaning: 'every vCPU’s counter was restored',
      check: (s) => s.vcpus.every((v) => v.counterRestored),
      symmetric: true,
    }),
    defineSometimes({
      name: 'read-on-each-vcpu',
      meaning: 'the task of every vCPU read its counter',
      check: (s) => s.tasks.every((t) => t.lastRead.valid),
      symmetric: true,
    }),
  ],
  configure: (p) => {
    const hz = BigInt(p.counterMHz) * 1_000_000n;
    const pcpu = { tscHz: hz, tscOffset: 0n };
    return {
      pcpus: [pcpu, pcpu],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tasks: [{ vcpu: 0 }, { vcpu: 1 }],
      tscKhz: hz / 1000n,
      horizonNs: p.horizonNs,
      gapsNs: [p.gapNs],
      transitions: ['timeAdvance', 'counterRestore', 'guestCounterRead'],
      limits: { readsPerTask: p.reads },
      savedCounter: 1_000_000n,
      restoreWindowNs: p.restoreDelayNs,
    };
  },
});
