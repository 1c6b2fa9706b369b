/**
 * How the host writes a vCPU's pvclock page (kvm_setup_guest_pvclock in arch/x86/kvm/x86.c), as a
 * list of steps a guest reader can interleave with. The fields are copied in struct order in three
 * steps (tsc_timestamp, system_time, then mul/shift/flags), so a reader can see a half-written page.
 *
 * - `atomic`: the whole page at once (an idealisation: no reader can see a partial write).
 * - `bulk-copy`: before 2015: version += 2 in the host's copy, then one copy of the whole struct,
 *   whose first field is the new, even version. A reader that starts after the version was written
 *   passes the version check with fields from two different writes.
 * - `odd-even`: the fix: version odd, barrier, fields, barrier, version even; readers retry.
 */
import type { Pvti } from '../arith/index.ts';

export interface PvtiWriteStep {
  readonly name: string;
  /** The page after this step, given the page before it, the page being written and the version the write started from. */
  readonly apply: (page: Pvti, target: Pvti, startVersion: number) => Pvti;
  /** After this step some fields come from the new page and some from the old one. */
  readonly partialAfter: boolean;
}

export interface PvclockWriteProtocol {
  readonly steps: readonly PvtiWriteStep[];
}

const copyTscTimestamp: PvtiWriteStep = {
  name: 'copy tsc_timestamp',
  apply: (page, target) => ({ ...page, tscTimestamp: target.tscTimestamp }),
  partialAfter: true,
};
const copySystemTime: PvtiWriteStep = {
  name: 'copy system_time',
  apply: (page, target) => ({ ...page, systemTime: target.systemTime }),
  partialAfter: true,
};
const copyScaleAndFlags: PvtiWriteStep = {
  name: 'copy tsc_to_system_mul, tsc_shift, flags',
  apply: (page, target) => ({
    ...page,
    tscToSystemMul: target.tscToSystemMul,
    tscShift: target.tscShift,
    flags: target.flags,
  }),
  partialAfter: false,
};

export const pvclockWriteProtocols = {
  atomic: {
    steps: [
      {
        name: 'write the whole page',
        apply: (_page, target, v) => ({ ...target, version: (v + 2) >>> 0 }),
        partialAfter: false,
      },
    ],
  },
  'bulk-copy': {
    steps: [
      {
        name: 'copy version (+2)',
        apply: (page, _target, v) => ({ ...page, version: (v + 2) >>> 0 }),
        partialAfter: false,
      },
      copyTscTimestamp,
      copySystemTime,
      copyScaleAndFlags,
    ],
  },
  'odd-even': {
    steps: [
      {
        name: 'version odd',
        apply: (page, _target, v) => ({ ...page, version: (v + 1) >>> 0 }),
        partialAfter: false,
      },
      copyTscTimestamp,
      copySystemTime,
      copyScaleAndFlags,
      {
        name: 'version even',
        apply: (page, _target, v) => ({ ...page, version: (v + 2) >>> 0 }),
        partialAfter: false,
      },
    ],
  },
} satisfies Record<string, PvclockWriteProtocol>;
