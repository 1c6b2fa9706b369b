/**
 * The benchmark's workloads and how one is measured: distinct states, transitions, wall and CPU
 * time, rates, bytes per stored state (from the explorer's own arrays) and peak RSS. Each run
 * happens in a process of its own (bench/child.ts), so that the peak RSS is that run's.
 */
import { performance } from 'node:perf_hooks';
import { runCatalogue } from '../check/catalogue.ts';
import { resolveTarget, targetDescriptor, type TargetOptions } from '../check/resolve.ts';
import { heapUsed } from '../check/runCheck.ts';
import { explore, type Model, type ModelDescriptor } from '../explorer/index.ts';
import { fastGrid } from '../test/explorer/toys/fastGrid.ts';

export interface Workload {
  readonly name: string;
  readonly title: string;
  /** The distinct states a complete run must find (a toy's known count), if known. */
  readonly expectedStates?: number;
  readonly model: () => Model<unknown, unknown>;
  readonly descriptor: ModelDescriptor;
  /** The cheapest change a transition can make to a state, as an immer recipe (for bench/phases.ts). */
  readonly cheapestUpdate?: (draft: unknown) => void;
}

export interface RunFigures {
  readonly workload: string;
  readonly workers: number;
  readonly symmetry: boolean;
  readonly complete: boolean;
  readonly distinctStates: number;
  readonly transitions: number;
  readonly maxDepth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly transitionsPerSecond: number;
  readonly bytesPerState: number;
  readonly storedMiB: number;
  readonly peakRssMiB: number;
  readonly cpuSeconds: number;
}

export function clockWorkload(name: string, title: string, options: TargetOptions): Workload {
  return {
    name,
    title,
    model: () => resolveTarget(options).model as Model<unknown, unknown>,
    descriptor: targetDescriptor(options),
    // One number at the root of the state: less than any transition writes.
    cheapestUpdate: (draft) => {
      (draft as { now: number }).now += 1;
    },
  };
}

/** The unsynced-tsc global-clamp bounds that give at least 2 million distinct states. */
export const UNSYNCED_BOUNDS = { reads: 8, migrations: 8, horizonNs: 18_000_000 };
export const GRID_SIZE = 2048;

export const FIXED_WORKLOADS: readonly Workload[] = [
  clockWorkload(
    'unsynced-tsc',
    `unsynced-tsc global-clamp (reads=8 migrations=8 horizonNs=18000000)`,
    { scenario: 'unsynced-tsc', variant: 'global-clamp', params: UNSYNCED_BOUNDS },
  ),
  {
    name: 'toy-grid',
    title: `toy grid walker ${GRID_SIZE}x${GRID_SIZE}, written for speed (${(GRID_SIZE * GRID_SIZE).toLocaleString('en-US')} states)`,
    expectedStates: GRID_SIZE * GRID_SIZE,
    model: () => fastGrid(GRID_SIZE) as Model<unknown, unknown>,
    descriptor: {
      module: new URL('../test/explorer/toys/fastGrid.ts', import.meta.url).href,
      export: 'fastGrid',
      args: [GRID_SIZE],
    },
  },
];

export function measure(workload: Workload, workers: number, symmetry: boolean): RunFigures {
  const model = workload.model();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const r = explore(model, {
    clock: () => performance.now(),
    memoryUsage: heapUsed,
    symmetry,
    ...(workers > 1 ? { workers: { count: workers, descriptor: workload.descriptor } } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (r.status === 'error') throw new Error(`${workload.name}: ${r.error?.message}`);
  if (workload.expectedStates !== undefined && r.stats.distinctStates !== workload.expectedStates)
    throw new Error(
      `${workload.name}: ${r.stats.distinctStates} states, expected ${workload.expectedStates}`,
    );
  return {
    workload: workload.name,
    workers,
    symmetry: r.stats.symmetry,
    complete: r.complete,
    distinctStates: r.stats.distinctStates,
    transitions: r.stats.transitions,
    maxDepth: r.stats.maxDepth,
    seconds: round(seconds, 3),
    statesPerSecond: Math.round(r.stats.distinctStates / seconds),
    transitionsPerSecond: Math.round(r.stats.transitions / seconds),
    bytesPerState: round(r.stats.bytesPerState, 2),
    storedMiB: round(r.stats.storedBytes / 2 ** 20, 1),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
  };
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

export interface CatalogueFigures {
  readonly entries: readonly {
    readonly scenario: string;
    readonly variant: string;
    readonly states: number;
    readonly statesWithoutSymmetry: number;
    readonly seconds: number;
  }[];
  readonly seconds: number;
}

export function catalogue(): CatalogueFigures {
  const started = performance.now();
  const reduced = runCatalogue();
  const seconds = (performance.now() - started) / 1000;
  const full = runCatalogue({ symmetry: false });
  return {
    entries: reduced.entries.map((e, i) => ({
      scenario: e.run.target.scenario.name,
      variant: e.run.target.variant.name,
      states: e.run.result.stats.distinctStates,
      statesWithoutSymmetry: full.entries[i]!.run.result.stats.distinctStates,
      seconds: round(e.run.result.stats.elapsedMs / 1000, 3),
    })),
    seconds: round(seconds, 3),
  };
}
