/**
 * Options of the commands that explore (check, verify-fix), their parsers, and the Bounds they
 * make. Every parser turns a bad value into an InputError: one line, exit 2.
 */
import { Option, type Command } from 'commander';
import { InputError } from '../check/inputError.ts';
import type { Bounds } from '../check/runCheck.ts';

function positiveInteger(flag: string) {
  return (text: string): number => {
    const n = Number(text.replaceAll('_', ''));
    if (!/^\d[\d_]*$/.test(text) || !Number.isSafeInteger(n) || n < 0) {
      throw new InputError(`${flag} must be a non-negative integer, not '${text}'`);
    }
    return n;
  };
}

function positiveSeconds(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0))
    throw new InputError(`--max-time must be a positive number of seconds, not '${text}'`);
  return n;
}

const MAX_WORKERS = 64;

function workerCount(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !(n >= 1 && n <= MAX_WORKERS))
    throw new InputError(
      `--workers must be a whole number from 1 to ${MAX_WORKERS}, not '${text}'`,
    );
  return n;
}

function mebibytes(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !(n > 0))
    throw new InputError(`--max-memory must be a positive whole number of MiB, not '${text}'`);
  return n;
}

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function boundsFrom(o: {
  maxDepth?: number;
  maxStates?: number;
  maxTime?: number;
  maxMemory?: number;
  exact?: boolean;
  stopOnViolation?: boolean;
  symmetry?: boolean;
  workers?: number;
}): Bounds {
  if (o.exact === true && o.workers !== undefined && o.workers > 1)
    throw new InputError('--exact runs on one thread: drop --workers or --exact');
  return {
    ...(o.maxDepth === undefined ? {} : { maxDepth: o.maxDepth }),
    ...(o.maxStates === undefined ? {} : { maxStates: o.maxStates }),
    ...(o.maxTime === undefined ? {} : { maxTimeMs: o.maxTime * 1000 }),
    ...(o.maxMemory === undefined ? {} : { maxMemoryBytes: o.maxMemory * 2 ** 20 }),
    exact: o.exact === true,
    stopOnViolation: o.stopOnViolation === true,
    symmetry: o.symmetry !== false,
    ...(o.workers === undefined ? {} : { workers: o.workers }),
  };
}

/** Adds the scenario-parameter, bound and engine options to an exploring command. */
export function explorationOptions(command: Command): Command {
  return command
    .option('--param <name=value>', 'override a scenario parameter (repeatable)', collect, [])
    .addOption(
      new Option('--max-depth <n>', 'do not expand states at this depth').argParser(
        positiveInteger('--max-depth'),
      ),
    )
    .addOption(
      new Option('--max-states <n>', 'stop after this many distinct states').argParser(
        positiveInteger('--max-states'),
      ),
    )
    .addOption(
      new Option('--max-time <seconds>', 'stop after this long').argParser(positiveSeconds),
    )
    .addOption(
      new Option(
        '--max-memory <MiB>',
        "stop when the explorer's arrays and the JavaScript heap reach this size",
      ).argParser(mebibytes),
    )
    .option('--exact', 'key visited states on their full encoding instead of 64-bit fingerprints')
    .option(
      '--no-symmetry',
      'store every state, not one per class of interchangeable pCPUs, vCPUs and tasks',
    )
    .addOption(
      new Option(
        '--workers <n>',
        'explore on n worker threads (same states, verdicts and traces as one thread)',
      ).argParser(workerCount),
    );
}
