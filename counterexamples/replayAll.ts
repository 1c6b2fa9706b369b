/**
 * Replaying counterexamples on one variant, and what each replay says: how a fix is checked against
 * every known counterexample of its scenario, by `clockcheck replay DIR --variant …` and by
 * `verify-fix` alike (both call judgeTrace, so they judge a trace the same way). Returns data (a
 * verdict and a line per file, and the counts); the CLI prints it.
 *
 * On a fix, a trace of an invariant the fix need not keep (its expected verdict is not `holds`)
 * is replayed and shown but not counted.
 */
import type { Scenario } from '../model/scenarios/index.ts';
import {
  describeOutcome,
  replayTarget,
  replayOn,
  replaySucceeded,
  replayVerdict,
  type Replay,
  type ReplayVerdict,
  type VariantChoice,
} from './replay.ts';
import type { NamedTrace } from './traceFiles.ts';

export interface FileReplay {
  readonly name: string;
  readonly replay: Replay;
  readonly verdict: ReplayVerdict;
  /** Whether the verdict counts: on a fix, only traces of invariants the fix must keep do. */
  readonly required: boolean;
  /** The outcome in one line ("neutralized: ...", "still violated at step 4 ...", ...). */
  readonly line: string;
}

export interface ReplayAll {
  readonly files: readonly FileReplay[];
  /** The verdicts of the counted files. */
  readonly counts: Readonly<Record<ReplayVerdict, number>>;
  /** Files replayed but not counted (invariants the fix need not keep). */
  readonly notCounted: number;
  /** Every counted file reproduced (on its recorded variant) or neutralized (on the variant given). */
  readonly ok: boolean;
}

/**
 * Replays one trace on `variant` (a name in the trace's scenario, or a user's), or, without one,
 * on the variant it was recorded with. `scenarios`: the user's scenarios loaded, besides the
 * catalogue's.
 */
export function judgeTrace(
  { name, trace }: NamedTrace,
  variant?: VariantChoice,
  scenarios: readonly Scenario[] = [],
): FileReplay {
  const { target, sameVariant } = replayTarget(trace.meta, variant, scenarios);
  const replay = replayOn(trace, target, sameVariant);
  const verdict = replayVerdict(replay, trace.steps.length);
  const invariant = trace.meta.invariant;
  const required = sameVariant || target.variant.expected[invariant] === 'holds';
  const line = describeOutcome(replay, trace.steps.length);
  return {
    name,
    replay,
    verdict,
    required,
    line: required
      ? line
      : `${line} (${invariant} is not required of ${target.variant.name}: not counted)`,
  };
}

export function replayAll(
  traces: readonly NamedTrace[],
  variant?: VariantChoice,
  scenarios: readonly Scenario[] = [],
): ReplayAll {
  const counts: Record<ReplayVerdict, number> = {
    reproduced: 0,
    'not-reproduced': 0,
    diverged: 0,
    neutralized: 0,
    'still-violated': 0,
  };
  const files = traces.map((t) => judgeTrace(t, variant, scenarios));
  let notCounted = 0;
  for (const f of files) {
    if (f.required) counts[f.verdict]++;
    else notCounted++;
  }
  return {
    files,
    counts,
    notCounted,
    ok: files.every((f) => !f.required || replaySucceeded(f.verdict)),
  };
}

/**
 * "3 files: 2 neutralized, 1 still violated, 0 diverged" on a variant, "… reproduced, … not
 * reproduced, … diverged" without one; any other verdict that occurred is added, and the files not
 * counted.
 */
export function summarize(all: ReplayAll, onVariant: boolean): string {
  const label: Record<ReplayVerdict, string> = {
    neutralized: 'neutralized',
    'still-violated': 'still violated',
    reproduced: 'reproduced',
    'not-reproduced': 'not reproduced',
    diverged: 'diverged',
  };
  const always: ReplayVerdict[] = onVariant
    ? ['neutralized', 'still-violated', 'diverged']
    : ['reproduced', 'not-reproduced', 'diverged'];
  const shown = (Object.keys(label) as ReplayVerdict[]).filter(
    (v) => always.includes(v) || all.counts[v] > 0,
  );
  const n = all.files.length;
  const parts = shown.map((v) => `${all.counts[v]} ${label[v]}`);
  if (all.notCounted > 0) parts.push(`${all.notCounted} not counted`);
  return `${n} file${n === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
