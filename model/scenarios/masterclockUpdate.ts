/**
 * masterclock-update (seed 001, "KVM: x86: add param to update master clock periodically", 2023:
 * Dongli Zhang's RFC and Woodhouse's replies).
 *
 * One sane host: a synchronized TSC at `tscKhz` (the pCPU's rate, the rate KVM believes, and the
 * rate the host's clocksource was registered with), the masterclock in use, every vCPU's pvclock
 * page anchored at one snapshot (master_cycle_now, master_kernel_ns). An update re-anchors
 * kvmclock to the kvmclock base (MONOTONIC_RAW's rate); since pvclock's mul/shift
 * (kvm_get_time_scale) and the clocksource's mult/shift (clocks_calc_mult_shift) round
 * differently, kvmclock has drifted from the base since the last anchor and the update steps guest
 * time by raw(Δ) - pv(Δ): -59 ns after a second at 2.5 GHz, +48 ns at 2.4 GHz, 0 at 2 GHz (both
 * conversions exact). The events that ask for an update are the masterclockUpdate triggers
 * (model/transitions/masterclockUpdate.ts), named in each action, with the versions they exist in.
 */
import { MAX_TIME_NS } from './baseConfig.ts';
import { defineSometimes } from '../../invariants/invariant.ts';
import type { MasterclockTrigger } from '../actions.ts';
import { defineScenario } from './defineScenario.ts';

const NS_PER_SEC = 1_000_000_000;

type EventTrigger = Exclude<MasterclockTrigger, 'periodic'>;

/** The event triggers each variant's kernel has (a variant's `triggers` setting, by number). */
const TRIGGER_SETS: readonly (readonly EventTrigger[])[] = [
  [],
  // v5.12–v6.7: every one of them.
  ['hotplug', 'xen-shared-info', 'kvm-set-clock', 'clocksource-change'],
  // Since v6.8: hotplug onto a synchronized TSC no longer updates the masterclock.
  ['xen-shared-info', 'kvm-set-clock', 'clocksource-change'],
];

const KERNEL_TRIGGERS = [
  'arch/x86/kvm/x86.c: kvm_update_masterclock / kvm_gen_update_masterclock → pvclock_update_vm_gtod_copy (the new snapshot)',
  'arch/x86/kvm/x86.c: kvm_guest_time_update (every page from the snapshot, PVCLOCK_TSC_STABLE_BIT with the masterclock)',
  'arch/x86/kvm/xen.c: kvm_xen_shared_info_init (KVM_XEN_ATTR_TYPE_SHARED_INFO requests the update)',
  'arch/x86/kvm/x86.c: kvm_vm_ioctl_set_clock (KVM_SET_CLOCK: new snapshot, kvmclock_offset keeps the clock given)',
  'arch/x86/kvm/x86.c: pvclock_gtod_notify → pvclock_gtod_update_fn (clocksource off the TSC: masterclock off)',
];

export const masterclockUpdate = defineScenario({
  name: 'masterclock-update',
  title: 'KVM masterclock updates re-anchor kvmclock to MONOTONIC_RAW and step guest time',
  source:
    '[PATCH RFC 1/1] KVM: x86: add param to update master clock periodically (Dongli Zhang, 2023), and Woodhouse’s replies',
  description:
    'One pCPU with a sane TSC at tscKhz (the rate KVM believes too), one vCPU on the masterclock (pages carry ' +
    'the stable bit, so the guest does not clamp), one task reading kvmclock. A masterclock update (vCPU ' +
    'hotplug, Xen shared-info setup, KVM_SET_CLOCK or a host clocksource change, as the kernel version has ' +
    'them; or periodic) takes a new snapshot from MONOTONIC_RAW and every page is rewritten from it. Time ' +
    'advances in whole seconds so the ppb-level rounding difference shows as tens of ns.',
  params: {
    tscKhz: {
      meaning:
        'the TSC rate (kHz) of the pCPU, believed by KVM and the host clocksource; 2000000 makes both conversions exact, which switches the bug’s cause off',
      default: 2_500_000,
      min: 100_000,
      max: 10_000_000,
      minimize: 'keep',
    },
    triggers: {
      meaning: 'masterclock updates the events (hotplug, Xen shared info, ...) may cause',
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
  baseline: 'update-on-hotplug',
  variants: [
    {
      name: 'update-on-hotplug',
      description:
        'v5.12–v6.7: vCPU hotplug, Xen shared-info setup, KVM_SET_CLOCK and a host clocksource change each update the masterclock (the kernel of the seed thread)',
      kernel: {
        functions: [
          'arch/x86/kvm/x86.c: kvm_track_tsc_matching (every TSC synchronization with the masterclock in use requests an update)',
          ...KERNEL_TRIGGERS,
        ],
        versions:
          'v5.12 (629b5348841a, Xen shared_info) to v6.7; hotplug updates since v3.19 (7f187922ddf6, “KVM: x86: update masterclock values on TSC writes”)',
      },
      settings: { triggers: 1 },
      expected: { 'guest-monotonic': 'violated', 'kvmclock-step': 'violated' },
    },
    {
      name: 'no-update-on-hotplug',
      description:
        'KVM today: hotplug onto a synchronized TSC no longer updates the masterclock; Xen shared-info setup, KVM_SET_CLOCK and a host clocksource change still do',
      kernel: {
        functions: [
          'arch/x86/kvm/x86.c: kvm_track_tsc_matching (an update only when use_master_clock would change or a new TSC generation starts)',
          ...KERNEL_TRIGGERS,
        ],
        versions:
          'since v6.8 (c52ffadc65e2, “KVM: x86: Don’t unnecessarily force masterclock update on vCPU hotplug”), to today',
      },
      settings: { triggers: 2 },
      expected: { 'guest-monotonic': 'violated', 'kvmclock-step': 'violated' },
    },
    {
      name: 'never-update',
      description:
        'with a sane TSC, never update the masterclock: kvmclock drifts from RAW “and nobody will ever care” (Woodhouse’s proposal)',
      kernel: {
        functions: [
          'arch/x86/kvm/x86.c: kvm_guest_time_update (pages from the one snapshot taken at the start)',
        ],
        versions:
          'proposal: Woodhouse, Re: [PATCH RFC 1/1] KVM: x86: add param to update master clock periodically (16 Oct 2023)',
      },
      settings: { triggers: 0 },
      sometimes: ['read-after-time-passed'],
      expected: {
        'guest-monotonic': 'holds',
        'kvmclock-drift': 'violated',
        'kvmclock-step': 'holds',
      },
    },
    {
      name: 'one-snapshot',
      description:
        'hotplug and Xen shared-info setup rewrite every page from the VM’s one snapshot instead of retaking it (Woodhouse: “Why reset anything?”)',
      kernel: {
        functions: [
          'arch/x86/kvm/x86.c: kvm_guest_time_update (KVM_REQ_CLOCK_UPDATE from the existing snapshot)',
          'arch/x86/kvm/x86.c: kvm_track_tsc_matching, arch/x86/kvm/xen.c: kvm_xen_shared_info_init (no KVM_REQ_MASTERCLOCK_UPDATE)',
        ],
        versions:
          'proposal: Woodhouse, Re: [PATCH RFC 1/1] KVM: x86: add param to update master clock periodically (16 Oct 2023), on v5.12–v6.7',
      },
      settings: { oneSnapshot: true },
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
        'the RFC: also update the masterclock every periodNs, which bounds the drift and every step to what a period accumulates',
      kernel: {
        functions: [
          'arch/x86/kvm/x86.c: masterclock_sync_fn (KVM_REQ_MASTERCLOCK_UPDATE every masterclock_sync_period)',
          'arch/x86/kvm/x86.c: kvm_track_tsc_matching (every TSC synchronization with the masterclock in use requests an update)',
          ...KERNEL_TRIGGERS,
        ],
        versions:
          'posted patch: [PATCH RFC 1/1] KVM: x86: add param to update master clock periodically (Dongli Zhang, 26 Sep 2023), on v6.6',
      },
      settings: { triggers: 1, periodic: true },
      expected: {
        'guest-monotonic': 'violated',
        'kvmclock-drift': 'holds',
        'kvmclock-step': 'holds',
      },
    },
  ],
  causeOff: { param: 'tscKhz', value: 2_000_000 },
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
    const set = variant.settings['triggers'];
    const oneSnapshot = variant.settings['oneSnapshot'] === true;
    // Woodhouse's proposal changes hotplug and Xen shared-info setup on the kernel of its day.
    const kinds: readonly EventTrigger[] = oneSnapshot
      ? ['hotplug', 'xen-shared-info']
      : (TRIGGER_SETS[typeof set === 'number' ? set : 1] ?? []);
    const khz = BigInt(p.tscKhz);
    return {
      pcpus: [{ tscHz: khz * 1000n, tscOffset: 0n }],
      vcpus: [{ pcpu: 0 }],
      tasks: [{ vcpu: 0 }],
      tscKhz: khz,
      horizonNs: p.horizonNs,
      gapsNs: [p.gapNs],
      transitions: ['timeAdvance', 'masterclockUpdate', 'pvclockWrite', 'guestRead'],
      limits: {
        readsPerTask: p.reads,
        masterclockTriggers: kinds.length > 0 ? p.triggers : 0,
      },
      useMasterClock: true,
      masterclockTriggerKinds: kinds,
      masterclockPeriodNs: variant.settings['periodic'] === true ? p.periodNs : 0,
      masterclockTriggerEffect: oneSnapshot ? 'one-snapshot' : 'snapshot',
      stepBoundNs: BigInt(p.stepBoundNs),
      driftBoundNs: BigInt(p.driftBoundNs),
      policies: { readClamp: 'last-value-unless-stable' },
    };
  },
});
