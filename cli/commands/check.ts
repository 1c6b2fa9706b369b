/**
 * `clockcheck check <scenario> [--variant V] [--invariant NAME]`: explore and report. Exit 1 when a
 * violation is found, 0 when none is (whatever the scenario expects), 3 when a run found none but
 * was truncated by a limit (a ✓ that no complete run supports), unless --allow-truncated. With
 * `--variant-file FILE`, the variants come from the user's file and each is shown side by side
 * with the scenario's baseline. `--json FILE` (or `-`, standard output) writes the runs as data.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { judge, onlyTruncated, runCatalogue, type Catalogue } from '../../check/catalogue.ts';
import { catalogueJunit } from '../../check/junitReport.ts';
import { catalogueJson, checkJson } from '../../check/reports.ts';
import { InputError } from '../../check/inputError.ts';
import { findScenario, resolveTarget, type Target } from '../../check/resolve.ts';
import { loadVariantFile } from '../../check/variantFile.ts';
import {
  counterexampleName,
  counterexampleText,
  runCheck,
  type Bounds,
  type CheckRun,
} from '../../check/runCheck.ts';
import { githubActions } from '../githubActions.ts';
import { assertReportWritable, assertWritable, writeOutput, writeReport } from '../files.ts';
import { formatCatalogue } from '../format/catalogueTable.ts';
import { formatRunHeader } from '../format/result.ts';
import { formatSideBySide } from '../format/sideBySide.ts';
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
  /** A run truncated by a limit exits 0 rather than 3 (the user bounded it on purpose). */
  readonly allowTruncated: boolean;
  readonly quiet: boolean;
  readonly bounds: Bounds;
  readonly json?: string;
  readonly junit?: string;
  /** Where a report named `-` goes (standard output). */
  readonly stdout?: (text: string) => void;
  /** A user's TypeScript file of variants (then --variant picks one of them). */
  readonly variantFile?: string;
}

/**
 * `check --all`: every (scenario, variant) against its expected verdicts, as one table. Exit 0
 * only if every verdict is as expected and every run complete; 1 on any other surprise; 3 when
 * the only surprise is a truncated run (0 with --allow-truncated). Under GitHub Actions, each
 * surprise is also an annotation and the table goes into the job's step summary.
 */
export function checkAllCommand(
  options: CheckOptions,
  style: Style,
  print: (s: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (options.out !== undefined)
    throw new InputError('--all writes several counterexamples: use --out-dir');
  for (const file of [options.json, options.junit])
    if (file !== undefined) assertReportWritable(file, options.force);
  const started = Date.now();
  const startedMs = performance.now();
  const progress = progressLine(options.quiet);
  const catalogue = runCatalogue(options.bounds, (entry) => {
    progress.done();
    if (options.outDir !== undefined)
      writeCounterexamples(entry.run, options.outDir, options.force);
  });
  progress.done();
  const elapsedMs = performance.now() - startedMs;
  print(formatCatalogue(catalogue, style, elapsedMs));
  if (options.json !== undefined)
    writeReport(options.json, catalogueJson(catalogue), options.force, options.stdout);
  if (options.junit !== undefined)
    writeReport(
      options.junit,
      catalogueJunit(catalogue, {
        startedAt: new Date(started),
        elapsedMs,
        allowTruncated: options.allowTruncated,
      }),
      options.force,
      options.stdout,
    );
  githubActions(env)?.report(catalogue, options.allowTruncated, elapsedMs, print);
  return catalogueExit(catalogue, options.allowTruncated);
}

function catalogueExit(c: Catalogue, allowTruncated: boolean): number {
  const wrong = c.entries.filter((e) => !e.asExpected);
  if (wrong.length === 0) return 0;
  if (!wrong.every(onlyTruncated)) return 1;
  return allowTruncated ? 0 : 3;
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
  if (options.json !== undefined) assertReportWritable(options.json, options.force);

  const runs: CheckRun[] = [];
  for (const [i, target] of targets.entries()) {
    if (i > 0) print('');
    runs.push(runAndReport(target, options, style, print));
  }
  writeCheckJson(scenario.name, runs, options);
  return runs.reduce((exit, run) => Math.max(exit, exitFor(run, options)), 0);
}

function writeCheckJson(scenario: string, runs: readonly CheckRun[], options: CheckOptions): void {
  if (options.json === undefined) return;
  writeReport(options.json, checkJson(scenario, runs.map(judge)), options.force, options.stdout);
}

function runAndReport(
  target: Target,
  options: CheckOptions,
  style: Style,
  print: (s: string) => void,
): CheckRun {
  const progress = progressLine(options.quiet);
  const run = runCheck(target, options.bounds, progress.update);
  progress.done();
  print(formatRunHeader(run, style));
  print(reportViolations(run, options, style));
  return run;
}

/** 1 for a violation or a model error, 3 for a truncated run (unless allowed), else 0. */
function exitFor(run: CheckRun, options: CheckOptions): number {
  if (run.result.status === 'error' || run.result.violations.length > 0) return 1;
  return !run.result.complete && !options.allowTruncated ? 3 : 0;
}

/**
 * `check <scenario> --variant-file FILE [--variant NAME]`: the scenario's baseline and each of the
 * file's variants, explored like built-in ones, then their verdicts side by side. The exit code is
 * that of the file's variants (the baseline is expected to violate).
 */
export async function checkVariantFileCommand(
  scenarioName: string,
  file: string,
  options: CheckOptions,
  style: Style,
  print: (s: string) => void,
): Promise<number> {
  const scenario = findScenario(scenarioName);
  const variants = await loadVariantFile(file, options.variant);
  const common = { scenario: scenario.name, params: options.param };
  const fixes = variants.map((variant) =>
    resolveTarget({
      ...common,
      variant,
      ...(options.invariant === undefined ? {} : { invariant: options.invariant }),
    }),
  );
  // The baseline is checked for every invariant a variant of the file is, to compare them.
  const checked = new Set(fixes.flatMap((t) => t.invariants.map((inv) => inv.name)));
  const baseline = scenario.variants.find((v) => v.name === scenario.baseline)!;
  for (const name of Object.keys(baseline.expected))
    if (options.invariant === undefined) checked.add(name);
  const baseTarget = resolveTarget({ ...common, variant: baseline.name, invariants: [...checked] });
  if (options.out !== undefined) {
    if (fixes.length > 1)
      throw new InputError(
        `--out names one file: ${file} defines several variants: give --variant`,
      );
    assertWritable(options.out, options.force);
  }
  if (options.json !== undefined) assertReportWritable(options.json, options.force);

  const baseRun = runAndReport(
    baseTarget,
    { ...options, out: undefined, outDir: undefined },
    style,
    print,
  );
  let exit = 0;
  const runs = [baseRun];
  for (const target of fixes) {
    print('');
    const run = runAndReport(target, options, style, print);
    runs.push(run);
    exit = Math.max(exit, exitFor(run, options));
  }
  print('');
  print(formatSideBySide(runs, file, style));
  writeCheckJson(scenario.name, runs, options);
  return exit;
}

export function reportViolations(
  run: CheckRun,
  options: Pick<CheckOptions, 'out' | 'outDir' | 'force'>,
  style: Style,
): string {
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
      // `clockcheck replay` resolves the recorded variant by name: a built-in one only.
      if (target.custom === undefined) lines.push(`    replay it: npx clockcheck replay ${file}`);
    }
  }
  return lines.join('\n');
}
