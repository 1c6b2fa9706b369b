/**
 * Counterexample files: ITF JSON with clockcheck's `#meta`. The top-level `#meta` says what was
 * checked (tool and format version, scenario, variant, parameters, the violated invariant and its
 * message, a hash of the model's source); each state's `#meta` holds its index and the action that
 * led to it (`null` for the initial state). `parseTraceFile` is strict: anything else is an error
 * naming the field.
 */
import { z } from 'zod';
import { InputError } from '../check/inputError.ts';
import { ACTION_KINDS, type ClockAction } from '../model/actions.ts';
import { checkItfValue, type ItfValue } from './itf.ts';
import { FORMAT_VERSION, type TraceFile, type TraceStep } from './traceWriter.ts';

export {
  FORMAT_VERSION,
  serializeTrace,
  TRACE_SUFFIX,
  type TraceFile,
  type TraceMeta,
  type TraceStep,
} from './traceWriter.ts';

/** A file that is not a clockcheck counterexample: bad input, one line naming the field. */
export class TraceFileError extends InputError {}

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
  kernel: z
    .strictObject({ functions: z.array(z.string().min(1)).min(1), versions: z.string().min(1) })
    .optional(),
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
