/**
 * The policy points of the model: places where a transition's behaviour is the thing under test.
 * A variant names one implementation per point; `resolvePolicies` looks the names up here.
 */
import type { ActionKind } from '../actions.ts';
import { counterRestorePolicies, type CounterRestorePolicy } from './counterRestore.ts';
import { hrtimerExpiryPolicies, type HrtimerExpiryPolicy } from './hrtimerExpiry.ts';
import { pvclockWriteProtocols, type PvclockWriteProtocol } from './pvclockWriteProtocol.ts';
import { readClampPolicies, type ReadClampPolicy } from './readClamp.ts';
import { readPagePolicies, type ReadPagePolicy } from './readPage.ts';
import { readerPolicies, type ReaderPolicy } from './reader.ts';
import { timerClockPolicies, type TimerClockPolicy } from './timerClock.ts';
import { wakeCheckPolicies, type WakeCheckPolicy } from './wakeCheck.ts';

export interface Policies {
  readonly reader: ReaderPolicy;
  readonly readPage: ReadPagePolicy;
  readonly readClamp: ReadClampPolicy;
  readonly pvclockWrite: PvclockWriteProtocol;
  readonly timerClock: TimerClockPolicy;
  readonly hrtimerExpiry: HrtimerExpiryPolicy;
  readonly wakeCheck: WakeCheckPolicy;
  readonly counterRestore: CounterRestorePolicy;
}

export const POLICY_LIBRARY = {
  reader: readerPolicies,
  readPage: readPagePolicies,
  readClamp: readClampPolicies,
  pvclockWrite: pvclockWriteProtocols,
  timerClock: timerClockPolicies,
  hrtimerExpiry: hrtimerExpiryPolicies,
  wakeCheck: wakeCheckPolicies,
  counterRestore: counterRestorePolicies,
} as const satisfies { readonly [P in keyof Policies]: Readonly<Record<string, Policies[P]>> };

export type PolicyPoint = keyof Policies;

/**
 * The transitions that consult each policy point: a scenario none of whose transitions is among
 * them never uses that point, so replacing it there would change nothing.
 */
export const POLICY_USERS: { readonly [P in PolicyPoint]: readonly ActionKind[] } = {
  reader: ['guestRead'],
  readPage: ['guestRead'],
  readClamp: ['guestRead'],
  pvclockWrite: ['pvclockWrite'],
  timerClock: ['timerProgram'],
  hrtimerExpiry: ['hrtimerExpire'],
  wakeCheck: ['vcpuWakeCheck'],
  counterRestore: ['counterRestore'],
};
/** For each policy point, the name of one of its implementations. */
export type PolicyNames = {
  readonly [P in PolicyPoint]: keyof (typeof POLICY_LIBRARY)[P] & string;
};

export const DEFAULT_POLICIES: PolicyNames = {
  reader: 'one-step',
  readPage: 'getcpu',
  readClamp: 'none',
  pvclockWrite: 'atomic',
  timerClock: 'mono',
  hrtimerExpiry: 'latch-pending',
  wakeCheck: 'pending',
  counterRestore: 'per-vm-offset',
};

/** A policy point set by name (a built-in implementation) or by an implementation itself. */
export type PolicyChoice<P extends PolicyPoint> = PolicyNames[P] | Policies[P];

/** The policies of a run: each point as chosen, DEFAULT_POLICIES for the others. */
export function resolvePolicies(choices: {
  readonly [P in PolicyPoint]?: PolicyChoice<P>;
}): Policies {
  const pick = <P extends PolicyPoint>(point: P): Policies[P] => {
    const choice: PolicyChoice<P> = choices[point] ?? DEFAULT_POLICIES[point];
    if (typeof choice !== 'string') return choice as Policies[P];
    const library: Readonly<Record<string, unknown>> = POLICY_LIBRARY[point];
    const impl = (Object.hasOwn(library, choice) ? library[choice] : undefined) as
      Policies[P] | undefined;
    if (impl === undefined) {
      const known = Object.keys(POLICY_LIBRARY[point]).join(', ');
      throw new Error(`unknown ${point} policy '${choice}' (known: ${known})`);
    }
    return impl;
  };
  return {
    reader: pick('reader'),
    readPage: pick('readPage'),
    readClamp: pick('readClamp'),
    pvclockWrite: pick('pvclockWrite'),
    timerClock: pick('timerClock'),
    hrtimerExpiry: pick('hrtimerExpiry'),
    wakeCheck: pick('wakeCheck'),
    counterRestore: pick('counterRestore'),
  };
}
