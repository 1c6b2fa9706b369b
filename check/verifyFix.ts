/**
 * Verifying a proposed fix, as data: (1) the scenario's baseline still violates (its seed bug
 * reproduces within the bounds), (2) the fix, explored exhaustively within the same bounds, has
 * every verdict it expects, completely, (3) every saved counterexample of the scenario, replayed
 * against the fix, no longer breaks an invariant the fix must keep, and (4) a few plain lines
 * that say so, for a patch's cover letter. The CLI prints it; `verificationJson` is the same as
 * data.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Progress } from '../explorer/index.ts';
import { describeAction, type ClockAction } from '../model/actions.ts';
import type { ParamValues, Scenario } from '../model/scenarios/index.ts';
import { modelHash, toolVersion } from '../counterexamples/modelHash.ts';
import { judgeTrace } from '../counterexamples/replayAll.ts';
import { TRACE_SUFFIX } from '../counterexamples/traceWriter.ts';
import { readTraceFile } from '../counterexamples/traceFiles.ts';
import { judge, runProblems, verdictProblem, type CatalogueEntry } from './catalogue.ts';
import { reportHeader } from './reportHeader.ts';
import type { FixRunJson, VerifyFixReport } from './reportSchemas.ts';
import { resolveTarget, type CustomVariant, type Target } from './resolve.ts';
import { runCheck, type Bounds, type ClockViolation } from './runCheck.ts';
import { TOOL_ROOT } from './scenarioDefinition.ts';

/** What replaying one saved counterexample against the fix showed. */
export interface CounterexampleReplay {
  /**
   * The file: for a built-in scenario from the clockcheck folder (counterexamples/<scenario>/…),
   * for a user's from the current directory.
   */
  readonly file: string;
  readonly variant: string;
  readonly invariant: string;
  /** Actions in the trace. */
  readonly steps: number;
  /**
   * neutralized: every action replayed and the invariant held on every step; still-violated: the
   * invariant breaks; diverged: the trace could not be followed to its end under the fix (an action
   * it takes is not enabled, or the run goes on past its end), so it says nothing about the fix.
   */
  readonly outcome: 'neutralized' | 'diverged' | 'still-violated';
  /** The step where it diverged or the invariant broke. */
  readonly step?: number;
  readonly action?: ClockAction;
  readonly message?: string;
  /** The fix must keep this invariant (else the replay is shown but does not count). */
  readonly required: boolean;
  /** The model changed since the trace was written (its recorded hash differs). */
  readonly modelChanged: boolean;
}

export interface FixVerification {
  readonly scenario: string;
  readonly params: ParamValues;
  readonly baseline: CatalogueEntry;
  /** The baseline's first violation of an invariant it is expected to violate (the seed bug). */
  readonly bug?: ClockViolation;
  readonly fix: CatalogueEntry;
  readonly fixOrigin: string;
  readonly replays: readonly CounterexampleReplay[];
  /** Why the fix is not verified, one line each (empty when it is). */
  readonly problems: readonly string[];
  readonly verified: boolean;
  /** The short verdict, for a cover letter. */
  readonly verdict: readonly string[];
}

/** The saved counterexamples of a scenario, as absolute paths, sorted. */
export function savedCounterexamples(scenario: Scenario): string[] {
  let names: string[];
  try {
    names = readdirSync(scenario.savedCounterexamples);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(TRACE_SUFFIX))
    .sort()
    .map((n) => join(scenario.savedCounterexamples, n));
}

/** How a saved counterexample's path is shown: from the clockcheck folder, or from here. */
function shownPath(scenario: Scenario, file: string): string {
  const from = scenario.origin === undefined ? TOOL_ROOT : process.cwd();
  const rel = relative(from, file);
  return (rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel).replaceAll('\\', '/');
}

/** A fix that is one of its scenario's own variants runs by name (so workers rebuild it by name). */
function variantChoice(fix: CustomVariant): CustomVariant | string {
  return fix.scenario.variants.includes(fix.spec) ? fix.spec.name : fix;
}

function replaySaved(file: string, fix: CustomVariant): CounterexampleReplay {
  const named = readTraceFile(file);
  const { trace } = named;
  const judged = judgeTrace(named, variantChoice(fix), [fix.scenario]);
  const outcome = judged.replay.outcome;
  const base = {
    file: shownPath(fix.scenario, file),
    variant: trace.meta.variant,
    invariant: trace.meta.invariant,
    steps: trace.steps.length - 1,
    required: judged.required,
    modelChanged: trace.meta.modelHash !== modelHash(),
  };
  switch (outcome.kind) {
    case 'holds':
      return { ...base, outcome: 'neutralized' };
    case 'violated':
      return { ...base, outcome: 'still-violated', step: outcome.step, message: outcome.message };
    case 'not-enabled':
      return { ...base, outcome: 'diverged', step: outcome.step, action: outcome.action };
    case 'unfinished':
      // A bounded-response invariant is judged where nothing is enabled; under the fix the run
      // goes on past the trace's end, so the trace alone cannot decide it.
      return {
        ...base,
        outcome: 'diverged',
        step: outcome.step,
        message: 'the trace ends here but the run goes on under the fix',
      };
    case 'mismatch':
      return {
        ...base,
        outcome: 'diverged',
        step: outcome.step,
        message: `${outcome.path} is ${outcome.actual}, the trace recorded ${outcome.expected}`,
      };
  }
}

function list(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function coverLetter(v: Omit<FixVerification, 'verdict'>): string[] {
  const fixName = v.fix.run.target.variant.name;
  const baseName = v.baseline.run.target.variant.name;
  const fr = v.fix.run.result;
  const params = Object.entries(v.params)
    .map(([k, x]) => `${k}=${String(x)}`)
    .join(' ');
  const lines = [
    `clockcheck ${toolVersion()} (model ${modelHash()}), scenario ${v.scenario}, ${params}:`,
  ];
  lines.push(
    v.bug === undefined
      ? `- without the fix (${baseName}): no violation within these bounds, so the bug is not reproduced`
      : `- without the fix (${baseName}): ${v.bug.invariant} is violated; shortest counterexample: ${plural(v.bug.depth, 'step')}`,
  );
  const held = v.fix.verdicts.filter((x) => x.actual === 'holds').map((x) => x.invariant);
  const broken = v.fix.verdicts.filter((x) => x.actual === 'violated');
  const extent = `${fr.stats.distinctStates.toLocaleString('en-US')} states, depth ${fr.stats.maxDepth}, ${fr.complete ? 'complete' : `truncated by the ${fr.truncatedBy ?? 'error'} limit`}`;
  const parts: string[] = [];
  if (held.length > 0)
    parts.push(
      `${list(held)} ${held.length === 1 ? 'holds' : 'hold'} in every interleaving within the bounds`,
    );
  for (const b of broken)
    parts.push(
      b.expected === 'violated'
        ? `${b.invariant} is violated, as the fix accepts (shortest counterexample: ${plural(b.depth ?? 0, 'step')})`
        : `${b.invariant} is still violated (shortest counterexample: ${plural(b.depth ?? 0, 'step')})`,
    );
  lines.push(`- with the fix (${fixName}): ${parts.join('; ')} (${extent})`);
  const required = v.replays.filter((r) => r.required);
  const still = required.filter((r) => r.outcome === 'still-violated');
  const clean = required.filter((r) => r.outcome === 'neutralized').length;
  const gone = required.filter((r) => r.outcome === 'diverged').length;
  const others = v.replays.filter((r) => !r.required);
  const otherText =
    others.length === 0
      ? ''
      : `; ${others.length} other${others.length === 1 ? '' : 's'}, for ${list([...new Set(others.map((r) => r.invariant))])}, not counted`;
  const divergedText =
    gone === 0
      ? ''
      : `, ${gone} diverged (the fix no longer follows ${gone === 1 ? 'its' : 'their'} path, so ${gone === 1 ? 'it says' : 'they say'} nothing about it)`;
  if (required.length === 0) {
    lines.push(`- saved counterexamples: none for these invariants${otherText}`);
  } else if (still.length === 0) {
    const all = clean === required.length;
    lines.push(
      `- saved counterexamples: ${required.length} for these invariants, ${all ? (required.length === 1 ? 'neutralized' : 'all neutralized') : `${clean} neutralized`}${divergedText}${otherText}`,
    );
  } else {
    lines.push(
      `- saved counterexamples: ${required.length} for these invariants, ${still.length} still ${still.length === 1 ? 'violates' : 'violate'}: ${list(still.map((r) => `${r.variant}.${r.invariant} at step ${r.step}`))}${clean === 0 ? '' : `, ${clean} neutralized`}${divergedText}${otherText}`,
    );
  }
  lines.push(
    v.verified
      ? 'Verdict: the fix holds within these bounds.'
      : 'Verdict: the fix is NOT verified.',
  );
  return lines;
}

export function verifyFix(
  fix: CustomVariant,
  options: {
    readonly params?: readonly string[];
    readonly bounds?: Bounds;
    readonly onProgress?: (p: Progress) => void;
    /** Sees each target before it runs (to say where its model comes from, for worker threads). */
    readonly prepare?: (target: Target) => Target;
  } = {},
): FixVerification {
  const prepare = options.prepare ?? ((t: Target) => t);
  const params = options.params ?? [];
  const bounds = options.bounds ?? {};
  const scenario = fix.scenario;
  const baselineTarget = prepare(resolveTarget({ scenario, variant: scenario.baseline, params }));
  const baseline = judge(runCheck(baselineTarget, bounds, options.onProgress));
  const bug = baseline.run.result.violations.find(
    (v) => baselineTarget.variant.expected[v.invariant] === 'violated',
  );
  const fixEntry = judge(
    runCheck(
      prepare(resolveTarget({ scenario, variant: fix, params })),
      bounds,
      options.onProgress,
    ),
  );
  const replays = savedCounterexamples(scenario).map((file) => replaySaved(file, fix));

  const problems: string[] = [];
  if (bug === undefined)
    problems.push(
      `the baseline ${baselineTarget.variant.name} violates nothing it is expected to within these bounds and parameters, so nothing shows what the fix fixes`,
    );
  problems.push(...runProblems(fixEntry));
  problems.push(...fixEntry.verdicts.flatMap((v) => verdictProblem(v) ?? []));
  for (const r of replays)
    if (r.required && r.outcome === 'still-violated')
      problems.push(`${r.file} still violates ${r.invariant} at step ${r.step}: ${r.message}`);
  const partial = {
    scenario: scenario.name,
    params: baselineTarget.params,
    baseline,
    ...(bug === undefined ? {} : { bug }),
    fix: fixEntry,
    fixOrigin: fix.origin,
    replays,
    problems,
    verified: problems.length === 0,
  };
  return { ...partial, verdict: coverLetter(partial) };
}

/** The verification as JSON: the same facts as the text, without timings (reportSchemas.ts). */
export function verificationJson(v: FixVerification): string {
  const run = (e: CatalogueEntry): FixRunJson => {
    const r = e.run.result;
    return {
      variant: e.run.target.variant.name,
      description: e.run.target.variant.description,
      complete: r.complete,
      ...(r.truncatedBy === undefined ? {} : { truncatedBy: r.truncatedBy }),
      distinctStates: r.stats.distinctStates,
      transitions: r.stats.transitions,
      maxDepth: r.stats.maxDepth,
      invariants: e.verdicts.map((x) => ({
        name: x.invariant,
        expected: x.expected,
        actual: x.actual,
        ...(x.depth === undefined ? {} : { depth: x.depth, message: x.message }),
      })),
      vacuous: [...e.vacuous],
      ...(r.error === undefined ? {} : { error: r.error.message }),
    };
  };
  const report: VerifyFixReport = {
    ...reportHeader('verify-fix'),
    scenario: v.scenario,
    params: v.params,
    baseline: {
      ...run(v.baseline),
      ...(v.bug === undefined
        ? {}
        : {
            counterexample: {
              invariant: v.bug.invariant,
              message: v.bug.message,
              actions: v.bug.trace.actions.map(describeAction),
            },
          }),
    },
    fix: { file: v.fixOrigin, ...run(v.fix) },
    counterexamples: v.replays.map(({ action, ...r }) => ({
      ...r,
      ...(action === undefined ? {} : { action: describeAction(action) }),
    })),
    verified: v.verified,
    problems: [...v.problems],
    verdict: [...v.verdict],
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
