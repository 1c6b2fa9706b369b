#!/usr/bin/env node
// The clockcheck command: runs the TypeScript sources through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

// Output piped into a reader that stops early (`| head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

register();
const { mainAsync } = await import('./main.ts');
process.exitCode = await mainAsync(process.argv.slice(2));
