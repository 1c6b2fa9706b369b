#!/usr/bin/env node
/**
 * The clockcheck command. Installed, it runs compiled (dist/cli/bin.js); from the sources,
 * `npx tsx cli/bin.ts` runs the same. Only the module of the command that runs is imported.
 */
import module from 'node:module';
import { processIo, runProgram, type Commands } from './program.ts';

// Node 22.1 and later keep the compiled code of the modules a command loads, so that the next
// start skips compiling them (as tsc does for itself); Node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

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
  scenarios: () => import('../check/scenarios.ts'),
  userFiles: () => import('../check/userFiles.ts'),
};

process.exitCode = await runProgram(process.argv.slice(2), processIo, (name) => COMMANDS[name]());
