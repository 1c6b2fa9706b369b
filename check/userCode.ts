/**
 * A user's own code at a policy point or in place of a transition, as the model calls it: its shape
 * checked (the file was never type-checked), and a draft-changing replacement wrapped so that it
 * may return a whole new state instead of changing the draft. Errors are InputErrors naming the
 * file, the variant and the field.
 */
import type { ActionKind } from '../model/actions.ts';
import { ACTION_KINDS } from '../model/actions.ts';
import type { ClockConfig } from '../model/config.ts';
import {
  POLICY_LIBRARY,
  type Policies,
  type PolicyNames,
  type PolicyPoint,
} from '../model/policies/index.ts';
import type { DraftResult, PolicyChoices } from '../model/policies/replacements.ts';
import type { ClockDraft, Transition, TransitionOverrides } from '../model/transition.ts';
import { TRANSITIONS } from '../model/transitions/index.ts';
import { pvclockWriteProblem } from '../model/policies/pvclockWriteProtocol.ts';
import { readerProblem, type Reader } from '../model/readers/reader.ts';
import { InputError } from './inputError.ts';
import { checkedReader } from './userReader.ts';

export type Fields = Readonly<Record<string, unknown>>;

export function isRecord(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function fail(where: string, problem: string): never {
  throw new InputError(`${where}: ${problem}`);
}

/**
 * A variant's `kernel` (what it models: functions and versions), checked; `{}` when absent, so
 * that it spreads into a variant spec.
 */
export function kernelRefOf(
  value: unknown,
  where: string,
): { kernel?: { functions: readonly string[]; versions: string } } {
  if (value === undefined) return {};
  const functions = isRecord(value) ? value['functions'] : undefined;
  const versions = isRecord(value) ? value['versions'] : undefined;
  if (
    !Array.isArray(functions) ||
    functions.length === 0 ||
    !functions.every((f) => typeof f === 'string' && f.trim() !== '') ||
    typeof versions !== 'string' ||
    versions.trim() === ''
  )
    fail(
      where,
      "kernel must be { functions: ['file: function', ...], versions: 'v3.8–v4.4' } (or the patch)",
    );
  return { kernel: { functions: [...(functions as string[])], versions } };
}

export const POLICY_POINTS = Object.keys(POLICY_LIBRARY) as PolicyPoint[];
/** Policy points whose replacement changes a draft (and so may return a new state instead). */
const DRAFT_POINTS: readonly PolicyPoint[] = ['hrtimerExpiry', 'wakeCheck'];

/** A replacement returned a new state: it takes the draft's place. */
function adopt(d: ClockDraft, result: DraftResult, what: string): void {
  if (result === undefined || result === (d as unknown)) return;
  if (!isRecord(result))
    throw new Error(`${what} returned ${typeof result}: return nothing or a whole state`);
  // Its shape is checked with every successor's (model/stateShape.ts).
  const target = d as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(result)) if (target[key] !== value) target[key] = value;
}

function checkReplacement(where: string, point: PolicyPoint, impl: unknown): void {
  if (point === 'reader') {
    const problem = readerProblem(impl);
    if (problem !== undefined) fail(where, `policies.reader: ${problem}`);
  } else if (point === 'pvclockWrite') {
    const problem = pvclockWriteProblem(impl);
    if (problem !== undefined) fail(where, `policies.pvclockWrite: ${problem}`);
  } else if (point === 'counterRestore') {
    if (
      !isRecord(impl) ||
      typeof impl['enabled'] !== 'function' ||
      typeof impl['apply'] !== 'function'
    )
      fail(where, 'policies.counterRestore must be a name or { enabled, apply } functions');
  } else if (typeof impl !== 'function') {
    fail(where, `policies.${point} must be a built-in policy's name or a function`);
  }
}

/** The replacement as the model calls it: draft-changing ones may return a new state instead. */
function asPolicy(point: PolicyPoint, impl: unknown, where: string): unknown {
  const what = `${where}: policies.${point}`;
  if (point === 'reader') return checkedReader(impl as Reader, where);
  if (DRAFT_POINTS.includes(point)) {
    const fn = impl as (d: ClockDraft, ...rest: unknown[]) => DraftResult;
    return (d: ClockDraft, ...rest: unknown[]) => adopt(d, fn(d, ...rest), what);
  }
  if (point === 'counterRestore') {
    const r = impl as {
      enabled: unknown;
      apply: (d: ClockDraft, ...rest: unknown[]) => DraftResult;
    };
    return {
      enabled: r.enabled,
      apply: (d: ClockDraft, ...rest: unknown[]) => adopt(d, r.apply(d, ...rest), `${what}.apply`),
    };
  }
  return impl;
}

/** Policy points as the model takes them: a built-in's name, or an implementation. */
export type ResolvedPolicyChoices = {
  readonly [P in PolicyPoint]?: PolicyNames[P] | Policies[P];
};

/**
 * A definition's `policies`, checked: names must be built-in policies of their point, anything
 * else a replacement of the point's shape, wrapped for the model. `replaced` lists the points
 * given a replacement (user code).
 */
export function resolvePolicyChoices(
  policies: unknown,
  where: string,
): { readonly choices: ResolvedPolicyChoices; readonly replaced: readonly PolicyPoint[] } {
  if (policies === undefined) return { choices: {}, replaced: [] };
  if (!isRecord(policies)) fail(where, 'policies must be an object');
  const choices: Record<string, unknown> = {};
  const replaced: PolicyPoint[] = [];
  for (const [key, impl] of Object.entries(policies)) {
    if (!(POLICY_POINTS as string[]).includes(key))
      fail(where, `policies.${key} is not a policy point (points: ${POLICY_POINTS.join(', ')})`);
    const point = key as PolicyPoint;
    if (typeof impl === 'string') {
      const known = Object.keys(POLICY_LIBRARY[point]);
      if (!known.includes(impl))
        fail(where, `policies.${point}: no built-in policy '${impl}' (known: ${known.join(', ')})`);
      choices[point] = impl;
    } else {
      checkReplacement(where, point, impl);
      choices[point] = asPolicy(point, impl, where);
      replaced.push(point);
    }
  }
  return { choices: choices as ResolvedPolicyChoices, replaced };
}

/** The model's view of `PolicyChoices` once resolved (names stay names). */
export type { PolicyChoices };

function asTransition(
  kind: ActionKind,
  replacement: Fields,
  where: string,
): Transition<ActionKind> {
  const builtin = TRANSITIONS[kind] as unknown as Transition<ActionKind>;
  const enabled = replacement['enabled'] as Transition<ActionKind>['enabled'] | undefined;
  const apply = replacement['apply'] as
    ((d: ClockDraft, ...rest: unknown[]) => DraftResult) | undefined;
  return {
    kind,
    enabled: enabled ?? builtin.enabled,
    apply:
      apply === undefined
        ? builtin.apply
        : (d, action, cfg) =>
            adopt(d, apply(d, action, cfg), `${where}: transitions.${kind}.apply`),
  };
}

/** A definition's `transitions` (whole replacements, by action kind), checked and wrapped. */
export function resolveTransitionReplacements(
  transitions: unknown,
  where: string,
): TransitionOverrides | undefined {
  if (transitions === undefined) return undefined;
  if (!isRecord(transitions)) fail(where, 'transitions must be an object');
  const overrides: Record<string, Transition<ActionKind>> = {};
  for (const [key, replacement] of Object.entries(transitions)) {
    if (!(ACTION_KINDS as readonly string[]).includes(key))
      fail(
        where,
        `transitions.${key} is not a transition (transitions: ${ACTION_KINDS.join(', ')})`,
      );
    const kind = key as ActionKind;
    const fns = isRecord(replacement)
      ? (['enabled', 'apply'] as const).filter((k) => replacement[k] !== undefined)
      : [];
    if (
      !isRecord(replacement) ||
      fns.length === 0 ||
      fns.some((k) => typeof replacement[k] !== 'function')
    )
      fail(where, `transitions.${kind} must be { enabled?, apply? } with at least one function`);
    overrides[kind] = asTransition(kind, replacement, where);
  }
  return Object.keys(overrides).length === 0 ? undefined : (overrides as TransitionOverrides);
}

/**
 * Fails when a variant replaces a policy point or transition the scenario's configuration never
 * uses: the replacement could change nothing.
 */
export function checkReplacementsUsed(
  config: ClockConfig,
  scenario: string,
  replaced: readonly PolicyPoint[],
  overrides: TransitionOverrides | undefined,
  where: string,
  users: { readonly [P in PolicyPoint]: readonly ActionKind[] },
): void {
  const used = [...config.transitions].join(', ');
  for (const point of replaced) {
    if (!users[point].some((k) => config.transitions.has(k)))
      fail(
        where,
        `replaces policy ${point}, which ${scenario} never consults (it is used by ${users[point].join(', ')}; the scenario's transitions: ${used})`,
      );
  }
  for (const kind of Object.keys(overrides ?? {})) {
    if (!config.transitions.has(kind as ActionKind))
      fail(where, `replaces transition ${kind}, which ${scenario} does not have (it has: ${used})`);
  }
}
