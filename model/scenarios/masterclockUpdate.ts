/**
 * masterclock-update (seed 001, Woodhouse, "KVM: x86: add param to update master clock
 * periodically", 2023).
 *
 * One sane host: a synchronized 2.5 GHz TSC, the masterclock in use, every vCPU's pvclock page
 * anchored at one snapshot (master_cycle_now, master_kernel_ns). An update re-anchors kvmclock to
 * MONOTONIC_RAW; since pvclock's mul/shift (kvm_get_time_scale) and RAW's mult/shift
 * (clocks_calc_mult_shift) round differently, kvmclock has drifted from RAW since the last anchor
 * (about +59 ns per second at 2.5 GHz) and the update steps guest time back by that much.
 */
import type { ClockConfig } from '../config.ts';
import { resolvePolicies } from '../policies/index.ts';
import { baseConfig, MAX_TIME_NS } from './baseConfig.ts';
import { int, type Scenario } from './scenario.ts';

const NS_PER_SEC = 1_000_000_000;

export const masterclockUpdate = {
  name: 'masterclock-update',
  title: 'KVM masterclock updates re-anchor kvmclock to MONOTONIC_RAW and step guest time',
  source: 'KVM: x86: add param to update master clock periodically (Woodhouse, 2023)',
  description:
    'One pCPU with a sane 2.5 GHz TSC, one vCPU on the masterclock (pages carry the stable bit, so the guest ' +
    'does not clamp), one task reading kvmclock. A masterclock update (vCPU hotplug or Xen shared-info setup; ' +
    'or periodic) takes a new snapshot from MONOTONIC_RAW and every page is rewritten from it. Time advances ' +
    'in whole seconds so the ppb-level rounding difference shows as tens of ns.',
  params: [
    {
      name: 'triggers',
      meaning:
        'masterclock updates that hotplug or Xen shared-info setup may cause; 0 switches the bug’s cause off',
      type: 'integer',
      default: 1,
      min: 0,
      max: 3,
    },
    {
      name: 'periodNs',
      meaning: 'period of the periodic-update variant (ns)',
      type: 'integer',
      default: NS_PER_SEC,
      min: 1,
      max: MAX_TIME_NS,
    },
    {
      name: 'horizonNs',
      meaning: 'real time explored (ns)',
      type: 'integer',
      default: 3 * NS_PER_SEC,
      min: 1,
      max: MAX_TIME_NS,
    },
    {
      name: 'gapNs',
      meaning: 'time advances in steps of this many ns',
      type: 'integer',
      default: NS_PER_SEC,
      min: 1,
      max: MAX_TIME_NS,
    },
    {
      name: 'reads',
      meaning: 'clock reads the task may do',
      type: 'integer',
      default: 3,
      min: 0,
      max: 8,
    },
    {
      name: 'stepBoundNs',
      meaning: 'kvmclock-step: the largest step an update may cause (ns)',
      type: 'integer',
      default: 100,
      min: 0,
      max: NS_PER_SEC,
      minimize: 'keep',
    },
    {
      name: 'driftBoundNs',
      meaning: 'kvmclock-drift: the largest distance from MONOTONIC_RAW allowed (ns)',
      type: 'integer',
      default: 100,
      min: 0,
      max: NS_PER_SEC,
      minimize: 'keep',
    },
  ],
  baseline: 'update-on-trigger',
  variants: [
    {
      name: 'update-on-trigger',
      description:
        'vCPU hotplug and Xen shared-info setup each re-anchor the masterclock to RAW (KVM today)',
      policies: {},
      expected: { 'guest-monotonic': 'violated', 'kvmclock-step': 'violated' },
    },
    {
      name: 'never-update',
      description: 'with a sane TSC, never update the masterclock (Woodhouse’s proposal)',
      policies: {},
      settings: { noTriggers: true },
      expected: {
        'guest-monotonic': 'holds',
        'kvmclock-drift': 'violated',
        'kvmclock-step': 'holds',
      },
    },
    {
      name: 'periodic-update',
      description:
        'update the masterclock every periodNs and on nothing else (the RFC’s parameter)',
      policies: {},
      settings: { noTriggers: true, periodic: true },
      expected: { 'guest-monotonic': 'violated', 'kvmclock-step': 'holds' },
    },
  ],
  invariants: ['guest-monotonic', 'kvmclock-drift', 'kvmclock-step'],
  sometimes: [
    {
      name: 'masterclock-updated',
      check: (s) => s.kvm.lastMasterclockUpdateAt > 0,
      variants: ['update-on-trigger', 'periodic-update'],
    },
    {
      name: 'read-after-time-passed',
      check: (s) => s.tasks.some((t) => t.lastRead.valid && t.lastRead.at > 0),
    },
  ],
  configure: (params, variant): ClockConfig => {
    const base = baseConfig();
    const triggered = variant.settings?.['noTriggers'] !== true;
    return {
      ...base,
      pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
      vcpus: [{ pcpu: 0 }],
      tasks: [{ vcpu: 0 }],
      tscKhz: 2_500_000n,
      horizonNs: int(params, 'horizonNs'),
      gapsNs: [int(params, 'gapNs')],
      transitions: new Set(['timeAdvance', 'masterclockUpdate', 'pvclockWrite', 'guestRead']),
      limits: {
        ...base.limits,
        readsPerTask: int(params, 'reads'),
        masterclockTriggers: triggered ? int(params, 'triggers') : 0,
      },
      useMasterClock: true,
      stableBit: true,
      masterclockTriggerKinds: triggered ? ['hotplug', 'xen-shared-info'] : [],
      masterclockPeriodNs: variant.settings?.['periodic'] === true ? int(params, 'periodNs') : 0,
      stepBoundNs: BigInt(int(params, 'stepBoundNs')),
      driftBoundNs: BigInt(int(params, 'driftBoundNs')),
      policies: resolvePolicies({ readClamp: 'last-value-unless-stable', ...variant.policies }),
    };
  },
} as const satisfies Scenario;
