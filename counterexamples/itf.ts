/**
 * Values in the Informal Trace Format (ITF, as Apalache and Quint write it): every integer is
 * `{"#bigint": "..."}`, booleans and strings are themselves, arrays are lists, objects are
 * records. `toItf` converts a model state; `checkItfValue` validates a value read from a file,
 * accepting only what this tool writes.
 */

export type ItfValue =
  | boolean
  | string
  | { readonly '#bigint': string }
  | readonly ItfValue[]
  | { readonly [key: string]: ItfValue };

export function toItf(value: unknown, path = 'state'): ItfValue {
  if (typeof value === 'bigint') return { '#bigint': value.toString() };
  if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw new Error(`${path}: ${value} is not an integer; ITF states hold integers only`);
    return { '#bigint': value.toString() };
  }
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v, i) => toItf(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toItf(v, `${path}.${k}`)]));
  }
  throw new Error(`${path}: ${String(value)} has no ITF form`);
}

export function isBigintValue(v: unknown): v is { '#bigint': string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    '#bigint' in v
  );
}

/** Undefined if `value` is an ITF value of the kinds this tool writes; else where and what is wrong. */
export function checkItfValue(value: unknown, path: string): string | undefined {
  if (typeof value === 'boolean' || typeof value === 'string') return undefined;
  if (typeof value === 'number')
    return `${path}: the integer ${value} must be written {"#bigint": "${value}"}`;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const problem = checkItfValue(v, `${path}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    if ('#bigint' in value) {
      const digits = (value as { '#bigint': unknown })['#bigint'];
      if (
        Object.keys(value).length !== 1 ||
        typeof digits !== 'string' ||
        !/^-?\d+$/.test(digits)
      ) {
        return `${path}: expected {"#bigint": "<decimal digits>"}`;
      }
      return undefined;
    }
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('#'))
        return `${path}.${k}: ITF construct ${k} is not used by clockcheck traces`;
      const problem = checkItfValue(v, `${path}.${k}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  return `${path}: ${value === null ? 'null' : typeof value} is not an ITF value`;
}

/** Text for one value, for messages and views: integers as digits, records as {a: 1, ...}. */
export function showItf(v: ItfValue): string {
  if (isBigintValue(v)) return v['#bigint'];
  if (typeof v === 'boolean' || typeof v === 'string') return String(v);
  if (Array.isArray(v)) return `[${v.map(showItf).join(', ')}]`;
  return `{${Object.entries(v as Record<string, ItfValue>)
    .map(([k, x]) => `${k}: ${showItf(x)}`)
    .join(', ')}}`;
}

/** Every leaf of a value, as [path, value] pairs with paths like `tasks[0].lastRead.value`. */
export function leaves(v: ItfValue, path = ''): [string, ItfValue][] {
  if (isBigintValue(v) || typeof v === 'boolean' || typeof v === 'string') return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, `${path}[${i}]`));
  return Object.entries(v as Record<string, ItfValue>).flatMap(([k, x]) =>
    leaves(x, path === '' ? k : `${path}.${k}`),
  );
}

/** The leaves that differ between two values of the same shape: [path, before, after]. */
export function diffItf(before: ItfValue, after: ItfValue): [string, string, string][] {
  const old = new Map(leaves(before).map(([p, v]) => [p, showItf(v)]));
  const changes: [string, string, string][] = [];
  for (const [p, v] of leaves(after)) {
    const was = old.get(p);
    const now = showItf(v);
    if (was !== now) changes.push([p, was ?? '(absent)', now]);
    old.delete(p);
  }
  for (const [p, was] of old) changes.push([p, was, '(absent)']);
  return changes;
}

/** A leaf's text as showItf writes its ITF form; undefined for a value that is not a leaf. */
function leafText(v: unknown): string | undefined {
  if (typeof v === 'bigint' || typeof v === 'string') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? v.toString() : undefined;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** Adds to `out` where two model values differ; false when their shapes differ. */
function walkChanges(
  a: unknown,
  b: unknown,
  path: string,
  out: [string, string, string][],
): boolean {
  if (a === b) return true;
  const x = leafText(a);
  const y = leafText(b);
  if (x !== undefined || y !== undefined) {
    if (x === undefined || y === undefined) return false;
    if (x !== y) out.push([path, x, y]);
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < b.length; i++)
      if (!walkChanges(a[i], b[i], `${path}[${i}]`, out)) return false;
    return true;
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return false;
  const before = a as Record<string, unknown>;
  const after = b as Record<string, unknown>;
  const keys = Object.keys(after);
  if (keys.length !== Object.keys(before).length) return false;
  for (const k of keys) {
    if (!(k in before)) return false;
    if (!walkChanges(before[k], after[k], path === '' ? k : `${path}.${k}`, out)) return false;
  }
  return true;
}

/**
 * `diffItf(toItf(before), toItf(after))` for two model states, without converting what did not
 * change: consecutive states of a trace share every record the step left alone (immer), so the
 * walk skips them. States of another shape take the long way, with its errors.
 */
export function diffStates(before: unknown, after: unknown): [string, string, string][] {
  const changes: [string, string, string][] = [];
  return walkChanges(before, after, '', changes) ? changes : diffItf(toItf(before), toItf(after));
}

/**
 * A value read back from ITF into the shape of `template` (a model value of the same shape, such
 * as the model's initial state): each integer becomes a bigint or a number as the template's is.
 * An error names the path where the shapes differ.
 */
export function fromItf(v: ItfValue, template: unknown, path = 'state'): unknown {
  if (isBigintValue(v)) {
    if (typeof template === 'bigint') return BigInt(v['#bigint']);
    if (typeof template === 'number') return Number(v['#bigint']);
    throw new Error(`${path}: an integer where the model has ${typeof template}`);
  }
  if (typeof v === 'boolean' || typeof v === 'string') {
    if (typeof template !== typeof v)
      throw new Error(`${path}: a ${typeof v} where the model has ${typeof template}`);
    return v;
  }
  if (Array.isArray(v)) {
    if (!Array.isArray(template)) throw new Error(`${path}: a list where the model has none`);
    if (v.length > 0 && template.length === 0)
      throw new Error(`${path}: ${v.length} items where the model has none`);
    // Lists hold values of one shape; take each item's from the template's item at that index, or its first.
    return v.map((x, i) => fromItf(x, template[i] ?? template[0], `${path}[${i}]`));
  }
  if (typeof template !== 'object' || template === null || Array.isArray(template))
    throw new Error(`${path}: a record where the model has ${typeof template}`);
  const t = template as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(v as Record<string, ItfValue>).map(([k, x]) => {
      if (!(k in t)) throw new Error(`${path}.${k}: not a field of the model's state`);
      return [k, fromItf(x, t[k], `${path}.${k}`)];
    }),
  );
}
