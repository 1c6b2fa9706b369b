/**
 * The verdict table of `clockcheck check --all`: one row per (scenario, variant, invariant), with
 * the run's figures on the first row of each variant, and the surprises listed last.
 */
import type { Catalogue, CatalogueEntry, InvariantVerdict } from '../../check/catalogue.ts';
import { surprises } from '../../check/catalogue.ts';
import type { Style } from '../style.ts';
import { formatNumber, formatSeconds } from './result.ts';

const HEADER = [
  'scenario',
  'variant',
  'invariant',
  'exp',
  'actual',
  'states',
  'depth',
  'run',
  'time',
] as const;
const RIGHT = new Set(['states', 'depth', 'time']);

function verdictText(v: InvariantVerdict, which: 'expected' | 'actual'): string {
  if (which === 'expected') return v.expected === 'holds' ? '✓' : '✗';
  return v.actual === 'holds' ? '✓' : `✗ ${v.depth}`;
}

/** How a variant's run ended, for the table's `run` column (and the step summary's). */
export function runColumn(entry: CatalogueEntry): string {
  const { result } = entry.run;
  if (result.status === 'error') return 'error';
  return result.complete ? 'complete' : `truncated (${result.truncatedBy})`;
}

function rows(entry: CatalogueEntry): string[][] {
  const { result, target } = entry.run;
  const run = runColumn(entry);
  return entry.verdicts.map((v, i) =>
    i === 0
      ? [
          target.scenario.name,
          target.variant.name,
          v.invariant,
          verdictText(v, 'expected'),
          verdictText(v, 'actual'),
          formatNumber(result.stats.distinctStates),
          String(result.stats.maxDepth),
          run,
          formatSeconds(result.stats.elapsedMs),
        ]
      : ['', '', v.invariant, verdictText(v, 'expected'), verdictText(v, 'actual'), '', '', '', ''],
  );
}

/** The legend under the table. */
const LEGEND = [
  'exp/actual: ✓ holds in every reachable state; ✗ N violated, shortest counterexample N steps',
  'states, depth: distinct states explored and the deepest level reached',
];

export function formatCatalogue(c: Catalogue, style: Style, totalMs: number): string {
  const body = c.entries.map(rows);
  const all = [[...HEADER], ...body.flat()];
  const widths = HEADER.map((_, col) => Math.max(...all.map((r) => r[col]!.length)));
  const cell = (text: string, col: number) =>
    RIGHT.has(HEADER[col]!) ? text.padStart(widths[col]!) : text.padEnd(widths[col]!);
  const line = (r: readonly string[]) => r.map(cell).join('  ').trimEnd();

  const out = [style.bold(line(HEADER))];
  c.entries.forEach((entry, e) => {
    for (const [i, r] of body[e]!.entries()) {
      const v = entry.verdicts[i]!;
      const text = line(r);
      out.push(v.asExpected ? text : style.red(text));
    }
  });
  const problems = c.entries.flatMap(surprises);
  const invariants = c.entries.reduce((n, e) => n + e.verdicts.length, 0);
  out.push(...LEGEND.map((l) => style.dim(l)), '');
  out.push(
    `${c.entries.length} variants, ${invariants} verdicts in ${formatSeconds(totalMs)}: ` +
      (c.asExpected
        ? style.green('every verdict as expected, every run complete')
        : style.red(`${problems.length} ${problems.length === 1 ? 'surprise' : 'surprises'}`)),
  );
  if (problems.length > 0) {
    out.push('', style.bold('surprises:'));
    for (const p of problems) out.push(style.red(`  ${p}`));
  }
  return out.join('\n');
}
