#!/usr/bin/env node
// The clockcheck command: runs the TypeScript sources through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { mainAsync } = await import('./main.ts');
process.exitCode = await mainAsync(process.argv.slice(2));
