// The entry point of a worker thread of a parallel exploration: it registers tsx (whatever the
// parent thread runs under, a worker starts with plain Node) and runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
