/**
 * `npm run bench [-- --json FILE]`: explores fixed workloads and prints, per workload, distinct
 * states, transitions, wall time, states/s, transitions/s, bytes per stored state (from the
 * explorer's own arrays) and peak RSS. A benchmark, not a test: it asserts nothing about speed.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { explore, type Model } from '../explorer/index.ts';
import { resolveTarget } from '../check/resolve.ts';
import { gridWalker } from '../test/explorer/toys/gridWalker.ts';

interface Workload {
  readonly name: string;
  readonly model: () => Model<unknown, unknown>;
}

const WORKLOADS: readonly Workload[] = [
  {
    name: 'unsynced-tsc global-clamp (reads=8 migrations=8 horizonNs=8000000)',
    model: () =>
      resolveTarget({
        scenario: 'unsynced-tsc',
        variant: 'global-clamp',
        params: { reads: 8, migrations: 8, horizonNs: 8_000_000 },
      }).model as Model<unknown, unknown>,
  },
  {
    name: 'toy grid walker 1000x1000 (1,000,000 states)',
    model: () => gridWalker(1000) as Model<unknown, unknown>,
  },
];

const { values } = parseArgs({ options: { json: { type: 'string' } } });
const rows = WORKLOADS.map((w) => {
  const started = performance.now();
  const r = explore(w.model(), { clock: () => performance.now() });
  const seconds = (performance.now() - started) / 1000;
  const row = {
    workload: w.name,
    distinctStates: r.stats.distinctStates,
    transitions: r.stats.transitions,
    seconds: Number(seconds.toFixed(3)),
    statesPerSecond: Math.round(r.stats.distinctStates / seconds),
    transitionsPerSecond: Math.round(r.stats.transitions / seconds),
    bytesPerState: Number(r.stats.bytesPerState.toFixed(2)),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(
    `${row.workload}\n  ${row.distinctStates.toLocaleString('en-US')} states, ${row.transitions.toLocaleString('en-US')} transitions in ${row.seconds} s: ` +
      `${row.statesPerSecond.toLocaleString('en-US')} states/s, ${row.transitionsPerSecond.toLocaleString('en-US')} transitions/s, ` +
      `${row.bytesPerState} bytes/state, peak RSS ${row.peakRssMiB} MiB`,
  );
  return row;
});
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(rows, null, 2)}\n`);
