/**
 * `clockcheck show FILE` as text: a table with one row per step and a column for the host and
 * each vCPU, every cell wrapped so the whole fits the width (120 columns by default), then the
 * violated invariant's message with its numbers.
 */
import type { TraceFile } from '../../counterexamples/traceFile.ts';
import type { Style } from '../style.ts';
import type { CellItem, StepTable } from './stepCells.ts';
import { wrapText } from './wrap.ts';

const SEPARATOR = ' │ ';
const MIN_FLEX = 14;
const MAX_ACTION = 20;

interface Line {
  readonly text: string;
  readonly paint: (s: string) => string;
}

/**
 * Widths for columns with these natural widths so that they fit `room`: each its natural width if
 * all fit, else shares in proportion to the natural widths, none below MIN_FLEX.
 */
function flexWidths(natural: readonly number[], room: number): number[] {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= room) return [...natural];
  const widths = natural.map((w) => Math.max(MIN_FLEX, Math.floor((w * room) / total)));
  // Rounding and the minimum may overshoot or leave a few columns spare: settle on the widest.
  let excess = widths.reduce((a, b) => a + b, 0) - room;
  while (excess !== 0) {
    const widest = widths.indexOf(Math.max(...widths));
    const change = excess > 0 ? -1 : 1;
    widths[widest]! += change;
    excess += change;
  }
  return widths;
}

function cellLines(items: readonly CellItem[], width: number, style: Style, bad: boolean): Line[] {
  return items.flatMap((item) => {
    const paint =
      item.kind === 'read'
        ? bad
          ? (s: string) => style.bold(style.red(s))
          : (s: string) => style.bold(style.green(s))
        : item.kind === 'note'
          ? style.dim
          : (s: string) => s;
    return wrapText(item.text, width).map((text) => ({ text, paint }));
  });
}

export function formatShowText(
  trace: TraceFile,
  table: StepTable,
  style: Style,
  width = 120,
): string {
  const { meta } = trace;
  const last = table.rows.length - 1;
  const stepW = Math.max(4, String(last).length);
  const nowW = Math.max(6, ...table.rows.map((r) => r.now.length));
  // Actions wrap between their words, never inside one (an action kind is one long word).
  const longestWord = Math.max(
    ...table.rows.flatMap((r) => r.action.split(' ').map((w) => w.length)),
  );
  const actionW = Math.max(
    longestWord,
    Math.min(MAX_ACTION, Math.max(6, ...table.rows.map((r) => r.action.length))),
  );
  const flexCount = table.columns.length;
  const fixed = stepW + nowW + actionW + SEPARATOR.length * (2 + flexCount);
  const natural = table.columns.map((name, c) =>
    Math.max(
      name.length,
      ...table.rows.flatMap((r) => (r.cells[c] ?? []).map((i) => i.text.length)),
    ),
  );
  const flex = flexWidths(natural, width - fixed);
  const widths = [stepW, nowW, actionW, ...flex];

  const join = (cells: readonly Line[]) =>
    cells
      .map((l, i) => l.paint(i === cells.length - 1 ? l.text : l.text.padEnd(widths[i]!)))
      .join(style.dim(SEPARATOR))
      .trimEnd();
  const rule = style.dim(widths.map((w) => '─'.repeat(w)).join('─┼─'));

  const out: string[] = [];
  for (const line of wrapText(
    `${meta.scenario} / ${meta.variant}: ${meta.invariant} violated in ${last} steps`,
    width,
  ))
    out.push(style.bold(line));
  const params = Object.entries(meta.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  for (const line of wrapText(`parameters: ${params}`, width)) out.push(style.dim(line));
  out.push('');
  const header = ['step', 't (ns)', 'action', ...table.columns].map((text) => ({
    text,
    paint: style.bold,
  }));
  out.push(join(header), rule);

  for (const row of table.rows) {
    const bad = row.step === last;
    const red = (s: string) => style.bold(style.red(s));
    const columns: Line[][] = [
      [{ text: String(row.step).padStart(stepW), paint: bad ? red : style.dim }],
      [{ text: row.now.padStart(nowW), paint: (s) => s }],
      wrapText(row.action, actionW).map((text) => ({ text, paint: bad ? red : style.bold })),
      ...row.cells.map((items, c) => cellLines(items, flex[c]!, style, bad)),
    ];
    const height = Math.max(...columns.map((c) => c.length));
    for (let i = 0; i < height; i++) {
      out.push(join(columns.map((c) => c[i] ?? { text: '', paint: (s: string) => s })));
    }
    if (row.step !== last) out.push(rule);
  }
  out.push('');
  const at = table.rows[last]!.now;
  for (const line of wrapText(
    `✗ ${meta.invariant} violated at step ${last} (t=${at} ns): ${meta.message}`,
    width,
  ))
    out.push(style.bold(style.red(line)));
  return out.join('\n');
}
