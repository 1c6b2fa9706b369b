/**
 * One benchmark run, in a process of its own: `tsx bench/child.ts <workload> [--workers N]`,
 * `largest --scenario S --variant V [--workers N]`, or `catalogue`. Prints one line of JSON.
 */
import { parseArgs } from 'node:util';
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
} else if (name === 'largest') {
  const options = { scenario: values.scenario ?? '', variant: values.variant ?? '' };
  out = measure(clockWorkload('largest', '', options), workers, true);
} else {
  const workload = FIXED_WORKLOADS.find((w) => w.name === name);
  if (workload === undefined) throw new Error(`no workload '${name}'`);
  out = measure(workload, workers, true);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
