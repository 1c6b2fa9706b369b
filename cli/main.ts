/**
 * The clockcheck command line. Each command lives in commands/; this file parses arguments
 * (commander), turns bad input into one line on standard error with exit code 2, and sets the
 * process's exit code from what the command returns.
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../check/inputError.ts';
import type { Bounds } from '../check/runCheck.ts';
import { TraceFileError } from '../counterexamples/traceFile.ts';
import { toolVersion } from '../counterexamples/modelHash.ts';
import { checkAllCommand, checkCommand, type CheckOptions } from './commands/check.ts';
import { listJson, listText } from './commands/list.ts';
import { replayCommand } from './commands/replay.ts';
import { colorWanted, makeStyle, type Style } from './style.ts';

/** Where the command writes; the tests pass their own. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether standard output is a terminal (for colours). */
  readonly isTTY: boolean;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
};

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

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function style(program: Command, io: Io): Style {
  const { color } = program.opts<{ color?: boolean }>();
  return makeStyle(colorWanted(io.isTTY, color));
}

function boundsFrom(o: {
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

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const print = (text: string): void => io.out(`${text}\n`);
  const program = new Command('clockcheck')
    .description('A bounded model checker for the clocks of virtualized Linux')
    .version(toolVersion())
    .option('--no-color', 'no colours, even on a terminal (NO_COLOR is honoured too)')
    .exitOverride()
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (text) => io.err(`clockcheck: ${text.replace(/^error: /, '')}`),
    });

  program
    .command('list')
    .description(
      'list the scenarios, their variants with the expected verdicts, and their parameters',
    )
    .option('--json', 'as JSON, with each parameter’s meaning, default and allowed range')
    .action((o: { json?: boolean }) => {
      io.out(o.json === true ? listJson() : `${listText(style(program, io))}\n`);
      setExit(0);
    });

  program
    .command('check')
    .description(
      'explore a scenario (every variant, or one) and report each invariant, exit 1 on a violation; ' +
        'or --all: every scenario against its expected verdicts, exit 1 on any surprise',
    )
    .argument('[scenario]', 'a scenario name (see clockcheck list)')
    .option('--all', 'check the whole catalogue against the expected verdicts (the CI job)')
    .option('--json <file>', 'with --all: write the verdicts as JSON')
    .option('--junit <file>', 'with --all: write the verdicts as JUnit XML')
    .option('--variant <name>', 'check only this variant')
    .option('--invariant <name>', 'check only this invariant')
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
    )
    .option(
      '--stop-on-violation',
      'stop at the first violation instead of checking every invariant to the end',
    )
    .option('--out <file>', 'write the (first) counterexample to this .itf.json file')
    .option(
      '--out-dir <dir>',
      'write every counterexample as <dir>/<scenario>/<variant>.<invariant>.itf.json',
    )
    .option('--force', 'overwrite output files that exist')
    .option('--require-complete', 'exit 3 when a run without violations was truncated by a limit')
    .option('--quiet', 'no progress line')
    .action((scenario: string | undefined, o: Record<string, unknown>) => {
      const str = (key: string) => (typeof o[key] === 'string' ? { [key]: o[key] as string } : {});
      const options: CheckOptions = {
        ...str('variant'),
        ...str('invariant'),
        ...str('out'),
        ...str('outDir'),
        ...str('json'),
        ...str('junit'),
        param: o['param'] as string[],
        force: o['force'] === true,
        requireComplete: o['requireComplete'] === true,
        quiet: o['quiet'] === true,
        bounds: boundsFrom(o),
      };
      if (o['all'] === true) {
        if (scenario !== undefined)
          throw new InputError(`--all checks every scenario: drop '${scenario}'`);
        for (const flag of ['variant', 'invariant'] as const) {
          if (options[flag] !== undefined)
            throw new InputError(`--${flag} applies to one scenario, not to --all`);
        }
        if (options.param.length > 0)
          throw new InputError('--param applies to one scenario, not to --all');
        setExit(checkAllCommand(options, style(program, io), print));
        return;
      }
      if (scenario === undefined)
        throw new InputError('name a scenario (see clockcheck list) or give --all');
      if (options.json !== undefined || options.junit !== undefined)
        throw new InputError('--json and --junit go with --all');
      setExit(checkCommand(scenario, options, style(program, io), print));
    });

  program
    .command('replay')
    .description(
      're-execute a counterexample file on the current model; exit 0 if its violation reproduces',
    )
    .argument('<file>', 'a .itf.json counterexample')
    .option(
      '--variant <name>',
      'replay on another variant of the same scenario (does the fix neutralize it?)',
    )
    .action((file: string, o: { variant?: string }) => {
      setExit(replayCommand(file, o, style(program, io), print));
    });

  return program;
}

export function main(argv: readonly string[], io: Io = processIo): number {
  let exit = 0;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  try {
    program.parse(argv, { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
        ? 0
        : 2;
    }
    if (e instanceof InputError || e instanceof TraceFileError) {
      io.err(`clockcheck: ${e.message}\n`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(`clockcheck: internal error: ${message}\n`);
    if (process.env['CLOCKCHECK_DEBUG'] !== undefined && e instanceof Error) io.err(`${e.stack}\n`);
    return 1;
  }
}
