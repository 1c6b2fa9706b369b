/**
 * `clockcheck minimize FILE [--out FILE2] [--keep-params] [--force]`: a shorter counterexample with
 * smaller numbers that still breaks the same invariant, written as a new ITF file (by default
 * beside the input, `NAME.min.itf.json`; an existing file is never overwritten without --force).
 * Says which steps were removed and which parameters and action values shrank. Exit 0 when the
 * minimized trace was written, 2 on bad input (including a trace that no longer violates).
 */
import { minimizeTrace, type Minimized } from '../../counterexamples/minimize.ts';
import { modelHash, toolVersion } from '../../counterexamples/modelHash.ts';
import { readTraceFile } from '../../counterexamples/traceFiles.ts';
import { kernelOf } from '../../check/runCheck.ts';
import { NO_USER_FILES, type UserFiles } from '../../check/userFiles.ts';
import { serializeTrace, TRACE_SUFFIX } from '../../counterexamples/traceFile.ts';
import { describeAction } from '../../model/actions.ts';
import { assertWritable, writeOutput } from '../files.ts';
import type { Style } from '../style.ts';

export interface MinimizeOptions {
  readonly out?: string;
  readonly force: boolean;
  readonly keepParams: boolean;
}

/** `x.itf.json` → `x.min.itf.json`; any other name gets `.min.itf.json` appended. */
export function defaultMinimizedName(file: string): string {
  const stem = file.endsWith(TRACE_SUFFIX) ? file.slice(0, -TRACE_SUFFIX.length) : file;
  return `${stem}.min${TRACE_SUFFIX}`;
}

export function minimizeCommand(
  file: string,
  options: MinimizeOptions,
  style: Style,
  print: (s: string) => void,
  files: UserFiles = NO_USER_FILES,
): number {
  const out = options.out ?? defaultMinimizedName(file);
  assertWritable(out, options.force);
  const { trace } = readTraceFile(file);
  // A trace of a user's variant minimizes on that variant, from the file given.
  const own = files.variants.find((v) => v.spec.name === trace.meta.variant);
  const min = minimizeTrace(trace, {
    shrinkParams: !options.keepParams,
    ...(own === undefined ? {} : { variant: own }),
    scenarios: files.scenarios,
  });
  const { meta } = trace;
  const text = serializeTrace(
    {
      toolVersion: toolVersion(),
      scenario: meta.scenario,
      variant: meta.variant,
      params: min.target.params,
      invariant: meta.invariant,
      message: min.message,
      modelHash: modelHash(),
      ...kernelOf(min.target.variant),
    },
    min.states,
    min.actions,
  );
  const before = trace.steps.length - 1;
  print(
    `${style.bold(file)}: ${meta.scenario} / ${meta.variant}, ${meta.invariant}: ` +
      `${before} steps → ${min.actions.length} (${min.replays} candidate traces replayed)`,
  );
  for (const line of describeChanges(min)) print(`  ${line}`);
  print(style.red(`  ✗ ${meta.invariant} violated at step ${min.actions.length}: ${min.message}`));
  writeOutput(out, text, options.force);
  print(`  written to ${out}`);
  const needs = [
    ...(files.scenarioFile === undefined ? [] : [`--scenario-file ${files.scenarioFile}`]),
    ...(files.variantFile === undefined || own === undefined
      ? []
      : [`--variant-file ${files.variantFile}`]),
  ];
  print(`  replay it: npx clockcheck ${['replay', out, ...needs].join(' ')}`);
  return 0;
}

/** What minimizing changed, one line per kind of change. */
export function describeChanges(min: Minimized): string[] {
  const lines: string[] = [];
  if (min.removed.length > 0) {
    lines.push(
      `removed ${min.removed.length} step${min.removed.length === 1 ? '' : 's'}: ` +
        min.removed.map((r) => `${r.step} (${describeAction(r.action)})`).join(', '),
    );
  }
  if (min.paramChanges.length > 0) {
    lines.push(
      `parameters: ${min.paramChanges.map((c) => `${c.name} ${String(c.from)} → ${String(c.to)}`).join(', ')}`,
    );
  }
  for (const c of min.actionChanges) {
    const was = c.origin === c.step ? `step ${c.step}` : `step ${c.step} (was ${c.origin})`;
    lines.push(`${was}: ${describeAction(c.from)} → ${describeAction(c.to)}`);
  }
  if (lines.length === 0)
    lines.push('already minimal: no step could be removed, no parameter or value shrunk');
  return lines;
}
