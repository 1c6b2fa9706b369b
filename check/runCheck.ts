/**
 * Checking one (scenario, variant): explore the model within the bounds and keep the result as
 * data, with what is needed to write each violation as a counterexample file.
 */
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import {
  explore,
  type ExploreResult,
  type ModelDescriptor,
  type Progress,
  type Violation,
} from '../explorer/index.ts';
import { modelHash, toolVersion } from '../counterexamples/modelHash.ts';
import { serializeTrace, type TraceMeta } from '../counterexamples/traceWriter.ts';
import type { VariantSpec } from '../model/scenarios/scenario.ts';
import type { ClockAction } from '../model/actions.ts';
import type { ClockState } from '../model/state.ts';
import { targetDescriptor, targetOptionsOf, type Target } from './resolve.ts';
import { userFilesDescriptor } from './userFiles.ts';

export interface Bounds {
  readonly maxDepth?: number;
  readonly maxStates?: number;
  readonly maxTimeMs?: number;
  /** Stop when the explorer's arrays plus the JavaScript heap in use exceed this many bytes. */
  readonly maxMemoryBytes?: number;
  readonly exact?: boolean;
  readonly stopOnViolation?: boolean;
  /** Store one state per class of interchangeable pCPUs, vCPUs and tasks (default true). */
  readonly symmetry?: boolean;
  /** Explore on this many worker threads (default 1: the calling thread alone). */
  readonly workers?: number;
}

export type ClockResult = ExploreResult<ClockState, ClockAction>;
export type ClockViolation = Violation<ClockState, ClockAction>;

export interface CheckRun {
  readonly target: Target;
  readonly bounds: Bounds;
  readonly result: ClockResult;
}

export function runCheck(
  target: Target,
  bounds: Bounds = {},
  onProgress?: (p: Progress) => void,
): CheckRun {
  const { workers, ...limits } = bounds;
  const result = explore(target.model, {
    ...limits,
    ...(workers === undefined || workers <= 1
      ? {}
      : { workers: { count: workers, descriptor: workerDescriptor(target) } }),
    clock: () => performance.now(),
    memoryUsage: heapUsed,
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  return { target, bounds, result };
}

/** How worker threads rebuild the target's model: by names, or from the user's files. */
function workerDescriptor(target: Target): ModelDescriptor {
  return userFilesDescriptor(target) ?? targetDescriptor(targetOptionsOf(target));
}

/** Bytes of JavaScript heap in use (what --max-memory counts besides the explorer's arrays). */
export function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

/** A variant's `kernel` for a trace's #meta, `{}` when it names none. */
export function kernelOf(variant: VariantSpec): Pick<TraceMeta, 'kernel'> {
  return variant.kernel === undefined ? {} : { kernel: variant.kernel };
}

/** The counterexample file's text for one violation of a run. */
export function counterexampleText(target: Target, violation: ClockViolation): string {
  return serializeTrace(
    {
      toolVersion: toolVersion(),
      scenario: target.scenario.name,
      variant: target.variant.name,
      params: target.params,
      invariant: violation.invariant,
      message: violation.message,
      modelHash: modelHash(),
      ...kernelOf(target.variant),
    },
    violation.trace.states,
    violation.trace.actions,
  );
}

/** The conventional path of a counterexample: `<scenario>/<variant>.<invariant>.itf.json`. */
export function counterexampleName(target: Target, invariant: string): string {
  return `${target.scenario.name}/${target.variant.name}.${invariant}.itf.json`;
}
