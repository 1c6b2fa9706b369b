/**
 * Runs of one scenario side by side: a row per invariant, a column per variant (the user's
 * variants' bases first), then how much each run explored. An invariant a run did not check shows
 * as '-'.
 */
import type { CheckRun } from '../../check/runCheck.ts';
import type { Style } from '../style.ts';
import { formatNumber } from './result.ts';

function verdict(run: CheckRun, invariant: string): string {
  if (!run.target.invariants.some((inv) => inv.name === invariant)) return '-';
  const v = run.result.violations.find((x) => x.invariant === invariant);
  if (v !== undefined) return `✗ at depth ${v.depth}`;
  return run.result.complete ? '✓ holds' : '? not violated (truncated)';
}

function extent(run: CheckRun): string {
  const r = run.result;
  const how =
    r.status === 'error' ? 'error' : r.complete ? 'complete' : `truncated (${r.truncatedBy})`;
  return `${formatNumber(r.stats.distinctStates)} states, ${how}`;
}

/** Runs of the user's variants (from `file`) and of the variants they start from. */
export function formatSideBySide(runs: readonly CheckRun[], file: string, style: Style): string {
  const first = runs[0]!;
  const names: string[] = [];
  for (const r of runs)
    for (const inv of r.target.invariants) if (!names.includes(inv.name)) names.push(inv.name);
  const order = first.target.scenario.invariants.map((inv) => inv.name);
  const invariants = [
    ...order.filter((n) => names.includes(n)),
    ...names.filter((n) => !order.includes(n)),
  ];
  const heads = runs.map((r) =>
    r.target.custom === undefined
      ? `${r.target.variant.name} (base${r.target.variant.name === r.target.scenario.baseline ? 'line' : ''})`
      : `${r.target.variant.name} (${file})`,
  );
  const rows = [
    ['invariant', ...heads],
    ...invariants.map((name) => [name, ...runs.map((r) => verdict(r, name))]),
    ['explored', ...runs.map(extent)],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const paint = (cell: string): string =>
    cell.startsWith('✗')
      ? style.red(cell)
      : cell.startsWith('✓')
        ? style.green(cell)
        : cell.startsWith('?')
          ? style.yellow(cell)
          : cell;
  const lines = rows.map((row, r) =>
    `  ${row
      .map((cell, c) => {
        const padded = cell.padEnd(widths[c]!);
        return r === 0
          ? style.bold(padded)
          : c === 0
            ? padded
            : paint(cell) + padded.slice(cell.length);
      })
      .join('   ')}`.trimEnd(),
  );
  return [
    style.bold(
      `${first.target.scenario.name}: ${file} side by side with the variant${runs.filter((r) => r.target.custom === undefined).length === 1 ? '' : 's'} it starts from`,
    ),
    ...lines,
  ].join('\n');
}
