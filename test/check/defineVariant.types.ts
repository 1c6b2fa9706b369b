/**
 * Type-level tests of defineVariant, checked by `npm run typecheck` (tsc), not run by vitest. Each
 * `@ts-expect-error` line says the next line must not compile; if it compiles, tsc fails with
 * "Unused '@ts-expect-error' directive". The definitions without the directive must compile.
 */
import { defineVariant } from '../../check/defineVariant.ts';
import { guestTsc } from '../../model/clocks.ts';
import {
  copyVisibleSubset,
  definePvclockWrite,
  versionEven,
  versionOdd,
} from '../../model/policies/pvclockWriteProtocol.ts';
import {
  defineReader,
  rdtscp,
  readFields,
  readVersion,
  recheck,
  tscBeforeTimestamp,
} from '../../model/readers/index.ts';
import type { ClockState } from '../../model/state.ts';
import { armForRemaining, disarm, latchPending } from '../../model/timers.ts';

const base = { name: 'probe', description: 'a type-level probe' } as const;

// Well-formed: a draft-changing replacement, a built-in by name, expected verdicts.
export const draftStyle = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  base: 'pending-latch',
  policies: {
    hrtimerExpiry: (d, cfg, vcpu) => {
      disarm(d, vcpu);
      if (!armForRemaining(d, cfg, vcpu)) latchPending(d, vcpu);
    },
    wakeCheck: 'recheck-deadline',
  },
  expected: { 'no-lost-timer': 'holds', 'timer-not-early': 'holds' },
});

// Well-formed: a replacement that returns a new state, and a replaced transition.
export const returnedState = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  policies: {
    wakeCheck: (d, cfg, vcpu): ClockState => ({
      ...d,
      vcpus: d.vcpus.map((v, i) =>
        i === vcpu && guestTsc(d, cfg, vcpu) >= v.timer.deadline ? { ...v, kicked: false } : v,
      ),
    }),
  },
  transitions: {
    timerInject: { enabled: (s) => (s.now > 0 ? [{ kind: 'timerInject', vcpu: 0 }] : []) },
  },
});

export const unknownScenario = defineVariant({
  ...base,
  // @ts-expect-error: no scenario by that name
  scenario: 'tsc-deadline',
});

export const foreignBase = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  // @ts-expect-error: global-clamp is a variant of unsynced-tsc, not of tsc-deadline-ntp
  base: 'global-clamp',
});

export const unknownPolicyPoint = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  // @ts-expect-error: no policy point hrtimerExpiri
  policies: { hrtimerExpiri: 'kick' },
});

export const unknownPolicyName = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  // @ts-expect-error: hrtimerExpiry has no built-in policy 'kik'
  policies: { hrtimerExpiry: 'kik' },
});

export const unknownTransition = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  // @ts-expect-error: no transition hrtimerExpired (it is hrtimerExpire)
  transitions: { hrtimerExpired: { apply: () => {} } },
});

export const unknownFieldWritten = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  policies: {
    hrtimerExpiry: (d, _cfg, vcpu) => {
      // @ts-expect-error: a timer has `pending`, not `pendng`
      d.vcpus[vcpu]!.timer.pendng = true;
    },
  },
});

export const unknownFieldRead = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  policies: {
    wakeCheck: (d, _cfg, vcpu) => {
      // @ts-expect-error: a vCPU has `halted`, not `sleeping`
      if (d.vcpus[vcpu]!.sleeping) d.vcpus[vcpu]!.kicked = false;
    },
  },
});

export const wrongFieldType = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  policies: {
    hrtimerExpiry: (d, _cfg, vcpu) => {
      // @ts-expect-error: deadlines are bigints (TSC cycles), not numbers
      d.vcpus[vcpu]!.timer.deadline = 5;
    },
  },
});

export const unknownFieldReturned = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  policies: {
    // @ts-expect-error: a returned state (annotated ClockState) cannot have fields ClockState lacks
    hrtimerExpiry: (d): ClockState => ({ ...d, nowNs: 0 }),
  },
});

export const actionFieldOfAnotherAction = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  transitions: {
    hrtimerExpire: {
      apply: (d, action) => {
        // @ts-expect-error: an hrtimerExpire action has a vcpu, not a task
        d.tasks[action.task]!.reads += 1;
      },
    },
  },
});

export const wrongReplacementSignature = defineVariant({
  ...base,
  scenario: 'pvclock-read',
  policies: {
    // @ts-expect-error: readPage returns the vCPU whose page to read, a number
    readPage: () => 'vcpu0',
  },
});

export const invariantOfAnotherScenario = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  // @ts-expect-error: tsc-deadline-ntp does not check guest-monotonic
  expected: { 'guest-monotonic': 'holds' },
});

export const notAVerdict = defineVariant({
  ...base,
  scenario: 'tsc-deadline-ntp',
  // @ts-expect-error: a verdict is 'holds' or 'violated'
  expected: { 'no-lost-timer': 'fixed' },
});

// @ts-expect-error: a variant needs a description
export const noDescription = defineVariant({ scenario: 'unsynced-tsc', name: 'probe' });

// Well-formed: a reader of one's own from the building blocks, and a built-in reader by name.
export const ownReader = defineVariant({
  ...base,
  scenario: 'pvclock-read',
  policies: {
    reader: defineReader({
      name: 'rdtscp',
      steps: [rdtscp(), readVersion(), readFields(), recheck({ retryIf: [tscBeforeTimestamp] })],
    }),
  },
});
export const splitByName = defineVariant({
  ...base,
  scenario: 'unsynced-tsc',
  policies: { reader: 'split' },
});

export const unknownReaderName = defineVariant({
  ...base,
  scenario: 'unsynced-tsc',
  // @ts-expect-error: the built-in readers are one-step and split
  policies: { reader: 'four-step' },
});

export const stepWithoutRun = defineVariant({
  ...base,
  scenario: 'pvclock-read',
  policies: {
    // @ts-expect-error: a step needs a run function
    reader: defineReader({ name: 'r', steps: [{ name: 'tsc' }] }),
  },
});

export const stepChangingTheFloor = defineReader({
  name: 'r',
  steps: [
    {
      name: 'tsc',
      // @ts-expect-error: a step may not change the read's floor (the framework keeps it)
      run: () => ({ changes: { floorAtStart: 0n }, then: 'next' }),
    },
  ],
});

export const stepWithAnUnknownNext = defineReader({
  name: 'r',
  steps: [
    {
      name: 'tsc',
      // @ts-expect-error: next, retry, { goTo } or a value
      run: () => ({ then: 'again' }),
    },
  ],
});

export const tscAsNumber = defineReader({
  name: 'r',
  steps: [
    {
      name: 'tsc',
      // @ts-expect-error: a TSC is a bigint
      run: () => ({ changes: { tsc: 5 }, then: 'next' }),
    },
  ],
});

// Well-formed: a page-write protocol of one's own from the building blocks.
export const ownProtocol = defineVariant({
  ...base,
  scenario: 'pvclock-read',
  policies: {
    pvclockWrite: definePvclockWrite({ steps: [versionOdd, copyVisibleSubset(), versionEven] }),
  },
});

export const protocolStepWithoutApply = defineVariant({
  ...base,
  scenario: 'pvclock-read',
  policies: {
    // @ts-expect-error: a write step needs apply and partialAfter
    pvclockWrite: definePvclockWrite({ steps: [{ name: 'copy' }] }),
  },
});
