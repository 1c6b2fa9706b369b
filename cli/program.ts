/**
 * The clockcheck command line. Each command lives in commands/; this file parses arguments
 * (commander), turns bad input into one line on standard error with exit code 2, and sets the
 * process's exit code from what the command returns. It loads a command's module, and the
 * catalogue and the user's files, only when that command runs (through a CommandLoader), so that
 * starting clockcheck costs little more than starting Node: `--version` loads none of them, and
 * `check` no trace reader, HTML renderer or user-file loader.
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../check/inputError.ts';
import { toolVersion } from '../check/packageRoot.ts';
import type { UserFileOptions, UserFiles } from '../check/userFiles.ts';
import type { Scenario } from '../model/scenarios/index.ts';
import type { CheckOptions } from './commands/check.ts';
import { boundsFrom, explorationOptions } from './options.ts';
import { colorWanted, makeStyle, type Style } from './style.ts';

/** The modules a command may need, by name: the commands', the catalogue, the user-file loader. */
export interface Commands {
  readonly check: typeof import('./commands/check.ts');
  readonly list: typeof import('./commands/list.ts');
  readonly minimize: typeof import('./commands/minimize.ts');
  readonly replay: typeof import('./commands/replay.ts');
  readonly show: typeof import('./commands/show.ts');
  readonly verifyFix: typeof import('./commands/verifyFix.ts');
  readonly scenarios: typeof import('../check/scenarios.ts');
  readonly userFiles: typeof import('../check/userFiles.ts');
}

/** No user files (what check/userFiles.ts calls NO_USER_FILES, without loading it). */
const NONE: UserFiles = { scenarios: [], variants: [] };

/** A module: at once (imported already) or once its import finishes. */
export type CommandLoader = <K extends keyof Commands>(
  name: K,
) => Commands[K] | Promise<Commands[K]>;

/** Where the command writes; the tests pass their own. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether standard output is a terminal (for colours). */
  readonly isTTY: boolean;
  /** Whether standard error is (for colours of the text that goes there). */
  readonly isErrTTY?: boolean;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  isErrTTY: process.stderr.isTTY === true,
};

/** The colours of the human text, on standard output or (`toErr`) standard error. */
function style(program: Command, io: Io, toErr = false): Style {
  const { color } = program.opts<{ color?: boolean }>();
  return makeStyle(colorWanted(toErr ? io.isErrTTY === true : io.isTTY, color));
}

/**
 * Where a command's human text goes: standard output, or standard error when a report is written
 * to standard output (`--json -`, `--junit -`), so that the report stays parseable.
 */
function humanOutput(
  program: Command,
  io: Io,
  reports: readonly (string | undefined)[],
): { print: (text: string) => void; style: Style } {
  const toStdout = reports.filter((r) => r === '-').length;
  if (toStdout > 1)
    throw new InputError(
      'only one report can go to standard output (-): write the other to a file',
    );
  const toErr = toStdout === 1;
  const write = toErr ? io.err : io.out;
  return { print: (text) => write(`${text}\n`), style: style(program, io, toErr) };
}

/**
 * A command's exit code, or for a command that loads a user's file (and so finishes
 * asynchronously) the work that yields it, started only by mainAsync.
 */
export type ExitCode = number | (() => Promise<number>);

export function buildProgram(
  io: Io,
  setExit: (code: ExitCode) => void,
  load: CommandLoader,
): Command {
  const print = (text: string): void => io.out(`${text}\n`);

  /**
   * Runs command `name` with its module, the user's files and the catalogue: at once when they
   * are loaded already and there are no user files (the command then finishes synchronously),
   * else once they are (loading a module or a file is asynchronous).
   */
  const run = <K extends keyof Commands>(
    name: K,
    options: UserFileOptions & { readonly variant?: string },
    command: (m: Commands[K], files: UserFiles, catalogue: readonly Scenario[]) => number,
  ): void => {
    const noFiles = options.scenarioFile === undefined && options.variantFile === undefined;
    const m = load(name);
    const c = load('scenarios');
    if (noFiles && !(m instanceof Promise) && !(c instanceof Promise)) {
      setExit(command(m, NONE, c.SCENARIOS));
      return;
    }
    setExit(async () => {
      const [module, catalogue] = await Promise.all([m, c]);
      // The user-file loader only when there are user files to load.
      const files = noFiles ? NONE : await (await load('userFiles')).loadUserFiles(options);
      return command(module, files, catalogue.SCENARIOS);
    });
  };
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
    .argument('[scenario]', 'only this scenario')
    .option('--json', 'as JSON, with each parameter’s meaning, default and allowed range')
    .option('--scenario-file <file>', 'your own scenarios too (a file that exports defineScenario)')
    .action((name: string | undefined, o: { json?: boolean; scenarioFile?: string }) => {
      run(
        'list',
        o.scenarioFile === undefined ? {} : { scenarioFile: o.scenarioFile },
        (m, files, catalogue) => {
          const all = m.listed([...files.scenarios, ...catalogue], name);
          io.out(o.json === true ? m.listJson(all) : `${m.listText(style(program, io), all)}\n`);
          return 0;
        },
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
    .option('--json <file>', 'write the runs and verdicts as JSON (- for standard output)')
    .option('--junit <file>', 'with --all: write the verdicts as JUnit XML (- for standard output)')
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
    .option(
      '--allow-truncated',
      'exit 0, not 3, when a run without violations was truncated by a limit you set on purpose',
    )
    // Exit 3 for a truncated run is the default now; the flag stays so that scripts keep working.
    .addOption(new Option('--require-complete').hideHelp())
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
        allowTruncated: o['allowTruncated'] === true,
        quiet: o['quiet'] === true,
        bounds: boundsFrom(o),
        stdout: io.out,
      };
      const human = humanOutput(program, io, [options.json, options.junit]);
      const fileOptions = userFilesFrom(o);
      if (fileOptions.variantFile !== undefined) {
        if (o['all'] === true)
          throw new InputError('--variant-file applies to one scenario, not to --all');
        if (options.junit !== undefined) throw new InputError('--junit goes with --all');
        run('check', { ...fileOptions, ...str('variant') }, (m, files) =>
          m.checkVariantFileCommand(scenario, files, options, human.style, human.print),
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
        run('check', fileOptions, (m, files) =>
          m.checkAllCommand(options, human.style, human.print, files),
        );
        return;
      }
      if (scenario === undefined && fileOptions.scenarioFile === undefined)
        throw new InputError('name a scenario (see clockcheck list) or give --all');
      if (options.junit !== undefined) throw new InputError('--junit goes with --all');
      run('check', fileOptions, (m, files) =>
        m.checkCommand(scenario, options, human.style, human.print, files),
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
        run(
          'replay',
          { ...fileOptions, ...(variant === undefined ? {} : { variant }) },
          (m, files) => m.replayVariantFileCommand(file, files, style(program, io), print),
        );
        return;
      }
      run('replay', fileOptions, (m, files) =>
        m.replayCommand(
          file,
          { ...(variant === undefined ? {} : { variant }), scenarios: files.scenarios },
          style(program, io),
          print,
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
      run('minimize', userFilesFrom(o), (m, files) =>
        m.minimizeCommand(file, options, style(program, io), print, files),
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
      run('show', userFilesFrom(o), (m, files) =>
        m.showCommand(
          file,
          { ...html, force: o['force'] === true },
          style(program, io),
          print,
          files,
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
    .option('--json <file>', 'also write the verification as JSON (- for standard output)')
    .option('--force', 'overwrite the JSON file if it exists')
    .option('--quiet', 'no progress line')
    .action((scenario: string | undefined, o: Record<string, unknown>) => {
      const fileOptions = userFilesFrom(o);
      const variant = typeof o['variant'] === 'string' ? o['variant'] : undefined;
      if (fileOptions.variantFile === undefined && variant === undefined)
        throw new InputError(
          'give the fix: --variant-file FILE (your own variant), or --variant NAME (one of the scenario’s)',
        );
      const json = typeof o['json'] === 'string' ? o['json'] : undefined;
      const human = humanOutput(program, io, [json]);
      const options = {
        ...(variant === undefined ? {} : { variant }),
        ...(json === undefined ? {} : { json }),
        param: o['param'] as string[],
        bounds: boundsFrom(o),
        force: o['force'] === true,
        quiet: o['quiet'] === true,
        stdout: io.out,
      };
      const files =
        fileOptions.variantFile === undefined
          ? fileOptions
          : { ...fileOptions, ...(variant === undefined ? {} : { variant }) };
      run('verifyFix', files, (m, loaded) =>
        m.verifyFixCommand(scenario, options, loaded, human.style, human.print),
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

function failure(e: unknown, io: Io): number {
  if (e instanceof CommanderError) {
    return e.code === 'commander.helpDisplayed' ||
      e.code === 'commander.version' ||
      e.code === 'commander.help'
      ? 0
      : 2;
  }
  if (e instanceof InputError) {
    io.err(`clockcheck: ${e.message}\n`);
    return 2;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(`clockcheck: internal error: ${message}\n`);
  if (process.env['CLOCKCHECK_DEBUG'] !== undefined && e instanceof Error) io.err(`${e.stack}\n`);
  return 1;
}

/**
 * Runs a command that finishes synchronously (every command but those loading a user's file),
 * with every module imported already.
 */
export function runProgramSync(argv: readonly string[], io: Io, load: CommandLoader): number {
  let exit: ExitCode = 0;
  const program = buildProgram(
    io,
    (code) => {
      exit = code;
    },
    load,
  );
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

/** Runs any command; what cli/bin.ts calls, with a loader that imports a module when it is needed. */
export async function runProgram(
  argv: readonly string[],
  io: Io,
  load: CommandLoader,
): Promise<number> {
  let exit: ExitCode = 0;
  const program = buildProgram(
    io,
    (code) => {
      exit = code;
    },
    load,
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    // Set by the action during parseAsync (control flow analysis cannot see that).
    const code = exit as ExitCode;
    return typeof code === 'number' ? code : await code();
  } catch (e) {
    return failure(e, io);
  }
}
