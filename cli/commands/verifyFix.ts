/**
 * `clockcheck verify-fix <scenario> --variant-file FILE [--variant NAME] [--json FILE]`: the four
 * steps of check/verifyFix.ts, printed: the baseline's violation with its shortest counterexample,
 * the fix's exhaustive run, every saved counterexample replayed against the fix, and the verdict
 * for a cover letter. Exit 0 when the fix is verified, 1 when it is not, 2 on bad input.
 */
import { InputError } from '../../check/inputError.ts';
import { findScenario } from '../../check/resolve.ts';
import type { Bounds } from '../../check/runCheck.ts';
import { loadVariantFile } from '../../check/variantFile.ts';
import { verificationJson, verifyFix, type CounterexampleReplay } from '../../check/verifyFix.ts';
import { describeAction } from '../../model/actions.ts';
import { assertReportWritable, writeReport } from '../files.ts';
import { formatRunHeader } from '../format/result.ts';
import { progressLine } from '../progress.ts';
import type { Style } from '../style.ts';
import { reportViolations } from './check.ts';

export interface VerifyFixOptions {
  readonly variantFile: string;
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
        ? style.green(
            `diverged at step ${r.step}: ${r.action === undefined ? r.message : `${describeAction(r.action)} is not enabled under ${fix}`}`,
          )
        : (r.required ? style.red : style.yellow)(`still violated at step ${r.step}: ${r.message}`);
  const counted = r.required
    ? ''
    : style.dim(` (${r.invariant} is not required of ${fix}: not counted)`);
  return `  ${r.file.split('/').pop()!} (${r.steps} steps)\n      ${what}${counted}`;
}

export async function verifyFixCommand(
  scenarioName: string,
  options: VerifyFixOptions,
  style: Style,
  print: (s: string) => void,
): Promise<number> {
  const scenario = findScenario(scenarioName);
  if (options.json !== undefined) assertReportWritable(options.json, options.force);
  const variants = await loadVariantFile(options.variantFile, options.variant);
  if (variants.length > 1)
    throw new InputError(
      `${options.variantFile} defines several variants (${variants.map((v) => v.spec.name).join(', ')}): choose one with --variant`,
    );
  const fix = variants[0]!;
  if (fix.scenario !== scenario.name)
    throw new InputError(
      `${options.variantFile}: variant '${fix.spec.name}' belongs to scenario ${fix.scenario}, not ${scenario.name}`,
    );

  const progress = progressLine(options.quiet);
  const v = verifyFix(fix, {
    params: options.param,
    bounds: options.bounds,
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
  print(style.bold(`2. the fix, ${fixName} (${options.variantFile}), within the same bounds`));
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
