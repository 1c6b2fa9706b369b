/**
 * `clockcheck replay FILE|FOLDER [--variant V] [--variant-file F] [--scenario-file S]`: re-execute
 * counterexamples on today's model. With --variant-file, the variant is a user's own (a trace
 * recorded with it replays on it step by step; any other trace is replayed on it as on a fix);
 * with --scenario-file, traces of the user's scenarios replay too.
 * Without --variant, exit 0 when every recorded violation reproduces step for step; with it (a
 * proposed fix), exit 0 only when every trace of an invariant the fix must keep is neutralized (a
 * trace that diverges says nothing about the fix, so it does not count as neutralized; one of an
 * invariant the fix need not keep is shown but not counted). 1 otherwise, 2 on bad input.
 */
import { InputError } from '../../check/inputError.ts';
import type { CustomVariant } from '../../check/resolve.ts';
import type { UserFiles } from '../../check/userFiles.ts';
import type { Scenario } from '../../model/scenarios/index.ts';
import { modelHash } from '../../counterexamples/modelHash.ts';
import { replaySucceeded } from '../../counterexamples/replay.ts';
import { judgeTrace, replayAll, summarize } from '../../counterexamples/replayAll.ts';
import {
  isFolder,
  readTraceFile,
  readTraceFolder,
  type NamedTrace,
} from '../../counterexamples/traceFiles.ts';
import type { Style } from '../style.ts';

interface ReplayOptions {
  /** The variant to replay on: a built-in one's name, or a user's own. */
  readonly variant?: string | CustomVariant;
  /** The user's scenarios, besides the catalogue's. */
  readonly scenarios?: readonly Scenario[];
}

export function replayCommand(
  path: string,
  options: ReplayOptions,
  style: Style,
  print: (s: string) => void,
): number {
  return isFolder(path)
    ? replayFolder(readTraceFolder(path), options, style, print)
    : replayFile(readTraceFile(path), options, style, print);
}

/**
 * `replay PATH --variant-file F [--variant NAME]`: the file's variant named NAME, or its only one,
 * or (for one trace) the one the trace was recorded with.
 */
export function replayVariantFileCommand(
  path: string,
  files: UserFiles,
  style: Style,
  print: (s: string) => void,
): number {
  const traces = isFolder(path) ? readTraceFolder(path) : [readTraceFile(path)];
  const { variants } = files;
  const recorded = new Set(traces.map((t) => t.trace.meta.variant));
  const chosen =
    variants.length === 1 ? variants[0] : variants.find((v) => recorded.has(v.spec.name));
  if (chosen === undefined) {
    const names = variants.map((v) => v.spec.name).join(', ');
    throw new InputError(
      `${files.variantFile} defines several variants (${names}): pick one with --variant`,
    );
  }
  return replayCommand(path, { variant: chosen, scenarios: files.scenarios }, style, print);
}

function modelNote(traces: readonly NamedTrace[], style: Style): string | undefined {
  const stale = traces.filter((t) => t.trace.meta.modelHash !== modelHash());
  if (stale.length === 0) return undefined;
  const which =
    stale.length === 1 ? `(${stale[0]!.trace.meta.modelHash}` : `(${stale.length} files`;
  return style.yellow(
    `  note: the model changed since ${stale.length === 1 ? 'this trace was' : 'these traces were'} written ${which}, now ${modelHash()})`,
  );
}

function replayFile(
  { name, trace }: NamedTrace,
  options: ReplayOptions,
  style: Style,
  print: (s: string) => void,
): number {
  const judged = judgeTrace({ name, trace }, options.variant, options.scenarios);
  const steps = trace.steps.length;
  print(
    `${style.bold(name)}: ${trace.meta.scenario} / ${trace.meta.variant}, ${trace.meta.invariant}, ${steps - 1} steps`,
  );
  const note = modelNote([{ name, trace }], style);
  if (note !== undefined) print(note);
  const ok = !judged.required || replaySucceeded(judged.verdict);
  const paint = !judged.required ? style.yellow : ok ? style.green : style.red;
  print(`  ${paint(judged.line)}`);
  return ok ? 0 : 1;
}

function replayFolder(
  traces: readonly NamedTrace[],
  options: ReplayOptions,
  style: Style,
  print: (s: string) => void,
): number {
  const all = replayAll(traces, options.variant, options.scenarios);
  for (const f of all.files) {
    const paint = !f.required ? style.yellow : replaySucceeded(f.verdict) ? style.green : style.red;
    const line = paint(f.line);
    print(`${style.bold(f.name)}: ${line}`);
  }
  const note = modelNote(traces, style);
  if (note !== undefined) print(note);
  const summary = summarize(all, options.variant !== undefined);
  print(all.ok ? style.green(summary) : style.red(summary));
  return all.ok ? 0 : 1;
}
