/**
 * Replaying a set of counterexamples on one variant: how a fix is checked against every known
 * counterexample of its scenario. Returns data (a verdict and a line per file, and the counts);
 * the CLI prints it.
 */
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
  /** The outcome in one line ("neutralized: ...", "still violated at step 4 ...", ...). */
  readonly line: string;
}

export interface ReplayAll {
  readonly files: readonly FileReplay[];
  readonly counts: Readonly<Record<ReplayVerdict, number>>;
  /** Every file reproduced (on its recorded variant) or neutralized (on the variant given). */
  readonly ok: boolean;
}

/**
 * Replays each trace on `variant` (a name in the trace's scenario, or a spec), or, without one, on
 * the variant it was recorded with.
 */
export function replayAll(traces: readonly NamedTrace[], variant?: VariantChoice): ReplayAll {
  const counts: Record<ReplayVerdict, number> = {
    reproduced: 0,
    'not-reproduced': 0,
    diverged: 0,
    neutralized: 0,
    'still-violated': 0,
  };
  const files = traces.map(({ name, trace }): FileReplay => {
    const { target, sameVariant } = replayTarget(trace.meta, variant);
    const replay = replayOn(trace, target, sameVariant);
    const verdict = replayVerdict(replay, trace.steps.length);
    counts[verdict]++;
    return { name, replay, verdict, line: describeOutcome(replay, trace.steps.length) };
  });
  return { files, counts, ok: files.every((f) => replaySucceeded(f.verdict)) };
}

/**
 * "3 files: 2 neutralized, 1 still violated, 0 diverged" on a variant, "… reproduced, … not
 * reproduced, … diverged" without one; any other verdict that occurred is added.
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
  return `${n} file${n === 1 ? '' : 's'}: ${shown.map((v) => `${all.counts[v]} ${label[v]}`).join(', ')}`;
}
