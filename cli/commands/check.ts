/**
 * `clockcheck check <scenario> [--variant V] [--invariant NAME]`: explore and report. Exit 1 when a
 * violation is found, 0 when none is (whatever the scenario expects), 3 when --require-complete was
 * given and a run was truncated.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCatalogue } from '../../check/catalogue.ts';
import { catalogueJson, catalogueJunit } from '../../check/reports.ts';
import { InputError } from '../../check/inputError.ts';
import { findScenario, resolveTarget } from '../../check/resolve.ts';
import {
  counterexampleName,
  counterexampleText,
  runCheck,
  type Bounds,
  type CheckRun,
} from '../../check/runCheck.ts';
import { assertWritable, writeOutput } from '../files.ts';
import { formatCatalogue } from '../format/catalogueTable.ts';
import { formatRunHeader } from '../format/result.ts';
import { formatTrace, traceRows } from '../format/trace.ts';
import { progressLine } from '../progress.ts';
import type { Style } from '../style.ts';

export interface CheckOptions {
  readonly variant?: string;
  readonly invariant?: string;
  readonly param: readonly string[];
  readonly out?: string;
  readonly outDir?: string;
  readonly force: boolean;
  readonly requireComplete: boolean;
  readonly quiet: boolean;
  readonly bounds: Bounds;
  readonly json?: string;
  readonly junit?: string;
}

/**
 * `check --all`: every (scenario, variant) against its expected verdicts, as one table; exit 0
 * only if every verdict is as expected and every run complete.
 */
export function checkAllCommand(
  options: CheckOptions,
  style: Style,
  print: (s: string) => void,
): number {
  if (options.out !== undefined)
    throw new InputError('--all writes several counterexamples: use --out-dir');
  for (const file of [options.json, options.junit])
    if (file !== undefined) assertWritable(file, options.force);
  const started = performance.now();
  const progress = progressLine(options.quiet);
  const catalogue = runCatalogue(options.bounds, (entry) => {
    progress.done();
    if (options.outDir !== undefined)
      writeCounterexamples(entry.run, options.outDir, options.force);
  });
  progress.done();
  print(formatCatalogue(catalogue, style, performance.now() - started));
  if (options.json !== undefined)
    writeOutput(options.json, catalogueJson(catalogue), options.force);
  if (options.junit !== undefined)
    writeOutput(options.junit, catalogueJunit(catalogue), options.force);
  return catalogue.asExpected ? 0 : 1;
}

function writeCounterexamples(run: CheckRun, dir: string, force: boolean): void {
  for (const v of run.result.violations) {
    writeOutput(
      join(dir, counterexampleName(run.target, v.invariant)),
      counterexampleText(run.target, v),
      force,
    );
  }
}

export function checkCommand(
  scenarioName: string,
  options: CheckOptions,
  style: Style,
  print: (s: string) => void,
): number {
  const scenario = findScenario(scenarioName);
  const variants =
    options.variant !== undefined
      ? [options.variant]
      : scenario.variants
          .filter((v) => options.invariant === undefined || options.invariant in v.expected)
          .map((v) => v.name);
  if (variants.length === 0) {
    throw new InputError(
      `no variant of ${scenario.name} checks invariant '${options.invariant ?? ''}' (it checks: ${scenario.invariants.join(', ')})`,
    );
  }
  const targets = variants.map((variant) =>
    resolveTarget({
      scenario: scenarioName,
      variant,
      params: options.param,
      ...(options.invariant === undefined ? {} : { invariant: options.invariant }),
    }),
  );
  if (options.out !== undefined) {
    if (targets.length > 1)
      throw new InputError('--out names one file: give --variant too, or use --out-dir');
    assertWritable(options.out, options.force);
  }

  let exit = 0;
  for (const [i, target] of targets.entries()) {
    if (i > 0) print('');
    const progress = progressLine(options.quiet);
    const run = runCheck(target, options.bounds, progress.update);
    progress.done();
    print(formatRunHeader(run, style));
    print(reportViolations(run, options, style));
    if (run.result.status === 'error') exit = Math.max(exit, 1);
    if (run.result.violations.length > 0) exit = Math.max(exit, 1);
    if (options.requireComplete && !run.result.complete && exit === 0) exit = 3;
  }
  return exit;
}

function reportViolations(run: CheckRun, options: CheckOptions, style: Style): string {
  const { result, target } = run;
  const lines: string[] = [];
  if (result.error !== undefined) {
    lines.push(style.red(`  error in the model: ${result.error.message}`));
    lines.push(
      formatTrace(traceRows(result.error.trace.states, result.error.trace.actions), style),
    );
  }
  for (const inv of target.invariants) {
    const v = result.violations.find((x) => x.invariant === inv.name);
    if (v === undefined) {
      lines.push(
        result.complete
          ? style.green(`  ✓ ${inv.name} holds in every reachable state within the bounds`)
          : style.yellow(
              `  ? ${inv.name}: no violation found, but the run was not complete: not verified`,
            ),
      );
      continue;
    }
    lines.push(style.red(`  ✗ ${inv.name} violated at depth ${v.depth}`));
    lines.push(`    ${v.message}`);
    lines.push(formatTrace(traceRows(v.trace.states, v.trace.actions), style));
    const file =
      options.out ??
      (options.outDir === undefined
        ? undefined
        : join(options.outDir, counterexampleName(target, inv.name)));
    const isFirst = v === result.violations[0];
    if (file !== undefined && (options.outDir !== undefined || isFirst)) {
      writeOutput(file, counterexampleText(target, v), options.force);
      lines.push(`    counterexample written to ${file}`);
      lines.push(`    replay it: npx clockcheck replay ${file}`);
    }
  }
  return lines.join('\n');
}
