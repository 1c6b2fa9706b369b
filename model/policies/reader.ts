/**
 * Which reader a guest clock read runs (the policy point of guestRead): a list of steps made of
 * the building blocks in model/readers/steps.ts. A user's variant may give its own
 * (`policies: { reader: defineReader({ ... }) }`).
 *
 * - `one-step`: the whole read in one step (`whole`) on the page the readPage policy picks, with
 *   the TSC of the task's vCPU, waiting while the version is odd. With readPage getcpu it is the
 *   guest kernel's own read (kvm_clock_read → pvclock_clocksource_read, all versions: preemption
 *   is off, so the task stays on its vCPU and that vCPU's page cannot change under it).
 * - `split`: four steps, so that writes and migrations come in between: `version` (the readPage
 *   policy's page, waiting while odd), `fields`, `tsc`, `check` (retry if the version changed,
 *   else the value). The protocol of pvclock_clocksource_read and of the vDSO's vread_pvclock of
 *   v3.8 to v4.4, minus that reader's getcpu re-check and with the fields read before the TSC
 *   (both read the TSC first, inside __pvclock_read_cycles). Kept as it is so that the committed
 *   counterexamples replay; the faithful readers are a few lines of the same blocks.
 *
 * Both return the value through the readClamp policy.
 */
import { defineReader, type Reader } from '../readers/reader.ts';
import { versionChanged } from '../readers/conditions.ts';
import { policyPage } from '../readers/pages.ts';
import { rdtsc, readFields, readVersion, recheck, wholeRead } from '../readers/steps.ts';

export type ReaderPolicy = Reader;

export const readerPolicies = {
  'one-step': defineReader({
    name: 'one-step',
    description: 'the whole read in one step (pvclock_clocksource_read with preemption off)',
    steps: [wholeRead()],
  }),
  split: defineReader({
    name: 'split',
    description: 'version (waits while odd), fields, tsc, check (retry if the version changed)',
    steps: [
      readVersion({ page: policyPage, waitWhileOdd: true }),
      readFields(),
      rdtsc(),
      recheck({ retryIf: [versionChanged] }),
    ],
  }),
} satisfies Record<string, ReaderPolicy>;
