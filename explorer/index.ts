export type { Invariant, Model, Sometimes } from './model.ts';
export { Encoder } from './encoder.ts';
export { explore, type ExploreOptions } from './bfs.ts';
export { replayPath, type Path } from './trace.ts';
export type * from './result.ts';
export { Decoder, SectionCache } from './decoder.ts';
export type { WorkerOptions } from './parallel/coordinator.ts';
export type { ModelDescriptor } from './parallel/descriptor.ts';
