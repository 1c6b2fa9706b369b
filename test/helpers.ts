/** Shared test helpers: building a scenario's model, running the CLI in-process or as a command. */
import { join } from 'node:path';
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

export function cli(...argv: string[]): CliRun {
  let out = '';
  let err = '';
  const code = main(argv, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: false,
  });
  return { code, out, err };
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
  return { code, out, err };
}

export const REPO = join(import.meta.dirname, '..');

/**
 * The clockcheck command from the sources, as `npx tsx cli/bin.ts` runs it: the arguments of
 * `node` (run in REPO, where tsx resolves), before clockcheck's own.
 */
export const SOURCE_BIN: readonly string[] = ['--import', 'tsx', join(REPO, 'cli/bin.ts')];
