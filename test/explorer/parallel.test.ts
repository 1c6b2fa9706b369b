import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  explore,
  type ExploreOptions,
  type ExploreResult,
  type Model,
  type ModelDescriptor,
} from '../../explorer/index.ts';
import { resolveTarget, targetDescriptor } from '../../check/resolve.ts';
import { fromUserFiles, loadUserFiles, userFilesDescriptor } from '../../check/userFiles.ts';
import { brokenGrid, fastGrid } from './toys/fastGrid.ts';
import { graphModel, type Graph } from './toys/randomGraph.ts';

const toy = (file: string, exported: string, ...args: unknown[]): ModelDescriptor => ({
  module: new URL(`./toys/${file}`, import.meta.url).href,
  export: exported,
  args,
});

/**
 * Everything a run reports except timings and the stored bytes (two threads keep two tables). A
 * run stopped early (a limit, an error) also leaves out the transitions: workers finish computing
 * the successors of the level they were in.
 */
function outcome<S, A>(r: ExploreResult<S, A>) {
  const {
    elapsedMs,
    statesPerSecond,
    transitionsPerSecond,
    storedBytes,
    bytesPerState,
    workers,
    ...stats
  } = r.stats;
  if (r.complete) return { ...r, stats };
  const { transitions, collisionProbability, ...states } = stats;
  if (r.status !== 'error') return { ...r, stats: states };
  // A model error stops one thread at once, and the workers at the end of the level's step.
  const { distinctStates, maxDepth, ...rest } = states;
  return { ...r, stats: rest };
}

/**
 * The model explored on one thread and on `count` workers: the results must be identical. The
 * workers take over from the calling thread at the first level of `soloBelow` states (0: from the
 * initial states on, so that these small models run on the workers).
 */
function compare<S, A>(
  model: Model<S, A>,
  descriptor: ModelDescriptor,
  count: number,
  options: ExploreOptions = {},
  soloBelow = 0,
): ExploreResult<S, A> {
  const one = explore(model, options);
  const many = explore(model, { ...options, workers: { count, descriptor, soloBelow } });
  expect(many.stats.workers).toBe(count);
  expect(outcome(many)).toEqual(outcome(one));
  return many;
}

describe('exploring on worker threads', () => {
  it('a grid: same states, transitions, depth, violation and trace as one thread (3 workers)', () => {
    const r = compare(
      fastGrid(40, { x: 30, y: 21 }),
      toy('fastGrid.ts', 'fastGrid', 40, { x: 30, y: 21 }),
      3,
    );
    expect(r.stats.distinctStates).toBe(1600);
    expect(r.violations[0]!.depth).toBe(51);
  });

  it('a graph with repeated initial states, several bad nodes and dead ends', () => {
    const g: Graph = {
      edges: [[1, 2], [3], [3, 4], [5, 0], [], [6, 7, 2], [7], [1]],
      initial: [2, 0, 2],
      bad: [7, 6],
    };
    const r = compare(graphModel(g), toy('randomGraph.ts', 'graphModel', g), 2);
    expect(r.stats.distinctStates).toBe(8);
  });

  it('state and depth limits truncate exactly where one thread does', () => {
    const model = fastGrid(40);
    const d = toy('fastGrid.ts', 'fastGrid', 40);
    expect(compare(model, d, 2, { maxStates: 777 }).truncatedBy).toBe('states');
    expect(compare(model, d, 2, { maxDepth: 12 }).truncatedBy).toBe('depth');
  });

  it('an error thrown by the model: same message, same path to where it happened', () => {
    const r = compare(
      brokenGrid(12, { x: 4, y: 5 }),
      toy('fastGrid.ts', 'brokenGrid', 12, { x: 4, y: 5 }),
      2,
    );
    expect(r.status).toBe('error');
    expect(r.error!.message).toBe('stepping out of (4, 5)');
    expect(r.error!.trace.states.at(-1)).toBe(4 * 12 + 5);
  });

  it('a scenario: pvclock-read host-bulk-copy, with both violations and their traces', () => {
    const options = { scenario: 'pvclock-read', variant: 'host-bulk-copy' };
    const model = resolveTarget(options).model;
    const r = compare(model, targetDescriptor(options), 2);
    expect(r.stats.distinctStates).toBe(52814);
    expect(r.violations.map((v) => [v.invariant, v.depth])).toEqual([
      ['guest-monotonic', 16],
      ['pvti-consistent', 12],
    ]);
  });

  it('a scenario with symmetry reduction: arm64-counter-offset', () => {
    const options = { scenario: 'arm64-counter-offset', variant: 'per-vcpu-absolute-restore' };
    const r = compare(resolveTarget(options).model, targetDescriptor(options), 2);
    expect(r.stats.symmetry).toBe(true);
    expect(r.stats.distinctStates).toBe(2652);
  });

  it('the calling thread explores the small levels, then hands over to the workers', () => {
    const d = toy('fastGrid.ts', 'fastGrid', 40, { x: 30, y: 21 });
    const r = compare(fastGrid(40, { x: 30, y: 21 }), d, 2, {}, 25);
    expect(r.violations[0]!.depth).toBe(51);
    const grid = toy('fastGrid.ts', 'fastGrid', 40);
    expect(compare(fastGrid(40), grid, 2, { maxStates: 777 }, 20).truncatedBy).toBe('states');
    expect(compare(fastGrid(40), grid, 2, { maxDepth: 30 }, 20).truncatedBy).toBe('depth');
    const options = { scenario: 'pvclock-read', variant: 'host-bulk-copy' };
    const scenario = compare(resolveTarget(options).model, targetDescriptor(options), 2, {}, 300);
    expect(scenario.stats.distinctStates).toBe(52814);
  });

  it('a model that never has a level worth the workers runs on the calling thread alone', () => {
    const r = compare(fastGrid(40), toy('fastGrid.ts', 'dyingGrid', 40), 2, {}, 1000);
    expect(r.stats.distinctStates).toBe(1600);
  });

  it("a user's variant file is loaded again in each worker", async () => {
    const variantFile = fileURLToPath(
      new URL('../../examples/rearm-stale-target.ts', import.meta.url),
    );
    const files = await loadUserFiles({ variantFile });
    const custom = files.variants[0]!;
    const target = fromUserFiles(
      resolveTarget({ scenario: custom.scenario, variant: custom }),
      files,
    );
    const r = compare(target.model, userFilesDescriptor(target)!, 2);
    expect(r.status).toBe('violation');
  });

  it("a user's scenario file, with its own state and invariant, is loaded again in each worker", async () => {
    const scenarioFile = fileURLToPath(new URL('../check/fixtures/threeVcpus.ts', import.meta.url));
    const files = await loadUserFiles({ scenarioFile });
    const target = fromUserFiles(
      resolveTarget({ scenario: files.scenarios[0]!, variant: 'no-clamp' }),
      files,
    );
    const r = compare(target.model, userFilesDescriptor(target)!, 2);
    expect(r.violations.map((v) => [v.invariant, v.depth])).toEqual([
      ['guest-monotonic', 4],
      ['read-near-every-kvmclock', 2],
    ]);
  });

  it('a worker thread that dies is an error, not a hang', () => {
    expect(() =>
      explore(fastGrid(3), {
        workers: {
          count: 2,
          descriptor: toy('fastGrid.ts', 'dyingGrid', 3),
          silenceMs: 1000,
          soloBelow: 0,
        },
      }),
    ).toThrow(/a worker thread stopped responding during the expand step/);
  });

  it('a worker that cannot build the model is an error, not a hang', () => {
    expect(() =>
      explore(fastGrid(3), {
        workers: { count: 2, descriptor: toy('fastGrid.ts', 'noSuchExport'), soloBelow: 0 },
      }),
    ).toThrow(/exports no function 'noSuchExport'/);
  });
});
