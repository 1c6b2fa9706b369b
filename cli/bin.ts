#!/usr/bin/env node
/**
 * The clockcheck command. Installed, it runs compiled (dist/cli/bin.js); from the sources,
 * `npx tsx cli/bin.ts` runs the same. Only the module of the command that runs is imported.
 */
import { processIo, runProgram, type Commands } from './program.ts';

// Output piped into a reader that stops early (`| head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const COMMANDS: { readonly [K in keyof Commands]: () => Promise<Commands[K]> } = {
  check: () => import('./commands/check.ts'),
  list: () => import('./commands/list.ts'),
  minimize: () => import('./commands/minimize.ts'),
  replay: () => import('./commands/replay.ts'),
  show: () => import('./commands/show.ts'),
  verifyFix: () => import('./commands/verifyFix.ts'),
};

process.exitCode = await runProgram(process.argv.slice(2), processIo, (name) => COMMANDS[name]());
