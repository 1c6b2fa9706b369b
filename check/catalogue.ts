/**
 * The CI job: check every (scenario, variant) of the catalogue and compare each invariant's verdict
 * with the expected one. A run is as expected only if every verdict matches, the run is complete
 * (a truncated run proves nothing) and every `sometimes` property was reached (else it is vacuous).
 */
import type { Scenario, Verdict } from '../model/scenarios/index.ts';
import { SCENARIOS } from './scenarios.ts';
import { resolveTarget, type Target } from './resolve.ts';
import { runCheck, type Bounds, type CheckRun } from './runCheck.ts';

export interface InvariantVerdict {
  readonly invariant: string;
  readonly expected: Verdict;
  readonly actual: Verdict;
  /** Depth of the shortest violation, when violated. */
  readonly depth?: number;
  readonly message?: string;
  readonly asExpected: boolean;
}

export interface CatalogueEntry {
  readonly run: CheckRun;
  readonly verdicts: readonly InvariantVerdict[];
  /** Names of `sometimes` properties never reached. */
  readonly vacuous: readonly string[];
  readonly asExpected: boolean;
}

export interface Catalogue {
  readonly entries: readonly CatalogueEntry[];
  readonly asExpected: boolean;
}

export function judge(run: CheckRun): CatalogueEntry {
  const { result, target } = run;
  const verdicts = target.invariants.map((inv): InvariantVerdict => {
    const expected = target.variant.expected[inv.name]!;
    const v = result.violations.find((x) => x.invariant === inv.name);
    const actual: Verdict = v === undefined ? 'holds' : 'violated';
    return {
      invariant: inv.name,
      expected,
      actual,
      ...(v === undefined ? {} : { depth: v.depth, message: v.message }),
      asExpected: actual === expected,
    };
  });
  const vacuous = vacuousOf(result);
  const asExpected =
    result.status !== 'error' &&
    result.complete &&
    vacuous.length === 0 &&
    verdicts.every((v) => v.asExpected);
  return { run, verdicts, vacuous, asExpected };
}

/**
 * Every variant of `scenarios` (the catalogue by default) against its expected verdicts. `prepare`
 * sees each target before it runs (to say where its model comes from, for worker threads).
 */
export function runCatalogue(
  bounds: Bounds = {},
  onEntry?: (entry: CatalogueEntry) => void,
  scenarios: readonly Scenario[] = SCENARIOS,
  prepare: (target: Target) => Target = (t) => t,
): Catalogue {
  const entries: CatalogueEntry[] = [];
  for (const scenario of scenarios) {
    for (const variant of scenario.variants) {
      const entry = judge(
        runCheck(prepare(resolveTarget({ scenario, variant: variant.name })), bounds),
      );
      onEntry?.(entry);
      entries.push(entry);
    }
  }
  return { entries, asExpected: entries.every((e) => e.asExpected) };
}

function runName(entry: CatalogueEntry): string {
  return `${entry.run.target.scenario.name} / ${entry.run.target.variant.name}`;
}

/** What is wrong with the run as a whole: a model error, a truncated run, a vacuous property. */
export function runProblems(entry: CatalogueEntry): string[] {
  const { result } = entry.run;
  const lines: string[] = [];
  if (result.status === 'error') lines.push(`the model failed: ${result.error?.message ?? ''}`);
  else if (!result.complete)
    lines.push(`not complete (${result.truncatedBy ?? 'stopped'}), so nothing it holds is proved`);
  lines.push(...vacuityProblems(entry.vacuous));
  return lines;
}

/**
 * The `sometimes` properties a complete run never reached: the run is vacuous (a truncated run
 * may reach them further on, so it is only truncated).
 */
export function vacuousOf(result: CheckRun['result']): string[] {
  if (!result.complete) return [];
  return result.sometimes.filter((s) => !s.reached).map((s) => s.name);
}

/**
 * One line per `sometimes` property a run never reached: `check` and `verify-fix` say it in these
 * words and both fail on it.
 */
export function vacuityProblems(vacuous: readonly string[]): string[] {
  return vacuous.map((s) => `sometimes-property ${s} was never reached: the run is vacuous`);
}

/** What is wrong with one verdict (undefined when it is as expected). */
export function verdictProblem(v: InvariantVerdict): string | undefined {
  if (v.asExpected) return undefined;
  return v.actual === 'violated'
    ? `${v.invariant} was expected to hold but is violated at depth ${v.depth}: ${v.message}`
    : `${v.invariant} was expected to be violated but holds`;
}

/** Why an entry is a surprise, one line each (empty when it is as expected). */
export function surprises(entry: CatalogueEntry): string[] {
  const problems = [
    ...runProblems(entry),
    ...entry.verdicts.flatMap((v) => verdictProblem(v) ?? []),
  ];
  return problems.map((p) => `${runName(entry)}: ${p}`);
}

/** True when a run's only problem is that a limit stopped it (its verdicts are as expected). */
export function onlyTruncated(entry: CatalogueEntry): boolean {
  const { result } = entry.run;
  return (
    !entry.asExpected &&
    !result.complete &&
    result.status !== 'error' &&
    entry.vacuous.length === 0 &&
    entry.verdicts.every((v) => v.asExpected)
  );
}
