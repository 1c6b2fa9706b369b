/**
 * `clockcheck replay FILE [--variant V]`: re-execute a counterexample on today's model. Exit 0 when
 * the recorded violation reproduces step for step, 1 when it does not, 2 on bad input.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../check/inputError.ts';
import { describeOutcome, replayTrace } from '../../counterexamples/replay.ts';
import { modelHash } from '../../counterexamples/modelHash.ts';
import { parseTraceFile } from '../../counterexamples/traceFile.ts';
import type { Style } from '../style.ts';

export function replayCommand(
  file: string,
  options: { readonly variant?: string },
  style: Style,
  print: (s: string) => void,
): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const trace = parseTraceFile(text, file);
  const replay = replayTrace(trace, options);
  const steps = trace.steps.length;
  print(
    `${style.bold(file)}: ${trace.meta.scenario} / ${trace.meta.variant}, ${trace.meta.invariant}, ${steps - 1} steps`,
  );
  if (trace.meta.modelHash !== modelHash()) {
    print(
      style.yellow(
        `  note: the model changed since this trace was written (${trace.meta.modelHash}, now ${modelHash()})`,
      ),
    );
  }
  const line = describeOutcome(replay, steps);
  const o = replay.outcome;
  // On its own variant the recorded violation must reproduce step for step; on another variant
  // (a proposed fix), success is that the trace no longer breaks the invariant.
  const ok = replay.sameVariant
    ? o.kind === 'violated' && o.step === steps - 1
    : o.kind !== 'violated';
  print(`  ${ok ? style.green(line) : style.red(line)}`);
  return ok ? 0 : 1;
}
