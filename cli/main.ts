/**
 * The clockcheck command line. Each command lives in commands/; this file parses arguments
 * (commander), turns bad input into one line on standard error with exit code 2, and sets the
 * process's exit code from what the command returns.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../check/inputError.ts';
import { SCENARIOS } from '../check/scenarios.ts';
import {
  loadUserFiles,
  NO_USER_FILES,
  type UserFileOptions,
  type UserFiles,
} from '../check/userFiles.ts';
import { TraceFileError } from '../counterexamples/traceFile.ts';
import { toolVersion } from '../counterexamples/modelHash.ts';
import {
  checkAllCommand,
  checkCommand,
  checkVariantFileCommand,
  type CheckOptions,
} from './commands/check.ts';
import { listJson, listText } from './commands/list.ts';
import { minimizeCommand } from './commands/minimize.ts';
import { replayCommand, replayVariantFileCommand } from './commands/replay.ts';
import { showCommand } from './commands/show.ts';
import { verifyFixCommand } from './commands/verifyFix.ts';
import { boundsFrom, explorationOptions } from './options.ts';
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

function style(program: Command, io: Io): Style {
  const { color } = program.opts<{ color?: boolean }>();
  return makeStyle(colorWanted(io.isTTY, color));
}

/**
 * A command's exit code, or for a command that loads a user's file (and so finishes
 * asynchronously) the work that yields it, started only by mainAsync.
 */
export type ExitCode = number | (() => Promise<number>);

export function buildProgram(io: Io, setExit: (code: ExitCode) => void): Command {
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
    .option('--scenario-file <file>', 'your own scenarios too (a file that exports defineScenario)')
    .action((o: { json?: boolean; scenarioFile?: string }) => {
      setExit(
        withUserFiles(
          o.scenarioFile === undefined ? {} : { scenarioFile: o.scenarioFile },
          (files) => {
            const all = [...SCENARIOS, ...files.scenarios];
            io.out(o.json === true ? listJson(all) : `${listText(style(program, io), all)}\n`);
            return 0;
          },
        ),
      );
    });

  explorationOptions(userFileOptions(program.command('check')))
    .description(
      'explore a scenario (every variant, or one) and report each invariant, exit 1 on a violation; ' +
        'or --all: every scenario against its expected verdicts, exit 1 on any surprise',
    )
    .argument('[scenario]', 'a scenario name (see clockcheck list); optional with --scenario-file')
    .option(
      '--all',
      'check the whole catalogue (and your scenario file’s) against the expected verdicts (the CI job)',
    )
    .option('--json <file>', 'with --all: write the verdicts as JSON')
    .option('--junit <file>', 'with --all: write the verdicts as JUnit XML')
    .option('--variant <name>', 'check only this variant')
    .option('--invariant <name>', 'check only this invariant')
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
      const fileOptions = userFilesFrom(o);
      if (fileOptions.variantFile !== undefined) {
        if (o['all'] === true)
          throw new InputError('--variant-file applies to one scenario, not to --all');
        if (options.json !== undefined || options.junit !== undefined)
          throw new InputError('--json and --junit go with --all');
        setExit(
          withUserFiles({ ...fileOptions, ...str('variant') }, (files) =>
            checkVariantFileCommand(scenario, files, options, style(program, io), print),
          ),
        );
        return;
      }
      if (o['all'] === true) {
        if (scenario !== undefined)
          throw new InputError(`--all checks every scenario: drop '${scenario}'`);
        for (const flag of ['variant', 'invariant'] as const) {
          if (options[flag] !== undefined)
            throw new InputError(`--${flag} applies to one scenario, not to --all`);
        }
        if (options.param.length > 0)
          throw new InputError('--param applies to one scenario, not to --all');
        setExit(
          withUserFiles(fileOptions, (files) =>
            checkAllCommand(options, style(program, io), print, files),
          ),
        );
        return;
      }
      if (scenario === undefined && fileOptions.scenarioFile === undefined)
        throw new InputError('name a scenario (see clockcheck list) or give --all');
      if (options.json !== undefined || options.junit !== undefined)
        throw new InputError('--json and --junit go with --all');
      setExit(
        withUserFiles(fileOptions, (files) =>
          checkCommand(scenario, options, style(program, io), print, files),
        ),
      );
    });

  userFileOptions(program.command('replay'))
    .description(
      're-execute a counterexample (or every one in a folder) on the current model; exit 0 if every ' +
        'violation reproduces, or with --variant, if every trace is neutralized',
    )
    .argument('<file>', 'a .itf.json counterexample, or a folder of them')
    .option(
      '--variant <name>',
      'replay on another variant of the same scenario (does the fix neutralize it?), or the one of your --variant-file',
    )
    .action((file: string, o: Record<string, unknown>) => {
      const variant = typeof o['variant'] === 'string' ? o['variant'] : undefined;
      const fileOptions = userFilesFrom(o);
      if (fileOptions.variantFile !== undefined) {
        setExit(
          withUserFiles(
            { ...fileOptions, ...(variant === undefined ? {} : { variant }) },
            (files) => replayVariantFileCommand(file, files, style(program, io), print),
          ),
        );
        return;
      }
      setExit(
        withUserFiles(fileOptions, (files) =>
          replayCommand(
            file,
            { ...(variant === undefined ? {} : { variant }), scenarios: files.scenarios },
            style(program, io),
            print,
          ),
        ),
      );
    });

  userFileOptions(program.command('minimize'))
    .description(
      'shrink a counterexample (fewer steps, smaller parameters and values) while the same invariant still fails',
    )
    .argument('<file>', 'a .itf.json counterexample')
    .option('--out <file>', 'where to write the result (default: FILE with .min.itf.json)')
    .option(
      '--keep-params',
      'keep the scenario parameters as recorded; only remove steps and shrink action values',
    )
    .option('--force', 'overwrite the output file if it exists')
    .action((file: string, o: Record<string, unknown>) => {
      const options = {
        force: o['force'] === true,
        keepParams: o['keepParams'] === true,
        ...(typeof o['out'] === 'string' ? { out: o['out'] } : {}),
      };
      setExit(
        withUserFiles(userFilesFrom(o), (files) =>
          minimizeCommand(file, options, style(program, io), print, files),
        ),
      );
    });

  userFileOptions(program.command('show'))
    .description(
      'a counterexample as a table: one row per step, a column per vCPU and the host; or --html: a timeline page',
    )
    .argument('<file>', 'a .itf.json counterexample')
    .option('--html <out>', 'write a self-contained HTML page with an SVG timeline instead')
    .option('--force', 'overwrite the HTML file if it exists')
    .action((file: string, o: Record<string, unknown>) => {
      const html = typeof o['html'] === 'string' ? { html: o['html'] } : {};
      setExit(
        withUserFiles(userFilesFrom(o), (files) =>
          showCommand(
            file,
            { ...html, force: o['force'] === true },
            style(program, io),
            print,
            files,
          ),
        ),
      );
    });

  explorationOptions(userFileOptions(program.command('verify-fix')))
    .description(
      'verify a proposed fix (from your own TypeScript file, or a variant by name): the baseline still ' +
        'violates, the fix holds within the bounds, every saved counterexample is neutralized; a verdict for the cover letter',
    )
    .argument(
      '[scenario]',
      'the scenario the fix is for (see clockcheck list); optional with --scenario-file',
    )
    .option(
      '--variant <name>',
      'the variant to verify: one of --variant-file’s, or of the scenario’s own',
    )
    .option('--json <file>', 'also write the verification as JSON')
    .option('--force', 'overwrite the JSON file if it exists')
    .option('--quiet', 'no progress line')
    .action((scenario: string | undefined, o: Record<string, unknown>) => {
      const fileOptions = userFilesFrom(o);
      const variant = typeof o['variant'] === 'string' ? o['variant'] : undefined;
      if (fileOptions.variantFile === undefined && variant === undefined)
        throw new InputError(
          'give the fix: --variant-file FILE (your own variant), or --variant NAME (one of the scenario’s)',
        );
      const options = {
        ...(variant === undefined ? {} : { variant }),
        ...(typeof o['json'] === 'string' ? { json: o['json'] } : {}),
        param: o['param'] as string[],
        bounds: boundsFrom(o),
        force: o['force'] === true,
        quiet: o['quiet'] === true,
      };
      const load =
        fileOptions.variantFile === undefined
          ? fileOptions
          : { ...fileOptions, ...(variant === undefined ? {} : { variant }) };
      setExit(
        withUserFiles(load, (files) =>
          verifyFixCommand(scenario, options, files, style(program, io), print),
        ),
      );
    });

  return program;
}

/** Adds --scenario-file and --variant-file (a user's own scenarios and variants). */
function userFileOptions(command: Command): Command {
  return command
    .option(
      '--scenario-file <file>',
      'your own scenarios: a TypeScript file that exports defineScenario({...})',
    )
    .option(
      '--variant-file <file>',
      'your own variants: a TypeScript file that exports defineVariant({...})',
    );
}

function userFilesFrom(o: Record<string, unknown>): UserFileOptions {
  return {
    ...(typeof o['scenarioFile'] === 'string' ? { scenarioFile: o['scenarioFile'] } : {}),
    ...(typeof o['variantFile'] === 'string' ? { variantFile: o['variantFile'] } : {}),
  };
}

/**
 * Runs `command` with the user's files loaded: at once when there are none (every command then
 * finishes synchronously), else once they are (loading a file is asynchronous).
 */
function withUserFiles(
  options: UserFileOptions & { readonly variant?: string },
  command: (files: UserFiles) => number,
): ExitCode {
  if (options.scenarioFile === undefined && options.variantFile === undefined)
    return command(NO_USER_FILES);
  return async () => command(await loadUserFiles(options));
}

function failure(e: unknown, io: Io): number {
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

/** Runs a command that finishes synchronously (every command but those loading a user's file). */
export function main(argv: readonly string[], io: Io = processIo): number {
  let exit: ExitCode = 0;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    return failure(e, io);
  }
  // A command that loads a user's file leaves its work unstarted here.
  const code = exit as ExitCode;
  if (typeof code !== 'number') {
    io.err(
      'clockcheck: internal error: this command finishes asynchronously: run it with mainAsync\n',
    );
    return 1;
  }
  return code;
}

/** Runs any command; what cli/bin.mjs calls. */
export async function mainAsync(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exit: ExitCode = 0;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    // Set by the action during parseAsync (control flow analysis cannot see that).
    const code = exit as ExitCode;
    return typeof code === 'number' ? code : await code();
  } catch (e) {
    return failure(e, io);
  }
}
