/**
 * A guest clock reader as data: an ordered list of steps, each one atomic action of the reading
 * task (`guestRead task=N step=<name>`), so that host page writes and migrations interleave
 * between steps. A step reads what it reads from the state and says what it changes in the read's
 * progress and what comes next: the following step, a retry from the first (pvclock_read_retry's
 * loop), a jump to a named step (the vDSO's fallback to the syscall), or the value the read
 * returns. The guestRead transition (model/transitions/guestRead.ts) runs a reader and does the
 * bookkeeping of a completed read once for all readers; model/readers/steps.ts has the building
 * blocks the kernel's readers are made of.
 */
import type { ClockConfig } from '../config.ts';
import type { ReadClampPolicy } from '../policies/readClamp.ts';
import type { ClockState, ReadProgress } from '../state.ts';

/** What a step sees: the state before it, and the task's read as far as it has got. */
export interface ReadContext {
  readonly s: ClockState;
  readonly cfg: ClockConfig;
  readonly task: number;
  /** The vCPU the task is on now: what getcpu returns, and whose TSC rdtsc reads. */
  readonly vcpu: number;
  /**
   * The read so far. At the first step of a read `active` is false and the other fields are what
   * the task's last read left; a retry keeps what the attempt before it read.
   */
  readonly read: ReadProgress;
}

/** The fields of the read's progress a step may change (the rest is the framework's). */
export type ReadChanges = Partial<
  Pick<ReadProgress, 'pageVcpu' | 'cpu' | 'version' | 'fields' | 'tsc' | 'torn'>
>;

/**
 * The read is done: `value` as computed, before the clamp. The clamp is the step's own if given,
 * else the readClamp policy, applied to `value` with `flags` (the page flags the read used), as at
 * the end of pvclock_clocksource_read. `torn` (the fields came from two page writes) defaults to
 * the read progress's.
 */
export interface ReadReturn {
  readonly value: bigint;
  readonly flags: number;
  readonly torn?: boolean;
  readonly clamp?: ReadClampPolicy;
  /**
   * The read also asks the host to rewrite its vCPU's page (KVM_REQ_CLOCK_UPDATE, as a write of
   * MSR_KVM_SYSTEM_TIME does): the vCPU leaves guest code until the host has (Graf's cap).
   */
  readonly requestClockUpdate?: boolean;
}

/** What comes after a step. */
export type ReadNext =
  /** The following step of the list. */
  | 'next'
  /** The first step again (pvclock_read_retry); the read is still the same one and keeps its floor. */
  | 'retry'
  /** The step of this name (a fallback path, a loop). */
  | { readonly goTo: string }
  | ReadReturn;

export interface StepResult {
  readonly changes?: ReadChanges;
  readonly then: ReadNext;
}

export interface ReaderStep {
  /** The step's name in actions and traces: a lowercase word, dashes allowed. */
  readonly name: string;
  /** The task may take this step only when it holds (e.g. the page's version is even). */
  readonly ready?: (c: ReadContext) => boolean;
  readonly run: (c: ReadContext) => StepResult;
  /** The steps this one may jump to ({ goTo }), so that a reader naming no such step is refused early. */
  readonly goesTo?: readonly string[];
}

export interface Reader {
  readonly name: string;
  /** One line: what the reader does, and which kernel code it follows. */
  readonly description: string;
  readonly steps: readonly ReaderStep[];
}

const STEP_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Declares a reader from its steps (see model/readers/steps.ts for the building blocks). */
export function defineReader(definition: {
  readonly name: string;
  readonly description?: string;
  readonly steps: readonly ReaderStep[];
}): Reader {
  return Object.freeze({
    name: definition.name,
    description: definition.description ?? '',
    steps: Object.freeze([...definition.steps]),
  });
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Undefined if `reader` has the shape of a Reader (defineReader's result, possibly from a file
 * never type-checked); else what is wrong, in one line naming the step.
 */
export function readerProblem(reader: unknown): string | undefined {
  if (!isRecord(reader) || typeof reader['name'] !== 'string')
    return 'must be a built-in reader’s name or defineReader({ name, steps })';
  const steps = reader['steps'];
  if (!Array.isArray(steps) || steps.length === 0)
    return 'steps must be a non-empty list of { name, run, ready? }';
  const names: string[] = [];
  for (const [i, step] of (steps as unknown[]).entries()) {
    const at = isRecord(step) && typeof step['name'] === 'string' ? `'${step['name']}'` : `${i}`;
    if (!isRecord(step)) return `step ${i} must be { name, run, ready? }`;
    const name = step['name'];
    if (typeof name !== 'string' || !STEP_NAME.test(name))
      return `step ${at}: name must be a lowercase word (dashes allowed), like 'version'`;
    if (names.includes(name)) return `two steps are named '${name}'`;
    names.push(name);
    if (typeof step['run'] !== 'function') return `step ${at}: run must be a function`;
    if (step['ready'] !== undefined && typeof step['ready'] !== 'function')
      return `step ${at}: ready must be a function (or absent)`;
    const goesTo = step['goesTo'];
    if (
      goesTo !== undefined &&
      !(Array.isArray(goesTo) && goesTo.every((g) => typeof g === 'string'))
    )
      return `step ${at}: goesTo must be a list of step names`;
  }
  for (const step of steps as ReaderStep[]) {
    for (const target of step.goesTo ?? []) {
      if (!names.includes(target))
        return `step '${step.name}' goes to step '${target}', which the reader does not have (steps: ${names.join(', ')})`;
    }
  }
  return undefined;
}
