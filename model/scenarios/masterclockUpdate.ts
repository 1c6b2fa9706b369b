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
import { MAX_TIME_NS } from './baseConfig.ts';
import { defineSometimes } from '../../invariants/invariant.ts';
import { defineScenario } from './defineScenario.ts';

const NS_PER_SEC = 1_000_000_000;

export const masterclockUpdate = defineScenario({
  name: 'masterclock-update',
  title: 'KVM masterclock updates re-anchor kvmclock to MONOTONIC_RAW and step guest time',
  source: 'KVM: x86: add param to update master clock periodically (Woodhouse, 2023)',
  description:
    'One pCPU with a sane 2.5 GHz TSC, one vCPU on the masterclock (pages carry the stable bit, so the guest ' +
    'does not clamp), one task reading kvmclock. A masterclock update (vCPU hotplug or Xen shared-info setup; ' +
    'or periodic) takes a new snapshot from MONOTONIC_RAW and every page is rewritten from it. Time advances ' +
    'in whole seconds so the ppb-level rounding difference shows as tens of ns.',
  params: {
    triggers: {
      meaning:
        'masterclock updates that hotplug or Xen shared-info setup may cause; 0 switches the bug’s cause off',
      default: 1,
      min: 0,
      max: 3,
    },
    periodNs: {
      meaning: 'period of the periodic-update variant (ns)',
      default: NS_PER_SEC,
      min: 1,
      max: MAX_TIME_NS,
    },
    horizonNs: {
      meaning: 'real time explored (ns)',
      default: 3 * NS_PER_SEC,
      min: 1,
      max: MAX_TIME_NS,
    },
    gapNs: {
      meaning: 'time advances in steps of this many ns',
      default: NS_PER_SEC,
      min: 1,
      max: MAX_TIME_NS,
    },
    reads: {
      meaning: 'clock reads the task may do',
      default: 3,
      min: 0,
      max: 8,
    },
    stepBoundNs: {
      meaning: 'kvmclock-step: the largest step an update may cause (ns)',
      default: 100,
      min: 0,
      max: NS_PER_SEC,
      minimize: 'keep',
    },
    driftBoundNs: {
      meaning: 'kvmclock-drift: the largest distance from MONOTONIC_RAW allowed (ns)',
      default: 100,
      min: 0,
      max: NS_PER_SEC,
      minimize: 'keep',
    },
  },
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
      sometimes: ['read-after-time-passed'],
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
  causeOff: { param: 'triggers', value: 0 },
  invariants: ['guest-monotonic', 'kvmclock-drift', 'kvmclock-step'],
  sometimes: [
    defineSometimes({
      name: 'masterclock-updated',
      meaning: 'KVM updated the masterclock after the start',
      check: (s) => s.kvm.lastMasterclockUpdateAt > 0,
      symmetric: true,
    }),
    defineSometimes({
      name: 'read-after-time-passed',
      meaning: 'a task read kvmclock after the start',
      check: (s) => s.tasks.some((t) => t.lastRead.valid && t.lastRead.at > 0),
      symmetric: true,
    }),
  ],
  configure: (p, variant) => {
    const triggered = variant.settings['noTriggers'] !== true;
    return {
      pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
      vcpus: [{ pcpu: 0 }],
      tasks: [{ vcpu: 0 }],
      tscKhz: 2_500_000n,
      horizonNs: p.horizonNs,
      gapsNs: [p.gapNs],
      transitions: ['timeAdvance', 'masterclockUpdate', 'pvclockWrite', 'guestRead'],
      limits: {
        readsPerTask: p.reads,
        masterclockTriggers: triggered ? p.triggers : 0,
      },
      useMasterClock: true,
      masterclockTriggerKinds: triggered ? ['hotplug', 'xen-shared-info'] : [],
      masterclockPeriodNs: variant.settings['periodic'] === true ? p.periodNs : 0,
      stepBoundNs: BigInt(p.stepBoundNs),
      driftBoundNs: BigInt(p.driftBoundNs),
      policies: { readClamp: 'last-value-unless-stable' },
    };
  },
});
