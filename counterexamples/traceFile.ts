/**
 * Counterexample files: ITF JSON with clockcheck's `#meta`. The top-level `#meta` says what was
 * checked (tool and format version, scenario, variant, parameters, the violated invariant and its
 * message, a hash of the model's source); each state's `#meta` holds its index and the action that
 * led to it (`null` for the initial state). `parseTraceFile` is strict: anything else is an error
 * naming the field.
 */
import { z } from 'zod';
import { ACTION_KINDS, type ClockAction } from '../model/actions.ts';
import { checkItfValue, isBigintValue, toItf, type ItfValue } from './itf.ts';

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

export class TraceFileError extends Error {}

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

const metaSchema = z.strictObject({
  format: z.literal('ITF'),
  'format-description': z.string(),
  source: z.literal('clockcheck'),
  formatVersion: z.literal(FORMAT_VERSION),
  toolVersion: z.string(),
  scenario: z.string().min(1),
  variant: z.string().min(1),
  params: z.record(z.string(), z.union([z.number(), z.boolean()])),
  invariant: z.string().min(1),
  message: z.string(),
  modelHash: z.string(),
});

const actionSchema = z
  .looseObject({ kind: z.enum(ACTION_KINDS as [ClockAction['kind'], ...ClockAction['kind'][]]) })
  .refine(
    (a) =>
      Object.values(a).every(
        (v) => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v)),
      ),
    {
      message: 'action fields must be strings or integers',
    },
  );

const fileSchema = z.strictObject({
  '#meta': metaSchema,
  vars: z.array(z.string()).min(1),
  states: z
    .array(
      z.looseObject({
        '#meta': z.strictObject({
          index: z.number().int().nonnegative(),
          action: z.union([z.null(), actionSchema]),
        }),
      }),
    )
    .min(1),
});

function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** Parses and validates a counterexample file's text; `name` is used in error messages. */
export function parseTraceFile(text: string, name: string): TraceFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TraceFileError(`${name}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issuePath(issue.path) || 'top level';
    const hint =
      issue.path[0] === '#meta' || issue.path.length === 0
        ? ' (is this a clockcheck counterexample?)'
        : '';
    throw new TraceFileError(`${name}: ${where}: ${issue.message}${hint}`);
  }
  const { '#meta': meta, vars, states } = parsed.data;
  const steps = states.map((raw, i): TraceStep => {
    const { '#meta': stateMeta, ...values } = raw;
    if (stateMeta.index !== i)
      throw new TraceFileError(
        `${name}: states[${i}].#meta.index is ${stateMeta.index}, expected ${i}`,
      );
    if ((i === 0) !== (stateMeta.action === null)) {
      throw new TraceFileError(
        `${name}: states[${i}].#meta.action must be ${i === 0 ? 'null for the initial state' : 'an action'}`,
      );
    }
    const keys = Object.keys(values);
    if (keys.length !== vars.length || !vars.every((v) => keys.includes(v))) {
      throw new TraceFileError(
        `${name}: states[${i}] has variables [${keys.join(', ')}], expected [${vars.join(', ')}]`,
      );
    }
    for (const [k, v] of Object.entries(values)) {
      const problem = checkItfValue(v, `states[${i}].${k}`);
      if (problem !== undefined) throw new TraceFileError(`${name}: ${problem}`);
    }
    return {
      action: stateMeta.action as ClockAction | null,
      state: values as Record<string, ItfValue>,
    };
  });
  const { format: _f, 'format-description': _d, source: _s, formatVersion: _v, ...rest } = meta;
  return { meta: rest, vars, steps };
}
