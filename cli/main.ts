/**
 * The clockcheck command line with every module imported at once: `main` runs a command that
 * finishes synchronously, `mainAsync` any command (the tests drive the CLI through these).
 * cli/bin.ts runs the same program but imports only what the command it runs needs.
 */
import * as scenarios from '../check/scenarios.ts';
import * as userFiles from '../check/userFiles.ts';
import * as check from './commands/check.ts';
import * as list from './commands/list.ts';
import * as minimize from './commands/minimize.ts';
import * as replay from './commands/replay.ts';
import * as show from './commands/show.ts';
import * as verifyFix from './commands/verifyFix.ts';
import {
  processIo,
  runProgram,
  runProgramSync,
  type CommandLoader,
  type Commands,
  type Io,
} from './program.ts';

export type { ExitCode, Io } from './program.ts';

const MODULES: Commands = { check, list, minimize, replay, show, verifyFix, scenarios, userFiles };
const loaded: CommandLoader = (name) => MODULES[name];

export function main(argv: readonly string[], io: Io = processIo): number {
  return runProgramSync(argv, io, loaded);
}

export async function mainAsync(argv: readonly string[], io: Io = processIo): Promise<number> {
  return runProgram(argv, io, loaded);
}
