/**
 * From a user's variant definition (defineVariant's result, possibly loaded from a file that was
 * never type-checked) to a CustomVariant that resolve.ts can run. Every name is checked again
 * here, with errors that name the file, the field and what is allowed; a replacement of a policy
 * point or transition the scenario never uses is an error too (when the scenario is configured),
 * since it could change nothing.
 */
import type { ClockInvariant } from '../invariants/index.ts';
import {
  isDefinedScenario,
  type DefinedScenario,
  type Scenario,
  type Verdict,
} from '../model/scenarios/index.ts';
import { isDefinedVariant } from './defineVariant.ts';
import type { CustomVariant } from './resolve.ts';
import { expectedOf, keptSometimes, propertyOf } from './scenarioDefinition.ts';
import { findScenario, scenarioOf, variantNamed } from './scenarios.ts';
import {
  fail,
  kernelRefOf,
  resolvePolicyChoices,
  resolveTransitionReplacements,
  type Fields,
} from './userCode.ts';
import { isPropertyName } from '../invariants/index.ts';
import { InputError } from './inputError.ts';
import type { Observer } from '../model/config.ts';
import { declarationProblem, type StateExtension } from '../model/stateExtension.ts';

/**
 * The invariants a user's variant is checked against when it does not say: every invariant that
 * some variant of the scenario is expected to keep (what a fix can be held to).
 */
export function defaultExpected(scenario: Scenario): Record<string, Verdict> {
  const kept = scenario.invariants.filter((inv) =>
    scenario.variants.some((v) => v.expected[inv.name] === 'holds'),
  );
  return Object.fromEntries(kept.map((inv) => [inv.name, 'holds' as const]));
}

function scenarioFor(ref: unknown, origin: string, known: readonly Scenario[]): Scenario {
  if (isDefinedScenario(ref)) return scenarioOf(ref as DefinedScenario, origin);
  if (typeof ref !== 'string')
    fail(origin, "scenario must be a scenario's name or the scenario your scenario file exports");
  try {
    return findScenario(ref, known);
  } catch (e) {
    if (e instanceof InputError) fail(origin, e.message);
    throw e;
  }
}

function ownInvariants(list: unknown, scenario: Scenario, where: string): ClockInvariant[] {
  if (list === undefined) return [];
  if (!Array.isArray(list))
    fail(where, 'invariants must list your own invariants (defineInvariant)');
  const out: ClockInvariant[] = [];
  for (const [i, ref] of list.entries()) {
    const inv = propertyOf(ref, `${where}: invariants[${i}]`, 'invariant') as ClockInvariant;
    if ([...scenario.invariants, ...out].some((x) => x.name === inv.name))
      fail(
        where,
        `invariant '${inv.name}' is already one of ${scenario.name}'s: choose another name`,
      );
    out.push(inv);
  }
  return out;
}

/**
 * Checks a user's variant definition and turns it into a runnable CustomVariant. `known`: the
 * user's scenarios loaded so far (a variant may name one of them).
 */
export function resolveUserVariant(
  value: unknown,
  origin: string,
  known: readonly Scenario[] = [],
): CustomVariant {
  if (!isDefinedVariant(value))
    fail(origin, "not a variant: expected the result of defineVariant({...}) from 'clockcheck'");
  const def = value as unknown as Fields;
  const scenario = scenarioFor(def['scenario'], origin, known);
  const name = def['name'];
  if (!isPropertyName(name))
    fail(origin, `variant name ${JSON.stringify(name)} must be lowercase words joined by dashes`);
  const builtins = scenario.variants.map((v) => v.name);
  if (builtins.includes(name))
    fail(origin, `variant name '${name}' is a variant of ${scenario.name} already: choose another`);
  const where = `${origin}: variant '${name}'`;
  if (typeof def['description'] !== 'string') fail(where, 'description must be a string');

  const baseName = def['base'] ?? scenario.baseline;
  const base = typeof baseName === 'string' ? variantNamed(scenario, baseName) : undefined;
  if (base === undefined)
    fail(where, `base ${JSON.stringify(baseName)} is not one of: ${builtins.join(', ')}`);

  const { choices, replaced } = resolvePolicyChoices(def['policies'], where);
  const transitions = resolveTransitionReplacements(def['transitions'], where);
  if (def['symmetric'] !== undefined && typeof def['symmetric'] !== 'boolean')
    fail(where, 'symmetric must be true or false');
  const invariants = ownInvariants(def['invariants'], scenario, where);
  const checkable = [...scenario.invariants, ...invariants];
  const expected =
    def['expected'] === undefined
      ? {
          ...defaultExpected(scenario),
          ...Object.fromEntries(invariants.map((inv) => [inv.name, 'holds' as const])),
        }
      : expectedOf(def['expected'], checkable, scenario.name, where);
  const sometimes =
    def['sometimes'] === undefined
      ? base.sometimes
      : keptSometimes(def['sometimes'], scenario.sometimes, scenario.name, where);
  const state = def['state'];
  if (state !== undefined) {
    const problem = declarationProblem(state);
    if (problem !== undefined) fail(where, problem);
    const clash = Object.keys(state as object).find((k) => Object.hasOwn(scenario.state, k));
    if (clash !== undefined)
      fail(
        where,
        `state.${clash} is a field of ${scenario.name}'s own already: choose another name`,
      );
  }
  const observe = def['observe'];
  if (observe !== undefined && typeof observe !== 'function')
    fail(where, 'observe must be a function (d, { before, action, cfg }) => void');
  const ownCode = replaced.length > 0 || transitions !== undefined || observe !== undefined;
  const userCode =
    ownCode || base.userCode !== undefined
      ? { symmetric: def['symmetric'] === true, where: origin }
      : undefined;
  const baseTransitions = base.transitions;
  const mergedTransitions =
    baseTransitions === undefined && transitions === undefined
      ? undefined
      : { ...baseTransitions, ...transitions };
  return {
    scenario,
    spec: {
      name,
      description: def['description'],
      ...kernelRefOf(def['kernel'], where),
      policies: { ...base.policies, ...choices },
      ...(mergedTransitions === undefined ? {} : { transitions: mergedTransitions }),
      settings: base.settings,
      expected,
      sometimes,
      invariants: [...base.invariants, ...invariants],
      ...(state === undefined && base.state === undefined
        ? {}
        : { state: { ...base.state, ...(state as StateExtension | undefined) } }),
      ...(observe === undefined
        ? base.observe === undefined
          ? {}
          : { observe: base.observe }
        : { observe: observe as Observer }),
      base: base.name,
      origin,
      ...(userCode === undefined ? {} : { userCode }),
      ...(replaced.length > 0 ? { replaced } : {}),
    },
    base,
    origin,
  };
}
