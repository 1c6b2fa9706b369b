/**
 * How the host writes a vCPU's pvclock page, as a list of steps a guest reader can interleave
 * with, one action each. The steps are made of the building blocks below; definePvclockWrite
 * makes a protocol of one's own from them. Each built-in protocol is what a range of kernels did
 * at the end of kvm_guest_time_update (arch/x86/kvm/x86.c), after the page's values were
 * computed (model/clocks.ts pvtiFor):
 *
 * - `atomic`: the whole page at once. An idealisation no kernel had: no reader can see a partial
 *   write.
 * - `bulk-copy`: v2.6.26 to v4.0. The host's copy of the page gets version += 2 (v4.0: the guest
 *   page's version + 2), then the whole struct is copied in one go: memcpy through kmap_atomic in
 *   v3.8, kvm_write_guest_cached (__copy_to_user, a `rep movs`) in v4.0. Verified in the v3.8 and
 *   v4.0 sources. Modelled as the version store first (it is the struct's first field), then a
 *   copy whose stores become visible to another CPU in any order: a step with one outcome per
 *   subset of the new fields (copyVisibleSubset), then the rest. (Within a string instruction the
 *   version store is not ordered either; the model keeps it first, the order most favourable to
 *   the reader.) A reader that starts after the version was written passes the version check
 *   with whichever fields had become visible.
 * - `odd-even`: since v4.1 (verified: v4.0 has the bulk copy, v4.1 this): the guest page's version
 *   + 1 (odd) written alone, smp_wmb, the whole struct, smp_wmb, the version + 1 again (even);
 *   readers retry on an odd or changed version. The same protocol moved to kvm_setup_pvclock_page
 *   and, today, kvm_setup_guest_pvclock. The copy of the fields is modelled in struct order, three
 *   steps (tsc_timestamp, system_time, mul/shift/flags): between the two barriers a reader that
 *   sees any of them also sees the odd version, so their order does not matter.
 *
 * Building blocks: writeVersion (versionOdd, versionEven, versionPlus2), copyFields (and its field
 * groups copyTscTimestamp, copySystemTime, copyScaleAndFlags, copyAllFields), copyVisibleSubset,
 * writeWholePage.
 */
import { pvtiPage, type Pvti } from '../arith/index.ts';

export interface PvtiWriteStep {
  readonly name: string;
  /**
   * The page after this step, given the page before it, the page being written and the version
   * the write started from; `choice` is which of the step's outcomes the host produces (0 when
   * the step has one).
   */
  readonly apply: (page: Pvti, target: Pvti, startVersion: number, choice: number) => Pvti;
  /**
   * After this step some fields come from the new page and some from the old one: fixed, or
   * decided from the page after the step, the page being written and the page before the write.
   */
  readonly partialAfter: boolean | ((page: Pvti, target: Pvti, previous: Pvti) => boolean);
  /**
   * How many outcomes the step has (default 1), any of which the host may produce: each is an
   * action of its own, `pvclockWrite vcpu=N choice=K` (a step with one outcome has no `choice`).
   */
  readonly choices?: number;
}

export interface PvclockWriteProtocol {
  readonly steps: readonly PvtiWriteStep[];
}

/** The fields of a page a write copies (the version is the protocol's own steps). */
export type PvtiField = 'tscTimestamp' | 'systemTime' | 'tscToSystemMul' | 'tscShift' | 'flags';

/** In struct order (struct pvclock_vcpu_time_info). */
export const PVTI_FIELDS: readonly PvtiField[] = [
  'tscTimestamp',
  'systemTime',
  'tscToSystemMul',
  'tscShift',
  'flags',
];

/** `p` with another version (the steps build pages with pvtiPage rather than spread them: see there). */
function withVersion(p: Pvti, version: number): Pvti {
  return pvtiPage(version, p.tscTimestamp, p.systemTime, p.tscToSystemMul, p.tscShift, p.flags);
}

/** `page` with the fields in `copied` taken from `target`. */
function copied(page: Pvti, target: Pvti, copied: ReadonlySet<PvtiField>): Pvti {
  const from = (f: PvtiField) => (copied.has(f) ? target : page);
  return pvtiPage(
    page.version,
    from('tscTimestamp').tscTimestamp,
    from('systemTime').systemTime,
    from('tscToSystemMul').tscToSystemMul,
    from('tscShift').tscShift,
    from('flags').flags,
  );
}

/** The version set to the write's starting version plus `delta` (u32), in a step named `name`. */
export function writeVersion(name: string, delta: number): PvtiWriteStep {
  return {
    name,
    apply: (p, _target, v) => withVersion(p, (v + delta) >>> 0),
    partialAfter: false,
  };
}

/** The fixed writer's first step: an odd version tells readers a write is under way. */
export const versionOdd = writeVersion('version odd', 1);
/** The fixed writer's last step: the next even version. */
export const versionEven = writeVersion('version even', 2);
/** The old writer's first step: the host's copy of the page gets version + 2, written first. */
export const versionPlus2 = writeVersion('copy version (+2)', 2);

/**
 * The named fields copied from the page being written, at once. `partialAfter` (default true):
 * the page is half-written after this step (false for the last fields of a copy).
 */
export function copyFields(
  name: string,
  fields: readonly PvtiField[],
  options: { readonly partialAfter?: boolean } = {},
): PvtiWriteStep {
  const set = new Set(fields);
  return { name, apply: (p, t) => copied(p, t, set), partialAfter: options.partialAfter ?? true };
}

export const copyTscTimestamp = copyFields('copy tsc_timestamp', ['tscTimestamp']);
export const copySystemTime = copyFields('copy system_time', ['systemTime']);
export const copyScaleAndFlags = copyFields(
  'copy tsc_to_system_mul, tsc_shift, flags',
  ['tscToSystemMul', 'tscShift', 'flags'],
  { partialAfter: false },
);

/** Every field, at once: the end of a copy (no field is left old after it). */
export const copyAllFields = copyFields('copy the remaining fields', PVTI_FIELDS, {
  partialAfter: false,
});

/**
 * Some of `fields` copied, whichever: one outcome per subset (choice = the bit mask of the
 * subset, bit i for fields[i]), as a weakly ordered copy (rep movs) may have made any subset of
 * its stores visible. The page is half-written after it when it holds a new value that differs
 * from the old one and an old value that differs from the new one.
 */
export function copyVisibleSubset(
  fields: readonly PvtiField[] = PVTI_FIELDS,
  name = 'copy some fields',
): PvtiWriteStep {
  const subsets = Array.from(
    { length: 2 ** fields.length },
    (_, mask) => new Set(fields.filter((_f, i) => (mask & (1 << i)) !== 0)),
  );
  return {
    name,
    choices: subsets.length,
    apply: (p, t, _v, choice) => copied(p, t, subsets[choice]!),
    partialAfter: (page, target, previous) => {
      const newOnly = PVTI_FIELDS.some((f) => page[f] === target[f] && page[f] !== previous[f]);
      const oldOnly = PVTI_FIELDS.some((f) => page[f] === previous[f] && page[f] !== target[f]);
      return newOnly && oldOnly;
    },
  };
}

/** The whole page, version + 2 included, in one step. */
export const writeWholePage: PvtiWriteStep = {
  name: 'write the whole page',
  apply: (_page, t, v) =>
    pvtiPage((v + 2) >>> 0, t.tscTimestamp, t.systemTime, t.tscToSystemMul, t.tscShift, t.flags),
  partialAfter: false,
};

/**
 * Undefined if `protocol` has the shape of a write protocol (possibly from a file never
 * type-checked); else what is wrong, in one line naming the step.
 */
export function pvclockWriteProblem(protocol: unknown): string | undefined {
  const steps =
    typeof protocol === 'object' && protocol !== null
      ? (protocol as { steps?: unknown }).steps
      : undefined;
  if (!Array.isArray(steps) || steps.length === 0)
    return 'must be a built-in protocol’s name or definePvclockWrite({ steps: [...] })';
  for (const [i, step] of (steps as unknown[]).entries()) {
    const s = (typeof step === 'object' && step !== null ? step : {}) as Record<string, unknown>;
    const at = typeof s['name'] === 'string' ? `'${s['name']}'` : `${i}`;
    if (typeof s['name'] !== 'string' || s['name'] === '') return `step ${i} needs a name`;
    if (typeof s['apply'] !== 'function') return `step ${at}: apply must be a function`;
    const partial = s['partialAfter'];
    if (typeof partial !== 'boolean' && typeof partial !== 'function')
      return `step ${at}: partialAfter must be a boolean or a function of the pages`;
    const choices = s['choices'];
    if (
      choices !== undefined &&
      !(typeof choices === 'number' && Number.isInteger(choices) && choices >= 1)
    )
      return `step ${at}: choices must be a whole number of at least 1`;
  }
  return undefined;
}

/**
 * Declares a write protocol from its steps (the blocks above, or steps of one's own); a variant
 * file's is checked when the file is loaded (pvclockWriteProblem).
 */
export function definePvclockWrite(definition: {
  readonly steps: readonly PvtiWriteStep[];
}): PvclockWriteProtocol {
  return Object.freeze({ steps: Object.freeze([...definition.steps]) });
}

export const pvclockWriteProtocols = {
  atomic: { steps: [writeWholePage] },
  'bulk-copy': {
    steps: [
      versionPlus2,
      copyVisibleSubset(PVTI_FIELDS, 'copy: some fields visible'),
      copyAllFields,
    ],
  },
  'odd-even': {
    steps: [versionOdd, copyTscTimestamp, copySystemTime, copyScaleAndFlags, versionEven],
  },
} satisfies Record<string, PvclockWriteProtocol>;
