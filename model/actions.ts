/**
 * Every event the model knows, as a discriminated union. Actions are plain JSON values (numbers and
 * strings only) so that a trace file can record them and a replay can match them exactly.
 */

export type ClockAction =
  | { readonly kind: 'timeAdvance'; readonly to: number }
  | { readonly kind: 'hostTimekeepingUpdate' }
  | { readonly kind: 'ntpMultChange'; readonly adj: number }
  | { readonly kind: 'nohzIdleEnter'; readonly pcpu: number }
  | { readonly kind: 'nohzIdleExit'; readonly pcpu: number }
  | { readonly kind: 'masterclockUpdate'; readonly trigger: MasterclockTrigger }
  | { readonly kind: 'pvclockWrite'; readonly vcpu: number; readonly choice?: number }
  | { readonly kind: 'guestRead'; readonly task: number; readonly step: ReadStep }
  | { readonly kind: 'guestCounterRead'; readonly task: number }
  | { readonly kind: 'vcpuMigrate'; readonly vcpu: number; readonly to: number }
  | { readonly kind: 'taskMigrate'; readonly task: number; readonly to: number }
  | { readonly kind: 'timerProgram'; readonly vcpu: number; readonly cycles: number }
  | { readonly kind: 'hrtimerExpire'; readonly vcpu: number }
  | { readonly kind: 'vcpuBlock'; readonly vcpu: number }
  | { readonly kind: 'vcpuWakeCheck'; readonly vcpu: number }
  | { readonly kind: 'timerInject'; readonly vcpu: number }
  | { readonly kind: 'counterRestore'; readonly vcpu: number }
  // x86 live migration (issue 12)
  | { readonly kind: 'vmPause' }
  | { readonly kind: 'kvmGetClock' }
  | { readonly kind: 'kvmSetClock' }
  | { readonly kind: 'tscRestore'; readonly vcpu: number }
  | { readonly kind: 'vcpuResume'; readonly vcpu: number };

export type ActionKind = ClockAction['kind'];
export type ActionOf<K extends ActionKind> = Extract<ClockAction, { readonly kind: K }>;

/**
 * What asks KVM for a masterclock update (KVM_REQ_MASTERCLOCK_UPDATE, or its own ioctl path), as
 * the trace names it: `hotplug`, a vCPU joining the current TSC generation (kvm_synchronize_tsc →
 * kvm_track_tsc_matching, v3.19–v6.7); `xen-shared-info`, KVM_XEN_ATTR_TYPE_SHARED_INFO
 * (kvm_xen_shared_info_init, since v5.12); `kvm-set-clock`, KVM_SET_CLOCK with the value
 * KVM_GET_CLOCK gives (kvm_vm_ioctl_set_clock); `clocksource-change`, the host clocksource leaving
 * the TSC (pvclock_gtod_notify → pvclock_gtod_update_fn); `periodic`, the RFC's periodic update.
 * model/transitions/masterclockUpdate.ts says what each does.
 */
export type MasterclockTrigger =
  'hotplug' | 'xen-shared-info' | 'kvm-set-clock' | 'clocksource-change' | 'periodic';

/**
 * The name of a step of the reader in use (the reader policy, model/readers/): the built-in
 * readers' are `whole` (a read in one step) and `version`, `fields`, `tsc`, `check`.
 */
export type ReadStep = string;

/**
 * Every action kind, in the order enabled actions are listed. New kinds go at the end, so that
 * the order of existing ones, and with it every pinned count and saved counterexample, stays.
 */
export const ACTION_KINDS: readonly ActionKind[] = [
  'timeAdvance',
  'hostTimekeepingUpdate',
  'ntpMultChange',
  'nohzIdleEnter',
  'nohzIdleExit',
  'masterclockUpdate',
  'pvclockWrite',
  'guestRead',
  'guestCounterRead',
  'vcpuMigrate',
  'taskMigrate',
  'timerProgram',
  'hrtimerExpire',
  'vcpuBlock',
  'vcpuWakeCheck',
  'timerInject',
  'counterRestore',
  'vmPause',
  'kvmGetClock',
  'kvmSetClock',
  'tscRestore',
  'vcpuResume',
];

/** One line, for traces: `guestRead task=0`, `timeAdvance to=1000000`. */
export function describeAction(action: ClockAction): string {
  const args = Object.entries(action)
    .filter(([key]) => key !== 'kind')
    .map(([key, value]) => `${key}=${String(value)}`);
  return [action.kind, ...args].join(' ');
}

/**
 * The action fields that are magnitudes (an instant, an adjustment, a distance) rather than names
 * of things (a vCPU, a task, a pCPU): a counterexample minimizer may try smaller values of these.
 */
export const MAGNITUDE_FIELDS: Readonly<Partial<Record<ActionKind, readonly string[]>>> = {
  timeAdvance: ['to'],
  ntpMultChange: ['adj'],
  timerProgram: ['cycles'],
};
