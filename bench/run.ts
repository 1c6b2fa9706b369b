/**
 * `npm run bench [-- --json FILE] [--workers N] [--only startup]`: first the start-up of the
 * command (bench/startup.ts: --version, list and check unsynced-tsc against node -e 0, medians
 * of whole processes); then explores fixed workloads and prints, per
 * workload, distinct states, transitions, wall seconds, states/s, transitions/s, bytes per stored
 * state (from the explorer's own arrays), peak RSS, and the speedup on N worker threads (default
 * 2). Workloads: (1) unsynced-tsc global-clamp with bounds giving over 2 million states, (2) the
 * largest (scenario, variant) of the catalogue at default bounds, (3) a toy with a known count of
 * several million states (the engine's ceiling). Also the whole catalogue's time and the symmetry
 * reduction of each run that has one, and workload (1) split into the explorer's phases
 * (bench/phases.ts). A benchmark, not a test: it asserts nothing about speed.
 */
import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PhaseFigures } from './phases.ts';
import { measureStartup, startupLines } from './startup.ts';
import { FIXED_WORKLOADS, type CatalogueFigures, type RunFigures } from './workloads.ts';

const GOALS = {
  unsyncedStates: 2_000_000,
  unsyncedStatesPerSecond: 430_000,
  toyStatesPerSecond: 3_000_000,
  bytesPerState: 16,
};

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    workers: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});
if (values.only !== undefined && values.only !== 'startup') {
  process.stderr.write(`bench: --only takes 'startup', not '${values.only}'\n`);
  process.exit(2);
}
const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < 2) {
  process.stderr.write(
    `bench: --workers must be a whole number of at least 2, not '${values.workers}'\n`,
  );
  process.exit(2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
function child<T>(...args: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/child.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

const STARTUP_RUNS = 15;
console.log(`start-up, whole process, median of ${STARTUP_RUNS} runs (compiled: dist/)...`);
const startup = measureStartup(root, STARTUP_RUNS);
for (const line of startupLines(startup)) console.log(line);

function writeJson(figures: object): void {
  if (values.json === undefined) return;
  const tmp = `${values.json}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(figures, null, 2)}\n`);
  renameSync(tmp, values.json);
}

if (values.only === 'startup') {
  writeJson({ startup });
  process.exit(0);
}

console.log('catalogue at default bounds (one thread, symmetry reduction on)...');
const cat = child<CatalogueFigures>('catalogue');
const largest = cat.entries.reduce((a, b) => (b.states > a.states ? b : a));
console.log(
  `  ${cat.entries.length} runs in ${cat.seconds} s; largest: ${largest.scenario} ${largest.variant} (${fmt(largest.states)} states)`,
);
const reduced = cat.entries.filter((e) => e.states !== e.statesWithoutSymmetry);
for (const e of reduced) {
  console.log(
    `  symmetry: ${e.scenario} ${e.variant}: ${fmt(e.states)} states, ${fmt(e.statesWithoutSymmetry)} without (x${(e.statesWithoutSymmetry / e.states).toFixed(2)})`,
  );
}

const plan = [
  { id: '1', title: FIXED_WORKLOADS[0]!.title, args: ['unsynced-tsc'] },
  {
    id: '2',
    title: `${largest.scenario} ${largest.variant} at default bounds (the catalogue's largest)`,
    args: ['largest', '--scenario', largest.scenario, '--variant', largest.variant],
  },
  { id: '3', title: FIXED_WORKLOADS[1]!.title, args: ['toy-grid'] },
];

const rows = plan.map((w) => {
  console.log(`(${w.id}) ${w.title}`);
  const one = child<RunFigures>(...w.args);
  console.log(
    `  ${fmt(one.distinctStates)} states, ${fmt(one.transitions)} transitions, depth ${one.maxDepth}${one.complete ? '' : ' (truncated)'} ` +
      `in ${one.seconds} s: ${fmt(one.statesPerSecond)} states/s, ${fmt(one.transitionsPerSecond)} transitions/s, ` +
      `${one.bytesPerState} bytes/state, peak RSS ${one.peakRssMiB} MiB`,
  );
  const many = child<RunFigures>(...w.args, '--workers', String(workers));
  const speedup = one.seconds / many.seconds;
  console.log(
    `  ${workers} workers: ${many.seconds} s (${fmt(many.statesPerSecond)} states/s), speedup x${speedup.toFixed(2)}, ` +
      `${many.bytesPerState} bytes/state, peak RSS ${many.peakRssMiB} MiB${many.distinctStates === one.distinctStates ? '' : ` (${fmt(many.distinctStates)} states!)`}`,
  );
  return {
    id: w.id,
    title: w.title,
    oneThread: one,
    workers: many,
    speedup: Number(speedup.toFixed(3)),
  };
});

console.log(`where a state of (1) spends its time (one thread)...`);
const phases = child<PhaseFigures>('phases');
const us = phases.microsPerState;
const budget = 1e6 / GOALS.unsyncedStatesPerSecond;
const wholeRun = rows[0]!.oneThread;
const transitionsPerState = wholeRun.transitions / wholeRun.distinctStates;
console.log(
  `  µs per distinct state over the run's first ${fmt(phases.sampleStates)} states (${phases.transitionsPerState} transitions, ${phases.wordsPerState} encoded words each): ` +
    `enabled actions ${us.actions}, successors ${us.next}, encoding ${us.encode}, fingerprint ${us.fingerprint}, visited set ${us.visited}, invariants ${us.invariants}; total ${us.total}`,
);
console.log(
  `  immer's cheapest update (one number at the state's root): ${phases.cheapestProduceMicros} µs; at the whole run's ` +
    `${transitionsPerState.toFixed(2)} transitions per state, ${(phases.cheapestProduceMicros * transitionsPerState).toFixed(2)} µs per state ` +
    `of the ${budget.toFixed(2)} µs the goal of ${fmt(GOALS.unsyncedStatesPerSecond)} states/s leaves for everything`,
);

const [unsynced, , toy] = rows;
const goal = (met: boolean) => (met ? 'met' : 'not met');
console.log('goals (one thread):');
console.log(
  `  (1) >= ${fmt(GOALS.unsyncedStates)} states at >= ${fmt(GOALS.unsyncedStatesPerSecond)} states/s: ` +
    `${fmt(unsynced!.oneThread.distinctStates)} at ${fmt(unsynced!.oneThread.statesPerSecond)}: ${goal(unsynced!.oneThread.distinctStates >= GOALS.unsyncedStates && unsynced!.oneThread.statesPerSecond >= GOALS.unsyncedStatesPerSecond)}`,
);
console.log(
  `  (3) >= ${fmt(GOALS.toyStatesPerSecond)} states/s: ${fmt(toy!.oneThread.statesPerSecond)}: ${goal(toy!.oneThread.statesPerSecond >= GOALS.toyStatesPerSecond)}`,
);
const worstBytes = Math.max(...rows.map((r) => r.oneThread.bytesPerState));
console.log(
  `  <= ${GOALS.bytesPerState} bytes per stored state: at most ${worstBytes}: ${goal(worstBytes <= GOALS.bytesPerState)}`,
);

writeJson({ startup, catalogue: cat, workloads: rows, phases, goals: GOALS });
