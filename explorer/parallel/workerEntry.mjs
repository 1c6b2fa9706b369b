// The entry point of a worker thread of a parallel exploration run from the TypeScript sources: it
// registers tsx (whatever the parent thread runs under, a worker starts with plain Node) and runs
// the TypeScript worker. Compiled, pool.ts starts worker.js directly and this file is not shipped.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
