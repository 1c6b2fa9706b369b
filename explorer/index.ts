export type { Invariant, Model, Sometimes } from './model.ts';
export { Encoder } from './encoder.ts';
export { explore, type ExploreOptions } from './bfs.ts';
export { replayPath, type Path } from './trace.ts';
export type * from './result.ts';
