/**
 * `clockcheck verify-fix [scenario] --variant-file FILE [--variant NAME] [--json FILE]`: the four
 * steps of check/verifyFix.ts, printed: the baseline's violation with its shortest counterexample,
 * the fix's exhaustive run, every saved counterexample replayed against the fix, and the verdict
 * for a cover letter. The fix is the variant file's, or (without one) the scenario's own variant
 * --variant names; `--scenario-file` gives a scenario of the user's. Exit 0 when the fix is
 * verified, 1 when it is not, 2 on bad input.
 */
import { InputError } from '../../check/inputError.ts';
import { findVariant, type CustomVariant } from '../../check/resolve.ts';
import type { Bounds } from '../../check/runCheck.ts';
import { chooseScenario, fromUserFiles, type UserFiles } from '../../check/userFiles.ts';
import type { Scenario } from '../../model/scenarios/index.ts';
import { verificationJson, verifyFix, type CounterexampleReplay } from '../../check/verifyFix.ts';
import { describeAction } from '../../model/actions.ts';
import { assertReportWritable, writeReport } from '../files.ts';
import { formatRunHeader } from '../format/result.ts';
import { progressLine } from '../progress.ts';
import type { Style } from '../style.ts';
import { reportViolations } from './check.ts';

export interface VerifyFixOptions {
  readonly variant?: string;
  readonly param: readonly string[];
  readonly bounds: Bounds;
  readonly json?: string;
  readonly force: boolean;
  readonly quiet: boolean;
  /** Where `--json -` writes (standard output). */
  readonly stdout?: (text: string) => void;
}

function replayLine(r: CounterexampleReplay, fix: string, style: Style): string {
  const what =
    r.outcome === 'neutralized'
      ? style.green(`neutralized: ${r.invariant} holds on every step under ${fix}`)
      : r.outcome === 'diverged'
        ? // It says nothing about the fix either way.
          style.yellow(
            `diverged at step ${r.step}: ${r.action === undefined ? r.message : `${describeAction(r.action)} is not enabled under ${fix}`}`,
          )
        : (r.required ? style.red : style.yellow)(`still violated at step ${r.step}: ${r.message}`);
  const counted = r.required
    ? ''
    : style.dim(` (${r.invariant} is not required of ${fix}: not counted)`);
  return `  ${r.file.split('/').pop()!} (${r.steps} steps)\n      ${what}${counted}`;
}

/** The fix: the variant file's (the one --variant names), or the scenario's own variant named. */
function chooseFix(
  scenario: Scenario,
  files: UserFiles,
  variant: string | undefined,
): CustomVariant {
  if (files.variants.length > 0) {
    if (files.variants.length > 1)
      throw new InputError(
        `${files.variantFile} defines several variants (${files.variants.map((v) => v.spec.name).join(', ')}): choose one with --variant`,
      );
    const fix = files.variants[0]!;
    if (fix.scenario !== scenario)
      throw new InputError(
        `${files.variantFile}: variant '${fix.spec.name}' belongs to scenario ${fix.scenario.name}, not ${scenario.name}`,
      );
    return fix;
  }
  const spec = findVariant(scenario, variant!);
  if (spec.name === scenario.baseline)
    throw new InputError(
      `${spec.name} is ${scenario.name}'s baseline (its bug), not a fix: name another variant`,
    );
  return { scenario, spec, base: spec, origin: scenario.origin ?? 'the catalogue' };
}

export function verifyFixCommand(
  scenarioName: string | undefined,
  options: VerifyFixOptions,
  files: UserFiles,
  style: Style,
  print: (s: string) => void,
): number {
  const scenario = chooseScenario(files, scenarioName);
  if (options.json !== undefined) assertReportWritable(options.json, options.force);
  const fix = chooseFix(scenario, files, options.variant);
  const where = fix.origin === 'the catalogue' ? 'built in' : fix.origin;

  const progress = progressLine(options.quiet);
  const v = verifyFix(fix, {
    params: options.param,
    bounds: options.bounds,
    prepare: (target) => fromUserFiles(target, files),
    ...(progress.update === undefined ? {} : { onProgress: progress.update }),
  });
  progress.done();
  const fixName = v.fix.run.target.variant.name;
  const noFiles = { force: false };

  print(
    style.bold(`1. the baseline, ${v.baseline.run.target.variant.name}: does the bug reproduce?`),
  );
  print(formatRunHeader(v.baseline.run, style));
  print(reportViolations(v.baseline.run, noFiles, style));
  print('');
  print(style.bold(`2. the fix, ${fixName} (${where}), within the same bounds`));
  print(formatRunHeader(v.fix.run, style));
  print(reportViolations(v.fix.run, noFiles, style));
  print('');
  print(style.bold(`3. the saved counterexamples of ${v.scenario}, replayed against ${fixName}`));
  const older = v.replays.filter((r) => r.modelChanged).length;
  if (older > 0)
    print(
      style.dim(
        `  note: ${older} of them were written by an earlier model (another model hash); they replay on today's`,
      ),
    );
  print(
    v.replays.length === 0
      ? '  (none saved)'
      : v.replays.map((r) => replayLine(r, fixName, style)).join('\n'),
  );
  print('');
  print(style.bold('4. verdict'));
  for (const p of v.problems) print(style.red(`  ! ${p}`));
  print(v.verdict.map((line) => `  ${line}`).join('\n'));
  if (options.json !== undefined)
    writeReport(options.json, verificationJson(v), options.force, options.stdout);
  return v.verified ? 0 : 1;
}
