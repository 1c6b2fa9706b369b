/** Shared test helpers: building a scenario's model, running the CLI in-process or as a command. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportName } from '../check/reportSchemas.ts';
import { expectValidReport } from './reports.ts';
import { resolveTarget, type Target } from '../check/resolve.ts';
import { main, mainAsync } from '../cli/main.ts';

export function target(
  scenario: string,
  variant: string,
  params: Record<string, number | boolean> = {},
  invariant?: string,
): Target {
  return resolveTarget({
    scenario,
    variant,
    params,
    ...(invariant === undefined ? {} : { invariant }),
  });
}

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Every `--json` report a CLI run of the tests writes is checked against its shipped schema: the
 * report on standard output (`--json -`, `list --json`) or in the file named.
 */
function validateReports(argv: readonly string[], run: CliRun): void {
  if (run.code === 2) return;
  const at = argv.indexOf('--json');
  if (at < 0) return;
  const command = argv.find((a) => !a.startsWith('-'));
  const name: ReportName | undefined =
    command === 'list'
      ? 'list'
      : command === 'verify-fix'
        ? 'verify-fix'
        : command === 'check'
          ? argv.includes('--all')
            ? 'check-all'
            : 'check'
          : undefined;
  if (name === undefined) return;
  const file = name === 'list' ? '-' : argv[at + 1]!;
  if (file === '-') expectValidReport(name, run.out);
  else if (existsSync(file)) expectValidReport(name, readFileSync(file, 'utf8'));
}

export function cli(...argv: string[]): CliRun {
  let out = '';
  let err = '';
  const code = main(argv, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: false,
  });
  const run = { code, out, err };
  validateReports(argv, run);
  return run;
}

/** The CLI in-process, for commands that finish asynchronously (those loading a variant file). */
export async function cliAsync(...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await mainAsync(argv, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: false,
  });
  const run = { code, out, err };
  validateReports(argv, run);
  return run;
}

export const REPO = join(import.meta.dirname, '..');

/**
 * The clockcheck command from the sources, as `npx tsx cli/bin.ts` runs it: the arguments of
 * `node` (run in REPO, where tsx resolves), before clockcheck's own.
 */
export const SOURCE_BIN: readonly string[] = ['--import', 'tsx', join(REPO, 'cli/bin.ts')];
