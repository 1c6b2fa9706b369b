/**
 * A user's reader (policies.reader of a variant file), checked: its shape once when the file is
 * loaded, and what each step returns every time it runs, so that a mistake is one line naming the
 * file, the step and what was expected rather than a wrong verdict or an encoder's complaint.
 */
import type { ClockState } from '../model/state.ts';
import {
  defineReader,
  type ReadContext,
  type Reader,
  type ReaderStep,
  type StepResult,
} from '../model/readers/reader.ts';

type Fields = Readonly<Record<string, unknown>>;

const isRecord = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isU64 = (v: unknown): boolean => typeof v === 'bigint' && v >= 0n && v < 1n << 64n;

const PVTI_FIELDS: Readonly<Record<string, (v: unknown) => boolean>> = {
  version: (v) => isInt(v, 0, 0xffff_ffff),
  tscTimestamp: isU64,
  systemTime: isU64,
  tscToSystemMul: (v) => isInt(v, 0, 0xffff_ffff),
  tscShift: (v) => isInt(v, -128, 127),
  flags: (v) => isInt(v, 0, 0xff),
};

/** What is wrong with one change a step returned, or undefined. */
function changeProblem(key: string, v: unknown, s: ClockState): string | undefined {
  const vcpus = s.vcpus.length;
  switch (key) {
    case 'pageVcpu':
      return isInt(v, 0, vcpus - 1) ? undefined : `a vCPU (0 to ${vcpus - 1})`;
    case 'cpu':
      return isInt(v, -1, vcpus - 1) ? undefined : `a vCPU (0 to ${vcpus - 1}) or -1`;
    case 'version':
      return isInt(v, 0, 0xffff_ffff) ? undefined : 'a u32';
    case 'tsc':
      return isU64(v) ? undefined : 'a u64 bigint';
    case 'torn':
      return typeof v === 'boolean' ? undefined : 'a boolean';
    case 'fields':
      return isRecord(v) &&
        Object.keys(PVTI_FIELDS).every((f) => PVTI_FIELDS[f]!(v[f])) &&
        Object.keys(v).every((f) => f in PVTI_FIELDS)
        ? undefined
        : 'a pvclock page { version, tscTimestamp, systemTime, tscToSystemMul, tscShift, flags }';
    default:
      return undefined;
  }
}

const CHANGEABLE = ['pageVcpu', 'cpu', 'version', 'fields', 'tsc', 'torn'];

/** What is wrong with a step's result, or undefined. */
function resultProblem(
  result: unknown,
  s: ClockState,
  steps: readonly string[],
): string | undefined {
  if (!isRecord(result)) return `returned ${typeof result}: expected { changes?, then }`;
  const changes = result['changes'];
  if (changes !== undefined) {
    if (!isRecord(changes)) return 'returned changes that are not an object';
    for (const [key, v] of Object.entries(changes)) {
      if (!CHANGEABLE.includes(key))
        return `changes ${key}, which a step may not change (it may change: ${CHANGEABLE.join(', ')})`;
      const expected = changeProblem(key, v, s);
      if (expected !== undefined) return `changes ${key} to ${String(v)}: expected ${expected}`;
    }
  }
  const then = result['then'];
  if (then === 'next' || then === 'retry') return undefined;
  if (isRecord(then) && 'goTo' in then) {
    const target = then['goTo'];
    return typeof target === 'string' && steps.includes(target)
      ? undefined
      : `goes to step ${JSON.stringify(target)}, which the reader does not have (steps: ${steps.join(', ')})`;
  }
  if (isRecord(then) && 'value' in then) {
    if (!isU64(then['value']))
      return `returns value ${String(then['value'])}: expected a u64 bigint`;
    if (!isInt(then['flags'], 0, 0xff)) return 'returns a value without its page flags (a u8)';
    if (then['torn'] !== undefined && typeof then['torn'] !== 'boolean')
      return 'returns torn that is not a boolean';
    if (then['clamp'] !== undefined && typeof then['clamp'] !== 'function')
      return 'returns a clamp that is not a function';
    if (then['requestClockUpdate'] !== undefined && typeof then['requestClockUpdate'] !== 'boolean')
      return 'returns requestClockUpdate that is not a boolean';
    return undefined;
  }
  return `returned then: ${JSON.stringify(then)} (expected 'next', 'retry', { goTo: a step's name } or { value, flags })`;
}

/** The reader, its steps wrapped so that what they return is checked; `where` names the file. */
export function checkedReader(reader: Reader, where: string): Reader {
  const names = reader.steps.map((s) => s.name);
  const what = (step: ReaderStep) => `${where}: policies.reader step '${step.name}'`;
  const steps = reader.steps.map((step): ReaderStep => {
    const { ready, run } = step;
    return {
      ...step,
      ...(ready === undefined
        ? {}
        : {
            ready: (c: ReadContext) => {
              const ok: unknown = ready(c);
              if (typeof ok !== 'boolean')
                throw new Error(`${what(step)}: ready returned ${typeof ok}: expected a boolean`);
              return ok;
            },
          }),
      run: (c: ReadContext): StepResult => {
        const result: unknown = run(c);
        const problem = resultProblem(result, c.s, names);
        if (problem !== undefined) throw new Error(`${what(step)} ${problem}`);
        return result as StepResult;
      },
    };
  });
  return defineReader({ name: reader.name, description: reader.description, steps });
}
