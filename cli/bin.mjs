#!/usr/bin/env node
// The clockcheck command: runs the TypeScript sources through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = main(process.argv.slice(2));
