/**
 * `clockcheck check <scenario> [--variant V] [--invariant NAME]`: explore and report. Exit 1 when a
 * violation is found or a run is vacuous (a `sometimes` property the variant keeps was never
 * reached), 0 when neither (whatever the scenario expects), 3 when a run found none but was
 * truncated by a limit (a ✓ that no complete run supports), unless --allow-truncated.
 * `--scenario-file F` adds the user's scenarios (then the scenario name may be left out when F has
 * one); with `--variant-file FILE`, the variants come from the user's file and each is shown side
 * by side with its own base variant. `--json FILE` (or `-`, standard output) writes the runs as
 * data.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  judge,
  onlyTruncated,
  runCatalogue,
  vacuityProblems,
  vacuousOf,
  type Catalogue,
} from '../../check/catalogue.ts';
import { catalogueJunit } from '../../check/junitReport.ts';
import { catalogueJson, checkJson } from '../../check/reports.ts';
import { InputError } from '../../check/inputError.ts';
import { resolveTarget, type CustomVariant, type Target } from '../../check/resolve.ts';
import { SCENARIOS } from '../../check/scenarios.ts';
import {
  chooseScenario,
  fromUserFiles,
  NO_USER_FILES,
  type UserFiles,
} from '../../check/userFiles.ts';
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
}

/**
 * `check --all`: every (scenario, variant) of the catalogue, and of the user's scenario file,
 * against its expected verdicts, as one table. Exit 0 only if every verdict is as expected, every
 * run complete and none vacuous; 1 on any other surprise; 3 when the only surprise is a truncated
 * run (0 with --allow-truncated). Under GitHub Actions, each surprise is also an annotation and
 * the table goes into the job's step summary.
 */
export function checkAllCommand(
  options: CheckOptions,
  style: Style,
  print: (s: string) => void,
  files: UserFiles = NO_USER_FILES,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (options.out !== undefined)
    throw new InputError('--all writes several counterexamples: use --out-dir');
  for (const file of [options.json, options.junit])
    if (file !== undefined) assertReportWritable(file, options.force);
  const started = Date.now();
  const startedMs = performance.now();
  const progress = progressLine(options.quiet);
  const catalogue = runCatalogue(
    options.bounds,
    (entry) => {
      progress.done();
      if (options.outDir !== undefined)
        writeCounterexamples(entry.run, options.outDir, options.force);
    },
    [...SCENARIOS, ...files.scenarios],
    (target) => fromUserFiles(target, files),
  );
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

/** `check [scenario]`: every variant of the scenario (or the one asked for). */
export function checkCommand(
  scenarioName: string | undefined,
  options: CheckOptions,
  style: Style,
  print: (s: string) => void,
  files: UserFiles = NO_USER_FILES,
): number {
  const scenario = chooseScenario(files, scenarioName);
  const variants =
    options.variant !== undefined
      ? [options.variant]
      : scenario.variants
          .filter((v) => options.invariant === undefined || options.invariant in v.expected)
          .map((v) => v.name);
  if (variants.length === 0) {
    throw new InputError(
      `no variant of ${scenario.name} checks invariant '${options.invariant ?? ''}' (it checks: ${scenario.invariants.map((i) => i.name).join(', ')})`,
    );
  }
  const targets = variants.map((variant) =>
    fromUserFiles(
      resolveTarget({
        scenario,
        variant,
        params: options.param,
        ...(options.invariant === undefined ? {} : { invariant: options.invariant }),
      }),
      files,
    ),
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

/**
 * 1 for a violation, a model error or a vacuous run, 3 for a truncated run (unless allowed),
 * else 0.
 */
function exitFor(run: CheckRun, options: CheckOptions): number {
  if (run.result.status === 'error' || run.result.violations.length > 0) return 1;
  if (vacuousOf(run.result).length > 0) return 1;
  return !run.result.complete && !options.allowTruncated ? 3 : 0;
}

/**
 * `check [scenario] --variant-file FILE [--variant NAME]`: each of the file's variants, and each
 * one's own base variant, explored like built-in ones, then their verdicts side by side. The base's
 * column checks exactly what its variants check, their own invariants too (only --invariant's,
 * when given). The exit code is that of the file's variants (a base may be expected to violate).
 */
export function checkVariantFileCommand(
  scenarioName: string | undefined,
  files: UserFiles,
  options: CheckOptions,
  style: Style,
  print: (s: string) => void,
): number {
  const fixes = files.variants;
  const scenario = chooseScenario(files, scenarioName);
  for (const v of fixes)
    if (v.scenario !== scenario)
      throw new InputError(
        `${v.origin}: variant '${v.spec.name}' belongs to scenario ${v.scenario.name}, not ${scenario.name}`,
      );
  const common = { scenario, params: options.param };
  const only = options.invariant === undefined ? {} : { invariant: options.invariant };
  const fixTargets = fixes.map((variant: CustomVariant) =>
    fromUserFiles(resolveTarget({ ...common, variant, ...only }), files),
  );
  if (options.out !== undefined) {
    if (fixes.length > 1)
      throw new InputError(
        `--out names one file: ${files.variantFile} defines several variants: give --variant`,
      );
    assertWritable(options.out, options.force);
  }
  if (options.json !== undefined) assertReportWritable(options.json, options.force);
  // Each base once, checked for what its variants are checked for (that the base can check).
  const bases = [...new Set(fixes.map((f) => f.base))];
  const baseTargets = bases.map((base) => {
    const wanted = new Set(
      fixTargets
        .filter((t) => t.custom?.base === base)
        .flatMap((t) => t.invariants.map((inv) => inv.name)),
    );
    // The variants' own invariants are checked on their base too, to compare the two.
    const own = fixes.flatMap((f) => f.spec.invariants);
    const checkable = [...scenario.invariants, ...base.invariants, ...own]
      .map((inv) => inv.name)
      .filter((n, i, all) => wanted.has(n) && all.indexOf(n) === i);
    return fromUserFiles(
      resolveTarget({
        ...common,
        variant: base.name,
        invariants: checkable.length > 0 ? checkable : Object.keys(base.expected),
        invariantsFrom: own,
      }),
      files,
    );
  });

  const noFiles = { ...options, out: undefined, outDir: undefined };
  const runs: CheckRun[] = [];
  for (const target of baseTargets) {
    if (runs.length > 0) print('');
    runs.push(runAndReport(target, noFiles, style, print));
  }
  let exit = 0;
  for (const target of fixTargets) {
    print('');
    const run = runAndReport(target, options, style, print);
    runs.push(run);
    exit = Math.max(exit, exitFor(run, options));
  }
  print('');
  print(formatSideBySide(runs, files.variantFile ?? '', style));
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
  for (const problem of vacuityProblems(vacuousOf(run.result)))
    lines.push(style.red(`  ! ${problem}`));
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
      lines.push(`    replay it: npx clockcheck ${replayCommandFor(target, file)}`);
    }
  }
  return lines.join('\n');
}

/** The replay command for a counterexample of `target`, with the user's files it needs. */
function replayCommandFor(target: Target, file: string): string {
  const scenarioFile = target.scenario.origin;
  const variantFile = target.custom?.origin;
  return [
    'replay',
    file,
    ...(scenarioFile === undefined ? [] : ['--scenario-file', scenarioFile]),
    ...(variantFile === undefined ? [] : ['--variant-file', variantFile]),
  ].join(' ');
}
