/**
 * Every event the model knows, as a discriminated union. Actions are plain JSON values (numbers and
 * strings only) so that a trace file can record them and a replay can match them exactly.
 */

export type ClockAction =
  | { readonly kind: 'timeAdvance'; readonly to: number }
  | { readonly kind: 'guestRead'; readonly task: number; readonly step: ReadStep }
  | { readonly kind: 'taskMigrate'; readonly task: number; readonly to: number };

export type ActionKind = ClockAction['kind'];
export type ActionOf<K extends ActionKind> = Extract<ClockAction, { readonly kind: K }>;

/** The steps of a guest clock read; `whole` is a read done in one step. */
export type ReadStep = 'version' | 'fields' | 'tsc' | 'check' | 'whole';

export const ACTION_KINDS: readonly ActionKind[] = ['timeAdvance', 'guestRead', 'taskMigrate'];

/** One line, for traces: `guestRead task=0`, `timeAdvance to=1000000`. */
export function describeAction(action: ClockAction): string {
  const args = Object.entries(action)
    .filter(([key]) => key !== 'kind')
    .map(([key, value]) => `${key}=${String(value)}`);
  return [action.kind, ...args].join(' ');
}
