/**
 * `clockcheck show FILE [--html OUT.html] [--force]`: a counterexample for people. As text: one
 * row per step, a column for the host and each vCPU, what each step changed and what each read
 * returned, and the violated invariant's message (fits 120 columns; colour only on a terminal).
 * With --html: one self-contained page with an SVG timeline and the step table, written atomically
 * and never over an existing file without --force. A trace of a user's scenario or variant needs
 * its files (--scenario-file, --variant-file), as replay does.
 */
import { NO_USER_FILES, type UserFiles } from '../../check/userFiles.ts';
import { readTraceFile } from '../../counterexamples/traceFiles.ts';
import { assertWritable, writeOutput } from '../files.ts';
import { formatShowText } from '../format/showText.ts';
import { stepTable } from '../format/stepCells.ts';
import { timelineHtml } from '../format/timeline/html.ts';
import type { Style } from '../style.ts';

export interface ShowOptions {
  readonly html?: string;
  readonly force: boolean;
}

export function showCommand(
  file: string,
  options: ShowOptions,
  style: Style,
  print: (s: string) => void,
  files: UserFiles = NO_USER_FILES,
): number {
  if (options.html !== undefined) assertWritable(options.html, options.force);
  const { trace } = readTraceFile(file);
  const own = files.variants.find((v) => v.spec.name === trace.meta.variant);
  const context = { ...(own === undefined ? {} : { variant: own }), scenarios: files.scenarios };
  const table = stepTable(trace);
  if (options.html === undefined) {
    print(formatShowText(trace, table, style));
    return 0;
  }
  writeOutput(options.html, timelineHtml(trace, table, file, context), options.force);
  print(`timeline of ${file} written to ${options.html}`);
  return 0;
}
