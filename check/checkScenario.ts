/**
 * The library entry for a user's own test suite: check a built-in or user-defined variant and get
 * the result as plain data. `problems` lists, one line each, why the run is not as expected (an
 * unexpected verdict, a truncated run, a vacuous `sometimes` property, an error in the model); it
 * is empty exactly when the variant is verified within the bounds. So a vitest test is
 *
 *     expect(checkScenario(myFix).problems).toEqual([]);
 *
 * Bad input (an unknown scenario, variant or parameter) throws an InputError naming it.
 */
import { describeAction } from '../model/actions.ts';
import type {
  DefinedScenario,
  ParamValues,
  ScenarioNames,
  ScenarioRef,
  Verdict,
} from '../model/scenarios/index.ts';
import { judge, surprises } from './catalogue.ts';
import { isDefinedVariant, type DefinedVariant } from './defineVariant.ts';
import { findScenario, resolveTarget } from './resolve.ts';
import { scenarioOf } from './scenarios.ts';
import { runCheck, type Bounds } from './runCheck.ts';
import { resolveUserVariant } from './userVariant.ts';

export interface CheckScenarioOptions {
  /** Parameter overrides by name (see `clockcheck list`). */
  readonly params?: Readonly<Record<string, number | boolean>>;
  readonly bounds?: Bounds;
}

export interface InvariantOutcome {
  readonly invariant: string;
  readonly expected: Verdict;
  readonly actual: Verdict;
  /** Steps in the shortest counterexample, when violated. */
  readonly depth?: number;
  readonly message?: string;
  /** The shortest counterexample's actions, one line each, when violated. */
  readonly trace?: readonly string[];
}

export interface ScenarioCheck {
  readonly scenario: string;
  readonly variant: string;
  readonly params: ParamValues;
  /** The whole bounded state space was explored; otherwise `truncatedBy` says which limit hit. */
  readonly complete: boolean;
  readonly truncatedBy?: string;
  readonly states: number;
  readonly transitions: number;
  readonly maxDepth: number;
  readonly invariants: readonly InvariantOutcome[];
  /** Invariants violated (expected or not). */
  readonly violated: readonly string[];
  /** `sometimes` properties never reached (a vacuous run). */
  readonly vacuous: readonly string[];
  /** The model (or a replacement) threw: the message. */
  readonly error?: string;
  /** Why this is not as expected, one line each; empty when every verdict is as expected. */
  readonly problems: readonly string[];
}

/** Checks a user's variant (its scenario is part of it). */
export function checkScenario(
  variant: DefinedVariant,
  options?: CheckScenarioOptions,
): ScenarioCheck;
/**
 * Checks a variant of `scenario` (a built-in one by name, or your own scenario's definition): one
 * of its variants by name (default: the baseline) or a user's.
 */
export function checkScenario<S extends ScenarioRef>(
  scenario: S,
  options?: CheckScenarioOptions & {
    readonly variant?: ScenarioNames<S>['variant'] | DefinedVariant<S>;
  },
): ScenarioCheck;
export function checkScenario(
  what: ScenarioRef | DefinedVariant,
  options: CheckScenarioOptions & { readonly variant?: string | DefinedVariant } = {},
): ScenarioCheck {
  const chosen = isDefinedVariant(what) ? what : options.variant;
  const custom = isDefinedVariant(chosen) ? resolveUserVariant(chosen, 'checkScenario') : undefined;
  const scenario =
    custom?.scenario ??
    (typeof what === 'string' ? findScenario(what) : scenarioOf(what as DefinedScenario));
  const variant = custom ?? (typeof chosen === 'string' ? chosen : scenario.baseline);
  const target = resolveTarget({ scenario, variant, params: options.params ?? {} });
  const entry = judge(runCheck(target, options.bounds ?? {}));
  const { result } = entry.run;
  return {
    scenario: scenario.name,
    variant: target.variant.name,
    params: target.params,
    complete: result.complete,
    ...(result.truncatedBy === undefined ? {} : { truncatedBy: result.truncatedBy }),
    states: result.stats.distinctStates,
    transitions: result.stats.transitions,
    maxDepth: result.stats.maxDepth,
    invariants: entry.verdicts.map((v) => {
      const violation = result.violations.find((x) => x.invariant === v.invariant);
      return {
        invariant: v.invariant,
        expected: v.expected,
        actual: v.actual,
        ...(violation === undefined
          ? {}
          : {
              depth: violation.depth,
              message: violation.message,
              trace: violation.trace.actions.map(describeAction),
            }),
      };
    }),
    violated: result.violations.map((v) => v.invariant),
    vacuous: entry.vacuous,
    ...(result.error === undefined ? {} : { error: result.error.message }),
    problems: surprises(entry),
  };
}
