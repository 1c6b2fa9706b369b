/**
 * Whether a state written by a user's code (a policy, transition or monitor of their own) still has
 * the model's shape: every record the fields the model has and no other, every list as long as the
 * model's, every value of its field's kind, and the scenario's own fields (`ext`) as declared. The
 * explorer encodes only the fields it knows, so a field written anywhere else would be invisible to
 * it: silently dropped from every fingerprint and trace. Only user code is checked, after each of
 * its steps; the model's own transitions are typed.
 */
import type { ClockConfig } from './config.ts';
import type { ClockState } from './state.ts';
import { extProblem } from './stateExtension.ts';

type Kind = 'array' | 'null' | 'record' | 'bigint' | 'number' | 'boolean' | 'string' | 'other';

function kindOf(v: unknown): Kind {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  const t = typeof v;
  if (t === 'object') return 'record';
  return t === 'bigint' || t === 'number' || t === 'boolean' || t === 'string' ? t : 'other';
}

const KIND_NAMES: Readonly<Record<Kind, string>> = {
  array: 'a list',
  null: 'null',
  record: 'a record',
  bigint: 'a bigint',
  number: 'a number',
  boolean: 'a boolean',
  string: 'a string',
  other: 'a function or undefined',
};

/**
 * Where `after` leaves the shape of `template` (a state of the same run, e.g. its initial state),
 * looking only at what differs from `before` (a record the step did not replace was checked
 * already). Undefined when the shape is kept.
 */
function difference(
  before: unknown,
  after: unknown,
  template: unknown,
  path: string,
): string | undefined {
  if (after === before) return undefined;
  const want = kindOf(template);
  const got = kindOf(after);
  if (want !== got) return `${path} is ${KIND_NAMES[got]}, where the state has ${KIND_NAMES[want]}`;
  if (got === 'number' && !Number.isSafeInteger(after))
    return `${path} is ${String(after)}, where the state has an integer`;
  if (got === 'array') {
    const [a, t] = [after as unknown[], template as unknown[]];
    const b = Array.isArray(before) ? before : [];
    if (a.length !== t.length)
      return `${path} has ${a.length} entries, where the state has ${t.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = difference(b[i], a[i], t[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (got === 'record') {
    const [a, t] = [after as Record<string, unknown>, template as Record<string, unknown>];
    const b = (kindOf(before) === 'record' ? before : {}) as Record<string, unknown>;
    for (const key of Object.keys(a))
      if (!Object.hasOwn(t, key)) return `${path}.${key} is not a field of the state`;
    for (const key of Object.keys(t)) {
      if (!Object.hasOwn(a, key)) return `${path}.${key} is missing`;
      const d = difference(b[key], a[key], t[key], `${path}.${key}`);
      if (d !== undefined) return d;
    }
  }
  return undefined;
}

/**
 * Why `after`, a state user code produced from `before`, is not a state of this configuration
 * (`template` is one that is, such as the initial state), or undefined.
 */
export function stateShapeProblem(
  before: ClockState,
  after: unknown,
  template: ClockState,
  cfg: ClockConfig,
): string | undefined {
  if (kindOf(after) !== 'record') return `the state is ${KIND_NAMES[kindOf(after)]}`;
  const a = after as Record<string, unknown>;
  const { ext: _ext, ...rest } = a;
  const { ext: _t, ...templateRest } = template;
  const { ext: _b, ...beforeRest } = before;
  if (!Object.hasOwn(a, 'ext')) return 'state.ext is missing';
  const problem = difference(beforeRest, rest, templateRest, 'state');
  if (problem !== undefined) return problem;
  if (a['ext'] === before.ext) return undefined;
  return extProblem(cfg.ext, a['ext'], {
    vcpu: cfg.vcpus.length,
    task: cfg.tasks.length,
    pcpu: cfg.pcpus.length,
  });
}
