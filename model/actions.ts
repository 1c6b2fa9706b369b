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
  | { readonly kind: 'counterRestore'; readonly vcpu: number };

export type ActionKind = ClockAction['kind'];
export type ActionOf<K extends ActionKind> = Extract<ClockAction, { readonly kind: K }>;

export type MasterclockTrigger = 'hotplug' | 'xen-shared-info' | 'periodic';

/**
 * The name of a step of the reader in use (the reader policy, model/readers/): the built-in
 * readers' are `whole` (a read in one step) and `version`, `fields`, `tsc`, `check`.
 */
export type ReadStep = string;

/** Every action kind, in the order enabled actions are listed. */
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
