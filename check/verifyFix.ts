/**
 * Verifying a proposed fix, as data: (1) the scenario's baseline still violates (its seed bug
 * reproduces within the bounds), (2) the fix, explored exhaustively within the same bounds, has
 * every verdict it expects, completely, (3) every saved counterexample of the scenario, replayed
 * against the fix, no longer breaks an invariant the fix must keep, and (4) a few plain lines
 * that say so, for a patch's cover letter. The CLI prints it; `verificationJson` is the same as
 * data.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Progress } from '../explorer/index.ts';
import { describeAction, type ClockAction } from '../model/actions.ts';
import type { ParamValues } from '../model/scenarios/index.ts';
import { modelHash, toolVersion } from '../counterexamples/modelHash.ts';
import { replayTrace } from '../counterexamples/replay.ts';
import { TRACE_SUFFIX } from '../counterexamples/traceWriter.ts';
import { readTraceFile } from '../counterexamples/traceFiles.ts';
import { judge, runProblems, verdictProblem, type CatalogueEntry } from './catalogue.ts';
import { PACKAGE_ROOT } from './packageRoot.ts';
import { reportHeader } from './reportHeader.ts';
import type { FixRunJson, VerifyFixReport } from './reportSchemas.ts';
import { findScenario, resolveTarget, type CustomVariant } from './resolve.ts';
import { runCheck, type Bounds, type ClockViolation } from './runCheck.ts';

/** The committed counterexamples are in the package's counterexamples/ folder. */
const ROOT = PACKAGE_ROOT;

/** What replaying one saved counterexample against the fix showed. */
export interface CounterexampleReplay {
  /** Path from the clockcheck folder, e.g. counterexamples/tsc-deadline-ntp/x.itf.json. */
  readonly file: string;
  readonly variant: string;
  readonly invariant: string;
  /** Actions in the trace. */
  readonly steps: number;
  /**
   * neutralized: every action replayed and the invariant held; diverged: an action of the trace is
   * not enabled under the fix (the path no longer exists); still-violated: the invariant breaks.
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

/** The committed counterexamples of a scenario, as paths from the clockcheck folder. */
export function savedCounterexamples(scenario: string): string[] {
  const dir = join('counterexamples', scenario);
  let names: string[];
  try {
    names = readdirSync(join(ROOT, dir));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(TRACE_SUFFIX))
    .sort()
    .map((n) => `${dir}/${n}`);
}

function replaySaved(file: string, fix: CustomVariant): CounterexampleReplay {
  const { trace } = readTraceFile(join(ROOT, file));
  const { outcome } = replayTrace(trace, { variant: fix });
  const base = {
    file,
    variant: trace.meta.variant,
    invariant: trace.meta.invariant,
    steps: trace.steps.length - 1,
    required: fix.spec.expected[trace.meta.invariant] === 'holds',
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
      // Only a trace recorded under the fix's own name is compared state by state.
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
  if (required.length === 0) {
    lines.push(`- saved counterexamples: none for these invariants${otherText}`);
  } else if (still.length === 0) {
    const how = [
      ...(clean === 0
        ? []
        : [`${clean} ${clean === 1 ? 'replays' : 'replay'} without a violation`]),
      ...(gone === 0
        ? []
        : [
            `${gone} no longer ${gone === 1 ? 'occurs' : 'occur'}: an action ${gone === 1 ? 'it takes is' : 'they take is'} not enabled under the fix`,
          ]),
    ];
    lines.push(
      `- saved counterexamples: ${required.length} for these invariants, ${required.length === 1 ? 'neutralized' : 'all neutralized'} (${how.join('; ')})${otherText}`,
    );
  } else {
    lines.push(
      `- saved counterexamples: ${required.length} for these invariants, ${still.length} still ${still.length === 1 ? 'violates' : 'violate'}: ${list(still.map((r) => `${r.variant}.${r.invariant} at step ${r.step}`))}${otherText}`,
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
  } = {},
): FixVerification {
  const params = options.params ?? [];
  const bounds = options.bounds ?? {};
  const scenario = fix.scenario;
  const baselineTarget = resolveTarget({
    scenario,
    variant: findScenario(scenario).baseline,
    params,
  });
  const baseline = judge(runCheck(baselineTarget, bounds, options.onProgress));
  const bug = baseline.run.result.violations.find(
    (v) => baselineTarget.variant.expected[v.invariant] === 'violated',
  );
  const fixEntry = judge(
    runCheck(resolveTarget({ scenario, variant: fix, params }), bounds, options.onProgress),
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
    scenario,
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
