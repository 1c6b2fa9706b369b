/**
 * A scenario's own state: fields a user declares beside the model's (a history variable, in TLA+'s
 * terms: "the largest kvmclock any vCPU showed during this read", "when the VM was paused"), kept
 * in `state.ext`. A declared field is a boolean, an integer in a range, or a u64 / s64, alone or
 * one per vCPU, task or pCPU. It is encoded and fingerprinted like every other field (so the
 * explorer tells states apart by it), written to counterexample files and compared by replay; a
 * value outside its declaration (an undeclared name, the wrong type, out of range) is an error
 * naming the field.
 *
 *     state: {
 *       pausedAt: { type: 'int', initial: -1, min: -1, meaning: 'when the VM was paused (ns)' },
 *       maxSeen: { type: 'u64', initial: 0n, per: 'vcpu' },
 *     }
 */
import type { Decoder, Encoder } from '../explorer/index.ts';

/** What a per-component field has one value for. */
export type ExtPer = 'vcpu' | 'task' | 'pcpu';

interface FieldCommon {
  /** One line: what the field holds. */
  readonly meaning?: string;
  /** One value per vCPU, task or pCPU (an array in the state) instead of one value. */
  readonly per?: ExtPer;
}
export interface BoolField extends FieldCommon {
  readonly type: 'bool';
  readonly initial: boolean;
}
export interface IntField extends FieldCommon {
  /** A safe integer (a number), within [min, max] (default: every safe integer). */
  readonly type: 'int';
  readonly initial: number;
  readonly min?: number;
  readonly max?: number;
}
export interface BigField extends FieldCommon {
  /** The kernel's u64 or s64, as a bigint. */
  readonly type: 'u64' | 's64';
  readonly initial: bigint;
}
export type ExtField = BoolField | IntField | BigField;

/** A scenario's declaration of its own state fields, by name. */
export type StateExtension = Readonly<Record<string, ExtField>>;

export type ExtScalar = boolean | number | bigint;
export type ExtValue = ExtScalar | readonly ExtScalar[];
/** The values of the declared fields (the model's own scenarios declare none: `{}`). */
export type ExtState = Readonly<Record<string, ExtValue>>;

type ScalarOf<F extends ExtField> = F extends BoolField
  ? boolean
  : F extends IntField
    ? number
    : bigint;

/** The typed values of a declaration: what `state.ext` holds for it. */
export type ExtOf<E extends StateExtension> = {
  [K in keyof E]: E[K] extends { readonly per: ExtPer }
    ? readonly ScalarOf<E[K]>[]
    : ScalarOf<E[K]>;
};

export const NO_EXTENSION: StateExtension = Object.freeze({});
/** The state's `ext` when nothing is declared (one object, shared by every state). */
const NO_EXT_STATE: ExtState = Object.freeze({});

/** How many values a per-component field has, from the configuration's counts. */
export interface ComponentCounts {
  readonly vcpu: number;
  readonly task: number;
  readonly pcpu: number;
}

/** The fields' initial values. */
export function initialExt(decl: StateExtension, counts: ComponentCounts): ExtState {
  if (decl === NO_EXTENSION) return NO_EXT_STATE;
  const ext: Record<string, ExtValue> = {};
  for (const [name, f] of Object.entries(decl))
    ext[name] =
      f.per === undefined ? f.initial : new Array<ExtScalar>(counts[f.per]).fill(f.initial);
  return ext;
}

const U64_MAX = (1n << 64n) - 1n;
const S64_MIN = -(1n << 63n);
const S64_MAX = (1n << 63n) - 1n;

/** Why `v` is not a value of `f` (undefined when it is). */
function scalarProblem(f: ExtField, v: unknown): string | undefined {
  switch (f.type) {
    case 'bool':
      return typeof v === 'boolean' ? undefined : `${show(v)} is not a boolean`;
    case 'int': {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return `${show(v)} is not an integer`;
      const min = f.min ?? Number.MIN_SAFE_INTEGER;
      const max = f.max ?? Number.MAX_SAFE_INTEGER;
      return v < min || v > max ? `${v} is outside its range ${min} to ${max}` : undefined;
    }
    case 'u64':
    case 's64': {
      if (typeof v !== 'bigint') return `${show(v)} is not a bigint (${f.type})`;
      const [min, max] = f.type === 'u64' ? [0n, U64_MAX] : [S64_MIN, S64_MAX];
      return v < min || v > max ? `${v} is not a ${f.type}` : undefined;
    }
  }
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  return Array.isArray(v) ? 'a list' : v === null ? 'null' : String(v);
}

/**
 * Where `ext` breaks its declaration, as "state.ext.<field>: what is wrong", or undefined. `counts`
 * gives the length of per-component fields.
 */
export function extProblem(
  decl: StateExtension,
  ext: unknown,
  counts: ComponentCounts,
): string | undefined {
  if (typeof ext !== 'object' || ext === null || Array.isArray(ext))
    return `state.ext is ${show(ext)}, not a record of the declared fields`;
  const declared = Object.keys(decl);
  for (const name of Object.keys(ext)) {
    if (!Object.hasOwn(decl, name))
      return `state.ext.${name} is not a declared field (declared: ${declared.join(', ') || 'none'})`;
  }
  for (const [name, f] of Object.entries(decl)) {
    const v = (ext as Record<string, unknown>)[name];
    if (f.per === undefined) {
      const p = scalarProblem(f, v);
      if (p !== undefined) return `state.ext.${name}: ${p}`;
      continue;
    }
    if (!Array.isArray(v)) return `state.ext.${name}: ${show(v)} is not a list (one per ${f.per})`;
    if (v.length !== counts[f.per])
      return `state.ext.${name} has ${v.length} values, one per ${f.per} is ${counts[f.per]}`;
    for (const [i, x] of v.entries()) {
      const p = scalarProblem(f, x);
      if (p !== undefined) return `state.ext.${name}[${i}]: ${p}`;
    }
  }
  return undefined;
}

/** Why a declaration is malformed (a user's file is not type-checked), or undefined. */
export function declarationProblem(decl: unknown): string | undefined {
  if (typeof decl !== 'object' || decl === null || Array.isArray(decl))
    return 'state must be a record of field declarations';
  for (const [name, f] of Object.entries(decl as Record<string, unknown>)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      return `state.${name}: a field name is a JavaScript identifier`;
    if (typeof f !== 'object' || f === null) return `state.${name} must be { type, initial, ... }`;
    const field = f as Record<string, unknown>;
    const type = field['type'];
    if (type !== 'bool' && type !== 'int' && type !== 'u64' && type !== 's64')
      return `state.${name}.type must be 'bool', 'int', 'u64' or 's64', not ${show(type)}`;
    const per = field['per'];
    if (per !== undefined && per !== 'vcpu' && per !== 'task' && per !== 'pcpu')
      return `state.${name}.per must be 'vcpu', 'task' or 'pcpu', not ${show(per)}`;
    if (type === 'int') {
      for (const bound of ['min', 'max'] as const) {
        const b = field[bound];
        if (b !== undefined && (typeof b !== 'number' || !Number.isSafeInteger(b)))
          return `state.${name}.${bound} must be an integer`;
      }
    }
    const p = scalarProblem(f as ExtField, field['initial']);
    if (p !== undefined) return `state.${name}.initial: ${p}`;
  }
  return undefined;
}

/** A renumbering of components (symmetry.ts): order[new] = old. */
export interface ExtRenaming {
  readonly vcpuOrder: readonly number[];
  readonly taskOrder: readonly number[];
  readonly pcpuOrder: readonly number[];
}

function orderOf(r: ExtRenaming, per: ExtPer): readonly number[] {
  return per === 'vcpu' ? r.vcpuOrder : per === 'task' ? r.taskOrder : r.pcpuOrder;
}

function encodeScalar(out: Encoder, f: ExtField, v: ExtScalar): void {
  if (f.type === 'bool') out.bool(v as boolean);
  else if (f.type === 'int') out.int(v as number);
  else if (f.type === 'u64') out.u64(v as bigint);
  else out.i64(v as bigint);
}

/**
 * Writes the declared fields, in declaration order; a per-component field in the renamed order
 * (its values move with the components they belong to).
 */
export function encodeExt(
  out: Encoder,
  decl: StateExtension,
  ext: ExtState,
  r?: ExtRenaming,
): void {
  for (const name in decl) {
    const f = decl[name]!;
    const v = ext[name]!;
    if (f.per === undefined) {
      encodeScalar(out, f, v as ExtScalar);
      continue;
    }
    const values = v as readonly ExtScalar[];
    const order = r === undefined ? undefined : orderOf(r, f.per);
    for (let i = 0; i < values.length; i++)
      encodeScalar(out, f, values[order === undefined ? i : order[i]!]!);
  }
}

function decodeScalar(r: Decoder, f: ExtField): ExtScalar {
  if (f.type === 'bool') return r.bool();
  if (f.type === 'int') return r.int();
  return f.type === 'u64' ? r.u64() : r.i64();
}

/** The inverse of encodeExt (without a renaming). */
export function decodeExt(r: Decoder, decl: StateExtension, counts: ComponentCounts): ExtState {
  if (decl === NO_EXTENSION) return NO_EXT_STATE;
  const ext: Record<string, ExtValue> = {};
  for (const name in decl) {
    const f = decl[name]!;
    if (f.per === undefined) ext[name] = decodeScalar(r, f);
    else ext[name] = Array.from({ length: counts[f.per] }, () => decodeScalar(r, f));
  }
  return ext;
}
