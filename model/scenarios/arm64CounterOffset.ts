/**
 * arm64-counter-offset (seed 004, Zyngier, "arm64: kvm: Expose timer offset directly via
 * KVM_{GET,SET}_ONE_REG", 2023).
 *
 * After a migration the VMM restores the guest's virtual counter. Restoring it by absolute value,
 * per vCPU, from threads that run at different moments leaves each vCPU with a different offset
 * from the shared physical counter; a per-VM offset set before any vCPU runs does not.
 */
import type { ClockConfig } from '../config.ts';
import { resolvePolicies } from '../policies/index.ts';
import { baseConfig, MAX_TIME_NS } from './baseConfig.ts';
import { int, type Scenario } from './scenario.ts';

export const arm64CounterOffset = {
  name: 'arm64-counter-offset',
  title: 'restoring the arm64 virtual counter per vCPU by absolute value vs one per-VM offset',
  source: 'arm64: kvm: Expose timer offset directly via KVM_{GET,SET}_ONE_REG (Zyngier, 2023)',
  description:
    'Two vCPUs on two pCPUs sharing one physical counter at counterMHz, a saved counter value to restore, ' +
    'and a task on each vCPU reading its virtual counter once the vCPU runs. Restores may happen at any ' +
    'instant within restoreDelayNs of the start; a vCPU runs once its counter is restored.',
  params: [
    {
      name: 'restoreDelayNs',
      meaning: 'how late a restore may happen (ns); 0 switches the bug’s cause off',
      type: 'integer',
      default: 1000,
      min: 0,
      max: MAX_TIME_NS,
    },
    {
      name: 'counterMHz',
      meaning: 'physical counter frequency (MHz)',
      type: 'integer',
      default: 100,
      min: 1,
      max: 10_000,
      minimize: 'keep',
    },
    {
      name: 'horizonNs',
      meaning: 'real time explored (ns)',
      type: 'integer',
      default: 2000,
      min: 1,
      max: MAX_TIME_NS,
    },
    {
      name: 'gapNs',
      meaning: 'time advances in steps of this many ns',
      type: 'integer',
      default: 500,
      min: 1,
      max: MAX_TIME_NS,
    },
    {
      name: 'reads',
      meaning: 'counter reads each task may do',
      type: 'integer',
      default: 2,
      min: 0,
      max: 6,
    },
  ],
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
  invariants: ['vcpu-counter-equal', 'cross-vcpu-order'],
  sometimes: [
    { name: 'all-restored', check: (s) => s.vcpus.every((v) => v.counterRestored) },
    { name: 'read-on-each-vcpu', check: (s) => s.tasks.every((t) => t.lastRead.valid) },
  ],
  configure: (params, variant): ClockConfig => {
    const base = baseConfig();
    const hz = BigInt(int(params, 'counterMHz')) * 1_000_000n;
    const pcpu = { tscHz: hz, tscOffset: 0n };
    return {
      ...base,
      pcpus: [pcpu, pcpu],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tasks: [{ vcpu: 0 }, { vcpu: 1 }],
      tscKhz: hz / 1000n,
      horizonNs: int(params, 'horizonNs'),
      gapsNs: [int(params, 'gapNs')],
      transitions: new Set(['timeAdvance', 'counterRestore', 'guestCounterRead']),
      limits: { ...base.limits, readsPerTask: int(params, 'reads') },
      savedCounter: 1_000_000n,
      restoreWindowNs: int(params, 'restoreDelayNs'),
      policies: resolvePolicies(variant.policies),
    };
  },
} as const satisfies Scenario;
