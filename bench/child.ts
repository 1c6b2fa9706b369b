/**
 * One benchmark run, in a process of its own: `tsx bench/child.ts <workload> [--workers N]`,
 * `largest --scenario S --variant V [--workers N]`, `catalogue`, or `phases` (workload (1) split
 * into the explorer's phases). Prints one line of JSON.
 */
import { parseArgs } from 'node:util';
import { measurePhases } from './phases.ts';
import { catalogue, clockWorkload, FIXED_WORKLOADS, measure } from './workloads.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: '1' },
    scenario: { type: 'string' },
    variant: { type: 'string' },
  },
});
const name = positionals[0];
const workers = Number(values.workers);
let out: unknown;
if (name === 'catalogue') {
  out = catalogue();
} else if (name === 'phases') {
  const workload = FIXED_WORKLOADS[0]!;
  out = measurePhases(workload.model(), workload.cheapestUpdate!);
} else if (name === 'largest') {
  const options = { scenario: values.scenario ?? '', variant: values.variant ?? '' };
  out = measure(clockWorkload('largest', '', options), workers, true);
} else {
  const workload = FIXED_WORKLOADS.find((w) => w.name === name);
  if (workload === undefined) throw new Error(`no workload '${name}'`);
  out = measure(workload, workers, true);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
