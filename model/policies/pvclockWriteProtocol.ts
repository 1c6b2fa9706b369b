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
import { pvtiPage, type Pvti } from '../arith/index.ts';

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

/** `p` with another version (the steps build pages with pvtiPage rather than spread them: see there). */
function withVersion(p: Pvti, version: number): Pvti {
  return pvtiPage(version, p.tscTimestamp, p.systemTime, p.tscToSystemMul, p.tscShift, p.flags);
}

const copyTscTimestamp: PvtiWriteStep = {
  name: 'copy tsc_timestamp',
  apply: (p, target) =>
    pvtiPage(p.version, target.tscTimestamp, p.systemTime, p.tscToSystemMul, p.tscShift, p.flags),
  partialAfter: true,
};
const copySystemTime: PvtiWriteStep = {
  name: 'copy system_time',
  apply: (p, target) =>
    pvtiPage(p.version, p.tscTimestamp, target.systemTime, p.tscToSystemMul, p.tscShift, p.flags),
  partialAfter: true,
};
const copyScaleAndFlags: PvtiWriteStep = {
  name: 'copy tsc_to_system_mul, tsc_shift, flags',
  apply: (p, target) =>
    pvtiPage(
      p.version,
      p.tscTimestamp,
      p.systemTime,
      target.tscToSystemMul,
      target.tscShift,
      target.flags,
    ),
  partialAfter: false,
};

export const pvclockWriteProtocols = {
  atomic: {
    steps: [
      {
        name: 'write the whole page',
        apply: (_page, t, v) =>
          pvtiPage(
            (v + 2) >>> 0,
            t.tscTimestamp,
            t.systemTime,
            t.tscToSystemMul,
            t.tscShift,
            t.flags,
          ),
        partialAfter: false,
      },
    ],
  },
  'bulk-copy': {
    steps: [
      {
        name: 'copy version (+2)',
        apply: (p, _target, v) => withVersion(p, (v + 2) >>> 0),
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
        apply: (p, _target, v) => withVersion(p, (v + 1) >>> 0),
        partialAfter: false,
      },
      copyTscTimestamp,
      copySystemTime,
      copyScaleAndFlags,
      {
        name: 'version even',
        apply: (p, _target, v) => withVersion(p, (v + 2) >>> 0),
        partialAfter: false,
      },
    ],
  },
} satisfies Record<string, PvclockWriteProtocol>;
