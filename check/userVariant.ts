/**
 * From a user's variant definition (defineVariant's result, possibly loaded from a file that was
 * never type-checked) to a CustomVariant that resolve.ts can run. Every name is checked again
 * here, with errors that name the file, the field and what is allowed; a replacement of a policy
 * point or transition the scenario never uses is an error too, since it could change nothing.
 */
import type { ClockConfig } from '../model/config.ts';
import { ACTION_KINDS, type ActionKind } from '../model/actions.ts';
import { POLICY_LIBRARY, POLICY_USERS, type PolicyPoint } from '../model/policies/index.ts';
import {
  SCENARIOS,
  scenarioNamed,
  variantNamed,
  type Scenario,
  type Verdict,
} from '../model/scenarios/index.ts';
import type { ClockDraft, Transition, TransitionOverrides } from '../model/transition.ts';
import { TRANSITIONS } from '../model/transitions/index.ts';
import { pvclockWriteProblem } from '../model/policies/pvclockWriteProtocol.ts';
import { readerProblem, type Reader } from '../model/readers/reader.ts';
import { isDefinedVariant, type DraftResult } from './defineVariant.ts';
import { InputError } from './inputError.ts';
import type { CustomVariant } from './resolve.ts';
import { checkedReader } from './userReader.ts';

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const POINTS = Object.keys(POLICY_LIBRARY) as PolicyPoint[];
/** Policy points whose replacement changes a draft (and so may return a new state instead). */
const DRAFT_POINTS: readonly PolicyPoint[] = ['hrtimerExpiry', 'wakeCheck'];

type Fields = Readonly<Record<string, unknown>>;

function isRecord(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The invariants a user's variant is checked against when it does not say: every invariant that
 * some built-in variant of the scenario is expected to keep (what a fix can be held to).
 */
export function defaultExpected(scenario: Scenario): Record<string, Verdict> {
  const kept = scenario.invariants.filter((inv) =>
    scenario.variants.some((v) => v.expected[inv] === 'holds'),
  );
  return Object.fromEntries(kept.map((inv) => [inv, 'holds' as const]));
}

/** Where `actual` differs in shape from `expected` (a field added, missing or of another type). */
function shapeDifference(expected: unknown, actual: unknown, path: string): string | undefined {
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (kind(expected) !== kind(actual))
    return `has ${path} as ${kind(actual)}, where a state has ${kind(expected)}`;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length)
      return `has ${actual.length} entries in ${path}, where the state has ${expected.length}`;
    for (const [i, item] of actual.entries()) {
      const d = shapeDifference(expected[i], item, `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isRecord(expected) && isRecord(actual)) {
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) return `has ${path}.${key}, which is not a field of the state`;
      const d = shapeDifference(expected[key], actual[key], `${path}.${key}`);
      if (d !== undefined) return d;
    }
    for (const key of Object.keys(expected)) if (!(key in actual)) return `lacks ${path}.${key}`;
  }
  return undefined;
}

/** A replacement returned a new state: it takes the draft's place (after a shape check). */
function adopt(d: ClockDraft, result: DraftResult, what: string): void {
  if (result === undefined || result === (d as unknown)) return;
  if (!isRecord(result))
    throw new Error(`${what} returned ${typeof result}: return nothing or a whole state`);
  const problem = shapeDifference(d, result, 'state');
  if (problem !== undefined) throw new Error(`${what} returned a state that ${problem}`);
  const target = d as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(result)) if (target[key] !== value) target[key] = value;
}

function fail(where: string, problem: string): never {
  throw new InputError(`${where}: ${problem}`);
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

/** Checks a user's variant definition and turns it into a runnable CustomVariant. */
export function resolveUserVariant(value: unknown, origin: string): CustomVariant {
  if (!isDefinedVariant(value))
    fail(origin, "not a variant: expected the result of defineVariant({...}) from 'clockcheck'");
  const def = value as unknown as Fields;
  const scenarioName = def['scenario'];
  const scenario = typeof scenarioName === 'string' ? scenarioNamed(scenarioName) : undefined;
  if (scenario === undefined)
    fail(
      origin,
      `scenario ${JSON.stringify(scenarioName)} is not one of: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  const name = def['name'];
  if (typeof name !== 'string' || !NAME.test(name))
    fail(origin, `variant name ${JSON.stringify(name)} must be lowercase words joined by dashes`);
  const builtins = scenario.variants.map((v) => v.name);
  if (builtins.includes(name))
    fail(
      origin,
      `variant name '${name}' is a built-in variant of ${scenario.name}: choose another`,
    );
  const where = `${origin}: variant '${name}'`;
  if (typeof def['description'] !== 'string') fail(where, 'description must be a string');

  const baseName = def['base'] ?? scenario.baseline;
  const base = typeof baseName === 'string' ? variantNamed(scenario, baseName) : undefined;
  if (base === undefined)
    fail(where, `base ${JSON.stringify(baseName)} is not one of: ${builtins.join(', ')}`);

  const policies = def['policies'] ?? {};
  if (!isRecord(policies)) fail(where, 'policies must be an object');
  const byName: Record<string, string> = {};
  const replaced = new Map<PolicyPoint, unknown>();
  for (const [key, impl] of Object.entries(policies)) {
    if (!(POINTS as string[]).includes(key))
      fail(where, `policies.${key} is not a policy point (points: ${POINTS.join(', ')})`);
    const point = key as PolicyPoint;
    if (typeof impl === 'string') {
      const known = Object.keys(POLICY_LIBRARY[point]);
      if (!known.includes(impl))
        fail(where, `policies.${point}: no built-in policy '${impl}' (known: ${known.join(', ')})`);
      byName[point] = impl;
    } else {
      checkReplacement(where, point, impl);
      replaced.set(point, asPolicy(point, impl, where));
    }
  }

  const transitions = def['transitions'] ?? {};
  if (!isRecord(transitions)) fail(where, 'transitions must be an object');
  const overrides = new Map<ActionKind, Transition<ActionKind>>();
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
    overrides.set(kind, asTransition(kind, replacement, where));
  }

  const expected = def['expected'] ?? defaultExpected(scenario);
  if (!isRecord(expected) || Object.keys(expected).length === 0)
    fail(where, 'expected must name at least one invariant');
  for (const [inv, verdict] of Object.entries(expected)) {
    if (!scenario.invariants.includes(inv))
      fail(
        where,
        `expected: ${scenario.name} does not check '${inv}' (it checks: ${scenario.invariants.join(', ')})`,
      );
    if (verdict !== 'holds' && verdict !== 'violated')
      fail(where, `expected.${inv} must be 'holds' or 'violated'`);
  }

  const customize = (config: ClockConfig): ClockConfig => {
    const used = [...config.transitions].join(', ');
    for (const point of replaced.keys()) {
      if (!POLICY_USERS[point].some((k) => config.transitions.has(k)))
        fail(
          where,
          `replaces policy ${point}, which ${scenario.name} never consults (it is used by ${POLICY_USERS[point].join(', ')}; the scenario's transitions: ${used})`,
        );
    }
    for (const kind of overrides.keys()) {
      if (!config.transitions.has(kind))
        fail(
          where,
          `replaces transition ${kind}, which ${scenario.name} does not have (it has: ${used})`,
        );
    }
    return {
      ...config,
      policies: { ...config.policies, ...Object.fromEntries(replaced) },
      ...(overrides.size === 0
        ? {}
        : { transitionOverrides: Object.fromEntries(overrides) as TransitionOverrides }),
    };
  };

  return {
    scenario: scenario.name,
    spec: {
      name,
      description: def['description'] as string,
      policies: { ...base.policies, ...byName },
      ...(base.settings === undefined ? {} : { settings: base.settings }),
      expected: expected as Record<string, Verdict>,
    },
    base,
    origin,
    customize,
  };
}
