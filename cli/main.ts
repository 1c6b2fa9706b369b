/**
 * The clockcheck command line with every command module imported at once: `main` runs a command
 * that finishes synchronously, `mainAsync` any command (the tests drive the CLI through these).
 * cli/bin.ts runs the same program but imports only the command it runs.
 */
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

const COMMANDS: Commands = { check, list, minimize, replay, show, verifyFix };
const loaded: CommandLoader = (name) => COMMANDS[name];

export function main(argv: readonly string[], io: Io = processIo): number {
  return runProgramSync(argv, io, loaded);
}

export async function mainAsync(argv: readonly string[], io: Io = processIo): Promise<number> {
  return runProgram(argv, io, loaded);
}
