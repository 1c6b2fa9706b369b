/** A check run as text: what was explored, how completely, and each invariant's verdict. */
import type { CheckRun } from '../../check/runCheck.ts';
import type { Style } from '../style.ts';

/**
 * A whole count with thousands separators, as toLocaleString('en-US') writes it, without the
 * locale data, whose first use costs a short command a tenth of its time.
 */
export function formatNumber(n: number): string {
  const [whole = '', fraction] = String(n).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function completeness(run: CheckRun): string {
  const r = run.result;
  if (r.complete) return 'complete';
  const b = run.bounds;
  const limit = (what: string, value: string | undefined): string =>
    value === undefined ? what : `${what} (${value})`;
  const why = {
    depth: limit(
      'the depth limit',
      b.maxDepth === undefined ? undefined : `--max-depth ${b.maxDepth}`,
    ),
    states: limit(
      'the state limit',
      b.maxStates === undefined ? undefined : `--max-states ${b.maxStates}`,
    ),
    time: limit(
      'the time limit',
      b.maxTimeMs === undefined ? undefined : `--max-time ${b.maxTimeMs / 1000}`,
    ),
    memory: limit(
      'the memory limit',
      b.maxMemoryBytes === undefined ? undefined : `--max-memory ${b.maxMemoryBytes / 2 ** 20} MiB`,
    ),
    'first-violation': 'stopping at the first violation',
  } as const;
  return r.truncatedBy === undefined ? 'stopped by an error' : `truncated by ${why[r.truncatedBy]}`;
}

export function formatRunHeader(run: CheckRun, style: Style): string {
  const { target, result: r } = run;
  const params = Object.entries(target.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const collision =
    r.mode === 'exact'
      ? 'exact state storage'
      : `fingerprint collision probability ${r.stats.collisionProbability.toExponential(1)}`;
  const reduction = r.stats.symmetry ? ' (one per symmetry class)' : '';
  const lines = [
    `${style.bold(`${target.scenario.name} / ${target.variant.name}`)}: ${target.variant.description}`,
    `  parameters: ${params}`,
    `  explored ${count(r.stats.distinctStates, 'state')}${reduction}, ${count(r.stats.transitions, 'transition')}, ` +
      `max depth ${r.stats.maxDepth}: ${completeness(run)} (${collision}) in ${formatSeconds(r.stats.elapsedMs)}` +
      (r.stats.workers > 1 ? ` on ${r.stats.workers} worker threads` : ''),
  ];
  if (r.sometimes.length > 0) {
    const parts = r.sometimes.map((s) =>
      s.reached
        ? `${s.name} at depth ${s.depth}`
        : r.complete
          ? style.red(`${s.name} never reached (vacuous)`)
          : style.yellow(`${s.name} not reached (the run was truncated)`),
    );
    lines.push(`  sometimes: ${parts.join('; ')}`);
  }
  return lines.join('\n');
}

/** `1 state`, `2,455,921 states`. */
function count(n: number, noun: string): string {
  return `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`;
}
