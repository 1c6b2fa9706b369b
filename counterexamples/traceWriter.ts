/**
 * Counterexample files, the writing side: ITF JSON with clockcheck's `#meta` (traceFile.ts says
 * what each field holds and reads them back strictly). Kept apart from the reader so that a run
 * that writes counterexamples does not load the reader's schema library.
 */
import type { ClockAction } from '../model/actions.ts';
import { isBigintValue, toItf, type ItfValue } from './itf.ts';

export const FORMAT_VERSION = 1;
export const TRACE_SUFFIX = '.itf.json';

export interface TraceMeta {
  readonly toolVersion: string;
  readonly scenario: string;
  readonly variant: string;
  readonly params: Readonly<Record<string, number | boolean>>;
  readonly invariant: string;
  readonly message: string;
  readonly modelHash: string;
  /** What the variant models: its kernel functions and versions (absent for a user's without one). */
  readonly kernel?: { readonly functions: readonly string[]; readonly versions: string };
}

export interface TraceStep {
  /** The action that led to this state; null for the initial state. */
  readonly action: ClockAction | null;
  readonly state: Readonly<Record<string, ItfValue>>;
}

export interface TraceFile {
  readonly meta: TraceMeta;
  readonly vars: readonly string[];
  readonly steps: readonly TraceStep[];
}

/** The file's text for a trace of model states (objects whose top-level keys are the ITF vars). */
export function serializeTrace(
  meta: TraceMeta,
  states: readonly object[],
  actions: readonly ClockAction[],
): string {
  const first = states[0];
  if (first === undefined) throw new Error('a trace has at least its initial state');
  const vars = Object.keys(first);
  const doc = {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'clockcheck',
      formatVersion: FORMAT_VERSION,
      ...meta,
    },
    vars,
    states: states.map((s, i) => ({
      '#meta': { index: i, action: i === 0 ? null : actions[i - 1] },
      ...(toItf(s) as Record<string, ItfValue>),
    })),
  };
  return `${render(doc, '')}\n`;
}

/**
 * JSON with one field per line, except that small leaves stay on one line: integers
 * (`{"#bigint": "5"}`), actions, and records or lists of such leaves that fit in 100 columns.
 */
function render(value: unknown, indent: string): string {
  const flat = JSON.stringify(value);
  if (
    value === null ||
    typeof value !== 'object' ||
    (isFlat(value) && flat.length + indent.length <= 100)
  )
    return flat;
  const inner = `${indent} `;
  const items = Array.isArray(value)
    ? value.map((v) => inner + render(v, inner))
    : Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${render(v, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return items.length === 0
    ? `${open}${close}`
    : `${open}\n${items.join(',\n')}\n${indent}${close}`;
}

function isFlat(value: object): boolean {
  return Object.values(value).every((v) => v === null || typeof v !== 'object' || isBigintValue(v));
}
