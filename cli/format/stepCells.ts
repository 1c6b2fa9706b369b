/**
 * A counterexample as rows of cells, for the `show` views: one row per step, one column for the
 * host (and VM-wide state) and one per vCPU. Each cell lists what the step changed there, grouped
 * by record (`pvti: version 2 → 4, tscTimestamp 0 → 1000`), with a completed guest read first
 * ("task0 read 1000001000"). A task's fields go to the vCPU it is on after the step. Built from the
 * file's recorded states alone.
 */
import { diffItf, isBigintValue, showItf, type ItfValue } from '../../counterexamples/itf.ts';
import type { TraceFile } from '../../counterexamples/traceFile.ts';
import { describeAction } from '../../model/actions.ts';

export type CellItem =
  | { readonly kind: 'read'; readonly text: string; readonly task: number; readonly value: string }
  | { readonly kind: 'change'; readonly text: string }
  | { readonly kind: 'note'; readonly text: string };

export interface StepRow {
  readonly step: number;
  readonly now: string;
  readonly action: string;
  /** One list per column: host first, then each vCPU. */
  readonly cells: readonly (readonly CellItem[])[];
}

export interface StepTable {
  readonly columns: readonly string[];
  readonly rows: readonly StepRow[];
}

type Record_ = Readonly<Record<string, ItfValue>>;

function field(value: ItfValue | undefined, ...path: (string | number)[]): ItfValue | undefined {
  let v: ItfValue | undefined = value;
  for (const p of path) {
    if (v === undefined || typeof v !== 'object' || isBigintValue(v)) return undefined;
    v = (v as Record_ & readonly ItfValue[])[p as never];
  }
  return v;
}

function int(value: ItfValue | undefined): number {
  return value !== undefined && isBigintValue(value) ? Number(value['#bigint']) : 0;
}

function listLength(state: Record_, name: string): number {
  const v = state[name];
  return Array.isArray(v) ? v.length : 0;
}

/** The column (0 host, 1 + n for vCPU n) and the path shown in it, for a changed field. */
function place(path: string, after: Record_): { column: number; shown: string } | undefined {
  if (path === 'now') return undefined;
  const vcpu = /^vcpus\[(\d+)\]\.(.*)$/.exec(path);
  if (vcpu) return { column: 1 + Number(vcpu[1]), shown: vcpu[2]! };
  const task = /^tasks\[(\d+)\]\.(.*)$/.exec(path);
  if (task) {
    const on = int(field(after, 'tasks', Number(task[1]), 'vcpu'));
    return { column: 1 + on, shown: `task${task[1]}.${task[2]}` };
  }
  const pcpu = /^pcpus\[(\d+)\]\.(.*)$/.exec(path);
  if (pcpu) return { column: 0, shown: `pCPU${pcpu[1]}.${pcpu[2]}` };
  return { column: 0, shown: path.replace(/^host\./, '') };
}

/** Changes under one record as one item: `parent: a 1 → 2, b 3 → 4`. */
function grouped(changes: readonly [string, string, string][]): CellItem[] {
  const groups = new Map<string, string[]>();
  for (const [path, was, now] of changes) {
    const dot = path.lastIndexOf('.');
    const parent = dot < 0 ? '' : path.slice(0, dot);
    const name = dot < 0 ? path : path.slice(dot + 1);
    groups.set(parent, [...(groups.get(parent) ?? []), `${name} ${was} → ${now}`]);
  }
  return [...groups].map(([parent, items]) => ({
    kind: 'change',
    text: parent === '' ? items.join(', ') : `${parent}: ${items.join(', ')}`,
  }));
}

/** Reads completed by this step: a task whose read count went up, with the value it returned. */
function completedReads(before: Record_, after: Record_): (CellItem & { kind: 'read' })[] {
  const reads: (CellItem & { kind: 'read' })[] = [];
  for (let task = 0; task < listLength(after, 'tasks'); task++) {
    if (int(field(after, 'tasks', task, 'reads')) <= int(field(before, 'tasks', task, 'reads')))
      continue;
    const value = showItf(field(after, 'tasks', task, 'lastRead', 'value') ?? '');
    reads.push({ kind: 'read', task, value, text: `task${task} read ${value}` });
  }
  return reads;
}

function initialCells(state: Record_, vcpus: number): CellItem[][] {
  const pcpus = listLength(state, 'pcpus');
  const cells: CellItem[][] = [[{ kind: 'note', text: `${pcpus} pCPU${pcpus === 1 ? '' : 's'}` }]];
  for (let v = 0; v < vcpus; v++) {
    const tasks = [...Array(listLength(state, 'tasks')).keys()].filter(
      (t) => int(field(state, 'tasks', t, 'vcpu')) === v,
    );
    const on = `on pCPU${int(field(state, 'vcpus', v, 'pcpu'))}`;
    cells.push([
      {
        kind: 'note',
        text: tasks.length === 0 ? on : `${on}, ${tasks.map((t) => `task${t}`).join(', ')}`,
      },
    ]);
  }
  return cells;
}

export function stepTable(trace: TraceFile): StepTable {
  const first = trace.steps[0]!.state;
  const vcpus = listLength(first, 'vcpus');
  const columns = ['host', ...[...Array(vcpus).keys()].map((v) => `vCPU${v}`)];
  const rows = trace.steps.map((step, i): StepRow => {
    const now = showItf(step.state['now'] ?? '');
    if (i === 0)
      return { step: 0, now, action: '(initial state)', cells: initialCells(first, vcpus) };
    const before = trace.steps[i - 1]!.state;
    const perColumn: [string, string, string][][] = columns.map(() => []);
    for (const change of diffItf(before as ItfValue, step.state as ItfValue)) {
      const where = place(change[0], step.state);
      if (where !== undefined) perColumn[where.column]?.push([where.shown, change[1], change[2]]);
    }
    const cells: CellItem[][] = perColumn.map((changes) => grouped(changes));
    for (const read of completedReads(before, step.state)) {
      const on = int(field(step.state, 'tasks', read.task, 'lastRead', 'vcpu'));
      cells[1 + on]?.unshift(read);
    }
    return { step: i, now, action: describeAction(step.action!), cells };
  });
  return { columns, rows };
}
