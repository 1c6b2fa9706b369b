/**
 * The bounds of a run, read once from its options with their defaults (no limit, a clock that
 * stands still), for the one-thread and the parallel explorer alike.
 */
import type { ExploreOptions } from './bfs.ts';

export interface Limits {
  readonly clock: () => number;
  /** The clock's reading when the run started. */
  readonly started: number;
  readonly maxDepth: number;
  readonly maxStates: number;
  readonly maxTimeMs: number;
  readonly maxMemory: number;
  readonly memoryUsage: () => number;
  readonly stopOnViolation: boolean;
}

export function limitsOf(options: ExploreOptions): Limits {
  const clock = options.clock ?? (() => 0);
  return {
    clock,
    started: clock(),
    maxDepth: options.maxDepth ?? Infinity,
    maxStates: options.maxStates ?? Infinity,
    maxTimeMs: options.maxTimeMs ?? Infinity,
    maxMemory: options.maxMemoryBytes ?? Infinity,
    memoryUsage: options.memoryUsage ?? (() => 0),
    stopOnViolation: options.stopOnViolation === true,
  };
}
