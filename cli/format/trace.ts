/** A trace as text: one row per step, the action taken and the fields it changed (old → new). */
import { diffStates } from '../../counterexamples/itf.ts';
import { describeAction, type ClockAction } from '../../model/actions.ts';
import type { Style } from '../style.ts';

export interface TraceRow {
  readonly step: number;
  readonly action: string;
  readonly changes: readonly string[];
}

export function traceRows(
  states: readonly unknown[],
  actions: readonly (ClockAction | null)[],
): TraceRow[] {
  return states.map((state, i) => ({
    step: i,
    action: i === 0 ? '(initial state)' : describeAction(actions[i - 1] ?? actions[i]!),
    changes:
      i === 0
        ? []
        : diffStates(states[i - 1], state).map(([path, was, now]) => `${path} ${was} → ${now}`),
  }));
}

/** Rows as an indented table; each step's changes wrap within `width` columns. */
export function formatTrace(
  rows: readonly TraceRow[],
  style: Style,
  width = 120,
  maxChangeLines = 4,
): string {
  const actionWidth = Math.min(40, Math.max(...rows.map((r) => r.action.length)));
  const indent = 2 + 4 + 2 + actionWidth + 2;
  const room = Math.max(30, width - indent);
  const lines: string[] = [];
  for (const row of rows) {
    const wrapped = wrap(row.changes, room);
    const shown = wrapped.slice(0, maxChangeLines);
    if (wrapped.length > maxChangeLines)
      shown[maxChangeLines - 1] += ` … (${wrapped.length - maxChangeLines + 1} more lines)`;
    const head = `  ${String(row.step).padStart(4)}  ${style.bold(row.action.padEnd(actionWidth))}  `;
    lines.push(head + style.dim(shown[0] ?? ''));
    for (const more of shown.slice(1)) lines.push(' '.repeat(indent) + style.dim(more));
  }
  return lines.join('\n');
}

function wrap(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? item : `${line}; ${item}`;
    if (next.length <= width || line === '') line = next;
    else {
      lines.push(line);
      line = item;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
