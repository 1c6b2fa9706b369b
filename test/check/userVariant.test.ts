import { describe, expect, it } from 'vitest';
import { defineVariant, VARIANT_MARK } from '../../check/defineVariant.ts';
import { InputError } from '../../check/inputError.ts';
import { resolveTarget } from '../../check/resolve.ts';
import { runCheck } from '../../check/runCheck.ts';
import { defaultExpected, resolveUserVariant } from '../../check/userVariant.ts';
import {
  copyScaleAndFlags,
  copySystemTime,
  copyTscTimestamp,
  copyVisibleSubset,
  definePvclockWrite,
  versionPlus2,
} from '../../model/policies/pvclockWriteProtocol.ts';
import { scenarioNamed } from '../../check/scenarios.ts';
import type { ClockState } from '../../model/state.ts';
import { reachableStates } from '../model/reachable.ts';
import { armForRemaining, disarm, latchPending } from '../../model/timers.ts';

const SCENARIO = 'tsc-deadline-ntp';

/** The built-in rearm-remaining policy, written as a user would. */
const rearm = defineVariant({
  scenario: SCENARIO,
  name: 'my-rearm',
  description: 'rearm for the time left',
  policies: {
    hrtimerExpiry: (d, cfg, vcpu) => {
      disarm(d, vcpu);
      if (!armForRemaining(d, cfg, vcpu)) latchPending(d, vcpu);
    },
  },
});

function run(definition: unknown, params: Record<string, number> = {}) {
  const variant = resolveUserVariant(definition, 'test');
  return runCheck(resolveTarget({ scenario: SCENARIO, variant, params })).result;
}

function summary(r: ReturnType<typeof run>) {
  return {
    states: r.stats.distinctStates,
    depth: r.stats.maxDepth,
    complete: r.complete,
    violated: r.violations.map((v) => `${v.invariant}@${v.depth}`),
  };
}

describe('a user variant', () => {
  it('that re-expresses a built-in explores exactly like it', () => {
    const builtin = runCheck(
      resolveTarget({
        scenario: SCENARIO,
        variant: 'rearm-remaining',
        invariants: Object.keys(defaultExpected(scenarioNamed(SCENARIO)!)),
      }),
    ).result;
    expect(summary(run(rearm))).toEqual(summary(builtin));
    expect(summary(builtin)).toMatchObject({ states: 7842, complete: true, violated: [] });
  });

  it('starts from the baseline by default and keeps what it does not replace', () => {
    const nothing = defineVariant({
      scenario: SCENARIO,
      name: 'as-baseline',
      description: 'sets the baseline’s own policies by name',
      policies: { hrtimerExpiry: 'kick' },
    });
    expect(summary(run(nothing))).toEqual({
      states: 8610,
      depth: 19,
      complete: true,
      violated: ['no-lost-timer@15'],
    });
  });

  it('is checked by default against every invariant some built-in variant keeps', () => {
    expect(defaultExpected(scenarioNamed(SCENARIO)!)).toEqual({
      'no-lost-timer': 'holds',
      'timer-not-early': 'holds',
      'host-monotonic': 'holds',
    });
    const v = resolveUserVariant(
      defineVariant({ ...rearm, expected: { 'timer-lateness': 'violated' } }),
      'test',
    );
    expect(v.spec.expected).toEqual({ 'timer-lateness': 'violated' });
  });

  it('may return a new state instead of changing the draft, with the same result', () => {
    const returning = defineVariant({
      ...rearm,
      name: 'my-rearm-returning',
      policies: {
        hrtimerExpiry: (d, cfg, vcpu): ClockState => {
          disarm(d, vcpu);
          if (!armForRemaining(d, cfg, vcpu)) latchPending(d, vcpu);
          return { ...d, vcpus: d.vcpus.map((v) => ({ ...v })) };
        },
      },
    });
    expect(summary(run(returning))).toEqual(summary(run(rearm)));
  });

  it('a returned state of another shape is an error in the model naming the field', () => {
    const bad = defineVariant({
      ...rearm,
      name: 'bad-shape',
      policies: {
        hrtimerExpiry: (d) => ({ ...d, vcpus: d.vcpus.map((v) => ({ ...v, sleeping: true })) }),
      },
    });
    const r = run(bad);
    expect(r.status).toBe('error');
    expect(r.error?.message).toBe(
      'test: state.vcpus[0].sleeping is not a field of the state (after hrtimerExpire vcpu=0)',
    );
  });

  it('can replace a whole transition', () => {
    const neverInject = defineVariant({
      scenario: SCENARIO,
      name: 'never-inject',
      description: 'the pending latch is never delivered',
      base: 'pending-latch',
      transitions: { timerInject: { enabled: () => [] } },
      expected: { 'no-lost-timer': 'holds' },
    });
    const r = run(neverInject);
    expect(r.violations.map((v) => v.invariant)).toEqual(['no-lost-timer']);
    expect(r.sometimes.find((s) => s.name === 'timer-delivered')?.reached).toBe(false);
  });

  it('an exception in a replacement is an error in the model, with its trace', () => {
    const throwing = defineVariant({
      ...rearm,
      name: 'throwing',
      policies: {
        hrtimerExpiry: () => {
          throw new Error('not implemented yet');
        },
      },
    });
    const r = run(throwing);
    expect(r.status).toBe('error');
    expect(r.error?.message).toContain('not implemented yet');
    expect(r.error?.action).toMatchObject({ kind: 'hrtimerExpire' });
  });
});

describe('a user variant is checked at run time too (files are loaded without a type check)', () => {
  const cases: [string, unknown, string][] = [
    [
      'unknown scenario',
      { scenario: 'tsc-deadline' },
      "f.ts: unknown scenario 'tsc-deadline' (scenarios: tsc-deadline-ntp, masterclock-update, pvclock-read, unsynced-tsc, arm64-counter-offset; for a scenario of your own, give its file with --scenario-file)",
    ],
    [
      'bad name',
      { name: 'My Fix' },
      'f.ts: variant name "My Fix" must be lowercase words joined by dashes',
    ],
    [
      'built-in name',
      { name: 'rearm-remaining' },
      "f.ts: variant name 'rearm-remaining' is a variant of tsc-deadline-ntp already: choose another",
    ],
    [
      'unknown base',
      { base: 'global-clamp' },
      'f.ts: variant \'x\': base "global-clamp" is not one of: recheck-and-block, pending-latch, rearm-remaining, inject-always, raw-correlated',
    ],
    [
      'unknown policy point',
      { policies: { hrtimerExpiri: 'kick' } },
      "f.ts: variant 'x': policies.hrtimerExpiri is not a policy point (points: reader, readPage, readClamp, pvclockWrite, timerClock, hrtimerExpiry, wakeCheck, counterRestore)",
    ],
    [
      'unknown policy name',
      { policies: { hrtimerExpiry: 'kik' } },
      "f.ts: variant 'x': policies.hrtimerExpiry: no built-in policy 'kik' (known: kick, latch-pending, rearm-remaining, inject-always)",
    ],
    [
      'replacement not a function',
      { policies: { hrtimerExpiry: 3 } },
      "f.ts: variant 'x': policies.hrtimerExpiry must be a built-in policy's name or a function",
    ],
    [
      'unknown transition',
      { transitions: { hrtimerExpired: { apply: () => {} } } },
      "f.ts: variant 'x': transitions.hrtimerExpired is not a transition (transitions: timeAdvance, hostTimekeepingUpdate, ntpMultChange, nohzIdleEnter, nohzIdleExit, masterclockUpdate, pvclockWrite, guestRead, guestCounterRead, vcpuMigrate, taskMigrate, timerProgram, hrtimerExpire, vcpuBlock, vcpuWakeCheck, timerInject, counterRestore, vmPause, kvmGetClock, kvmSetClock, tscRestore, vcpuResume)",
    ],
    [
      'empty transition',
      { transitions: { hrtimerExpire: {} } },
      "f.ts: variant 'x': transitions.hrtimerExpire must be { enabled?, apply? } with at least one function",
    ],
    [
      'unknown invariant',
      { expected: { 'guest-monotonic': 'holds' } },
      "f.ts: variant 'x': expected: tsc-deadline-ntp does not check 'guest-monotonic' (it checks: no-lost-timer, timer-not-early, timer-lateness, host-monotonic)",
    ],
    [
      'bad verdict',
      { expected: { 'no-lost-timer': 'fixed' } },
      "f.ts: variant 'x': expected.no-lost-timer must be 'holds' or 'violated'",
    ],
  ];
  it.each(cases)('%s', (_, fields, message) => {
    const value = { scenario: SCENARIO, name: 'x', description: 'd', ...(fields as object) };
    expect(() => resolveUserVariant({ ...value, [VARIANT_MARK]: true }, 'f.ts')).toThrow(
      new InputError(message),
    );
  });

  it('a value defineVariant did not make is not a variant', () => {
    expect(() => resolveUserVariant({ scenario: SCENARIO, name: 'x' }, 'f.ts')).toThrow(
      new InputError(
        "f.ts: not a variant: expected the result of defineVariant({...}) from 'clockcheck'",
      ),
    );
  });

  it('replacing a policy point the scenario never consults is an error', () => {
    const v = resolveUserVariant(
      defineVariant({
        scenario: SCENARIO,
        name: 'clamp',
        description: 'd',
        policies: { readClamp: (value, _flags, lastValue) => ({ value, lastValue }) },
      }),
      'f.ts',
    );
    expect(() => resolveTarget({ scenario: SCENARIO, variant: v })).toThrow(
      /^f\.ts: variant 'clamp': replaces policy readClamp, which tsc-deadline-ntp never consults \(it is used by guestRead; the scenario's transitions: timeAdvance, /,
    );
  });

  it('replacing a transition the scenario does not have is an error', () => {
    const v = resolveUserVariant(
      defineVariant({
        scenario: SCENARIO,
        name: 'reads',
        description: 'd',
        transitions: { guestRead: { enabled: () => [] } },
      }),
      'f.ts',
    );
    expect(() => resolveTarget({ scenario: SCENARIO, variant: v })).toThrow(
      /^f\.ts: variant 'reads': replaces transition guestRead, which tsc-deadline-ntp does not have/,
    );
  });

  it('a variant is run only in its own scenario', () => {
    const v = resolveUserVariant(rearm, 'f.ts');
    expect(() => resolveTarget({ scenario: 'unsynced-tsc', variant: v })).toThrow(
      "f.ts: variant 'my-rearm' belongs to scenario tsc-deadline-ntp, not unsynced-tsc",
    );
  });
});

const OLD_PAGE = {
  version: 2,
  tscTimestamp: 0n,
  systemTime: 1_000_000_000n,
  tscToSystemMul: 2 ** 31,
  tscShift: 1,
  flags: 0,
};
const NEW_PAGE = { ...OLD_PAGE, tscTimestamp: 1000n, systemTime: 1_000_001_000n };

describe('a page-write protocol of the user’s own', () => {
  // The old bulk copy as if its stores were seen in struct order: version + 2, tsc_timestamp,
  // system_time, then the rest (read by a task on the other vCPU, as in host-bulk-copy, whose
  // copy shows any subset of the new fields).
  const weak = defineVariant({
    scenario: 'pvclock-read',
    name: 'in-order-bulk-copy',
    description: 'the bulk copy, its stores seen in struct order',
    base: 'host-bulk-copy',
    policies: {
      pvclockWrite: definePvclockWrite({
        steps: [versionPlus2, copyTscTimestamp, copySystemTime, copyScaleAndFlags],
      }),
    },
    expected: { 'pvti-consistent': 'violated' },
  });

  it('is explored step by step as written, and tears fewer pages than the weakly ordered copy', () => {
    const variant = resolveUserVariant(weak, 'f.ts');
    const t = resolveTarget({ scenario: 'pvclock-read', variant });
    const { result } = runCheck(t);
    expect(result.complete).toBe(true);
    expect(result.violations.map((v) => v.invariant)).toEqual(['pvti-consistent']);
    const anyOrder = runCheck(
      resolveTarget({ scenario: 'pvclock-read', variant: 'host-bulk-copy' }),
    ).result;
    expect(result.stats.distinctStates).toBeLessThan(anyOrder.stats.distinctStates);
    // The weakly ordered copy also shows the new system_time with the old stamp, which struct
    // order never does.
    expect(copyVisibleSubset().apply(OLD_PAGE, NEW_PAGE, 2, 0b00010).tscTimestamp).toBe(
      OLD_PAGE.tscTimestamp,
    );
  });

  it('of the wrong shape: one line naming the file and the step', () => {
    const bad = defineVariant({
      ...weak,
      policies: {
        pvclockWrite: { steps: [{ ...versionPlus2, partialAfter: 'sometimes' as never }] },
      },
    });
    expect(() => resolveUserVariant(bad, 'f.ts')).toThrow(
      "f.ts: variant 'in-order-bulk-copy': policies.pvclockWrite: step 'copy version (+2)': partialAfter must be a boolean or a function of the pages",
    );
  });
});

describe('a user variant with state of its own', () => {
  const counting = defineVariant({
    scenario: 'unsynced-tsc',
    name: 'counting',
    description: 'global-clamp, counting the reads a clamp raised',
    base: 'global-clamp',
    state: {
      raised: { type: 'int', initial: 0, min: 0, max: 8 },
      // A history variable: which kind of step led here (1 read, 2 migration, 3 time).
      last: { type: 'int', initial: 0, min: 0, max: 3 },
    },
    observe: (d, { before, action }) => {
      d.ext.last = action.kind === 'guestRead' ? 1 : action.kind === 'taskMigrate' ? 2 : 3;
      if (action.kind !== 'guestRead') return;
      const t = d.tasks[action.task]!;
      // The clamp raised it: the read returned the largest value so far, not its vCPU's own.
      if (t.lastRead.value === before.guest.lastValue && t.reads > 1) d.ext.raised += 1;
    },
    expected: { 'guest-monotonic': 'holds' },
  });

  it('is encoded: states that differ only in it are distinct, and every trace state carries it', () => {
    const variant = resolveUserVariant(counting, 'test');
    const r = runCheck(resolveTarget({ scenario: 'unsynced-tsc', variant })).result;
    expect(r.complete).toBe(true);
    // More states than global-clamp's 259: some differ only in the step that led to them, as a
    // plain search keyed on the whole encoding finds too.
    const model = resolveTarget({ scenario: 'unsynced-tsc', variant }).model;
    expect(r.stats.distinctStates).toBe(328);
    expect(reachableStates(model)).toHaveLength(328);
    const init = model.init()[0]!;
    expect(init.ext).toEqual({ raised: 0, last: 0 });
    // Read on the fast vCPU, migrate, read on the slow one: the clamp raises the second read.
    let s = init;
    for (const a of [
      { kind: 'timeAdvance', to: 1_000_000 },
      { kind: 'guestRead', task: 0, step: 'whole' },
      { kind: 'taskMigrate', task: 0, to: 1 },
      { kind: 'guestRead', task: 0, step: 'whole' },
    ] as const)
      s = model.next(s, a);
    expect(s.ext).toEqual({ raised: 1, last: 1 });
  });

  it('a field the scenario has already is refused', () => {
    expect(() =>
      resolveUserVariant(
        defineVariant({
          scenario: 'unsynced-tsc',
          name: 'bad-state',
          description: 'x',
          state: { raised: { type: 'bool', initial: 0 as unknown as boolean } },
        }),
        'f.ts',
      ),
    ).toThrow("f.ts: variant 'bad-state': state.raised.initial: 0 is not a boolean");
  });
});
