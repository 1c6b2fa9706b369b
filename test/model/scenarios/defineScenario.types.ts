/**
 * Type-level tests of defineScenario (and defineVariant on a user's scenario), checked by `npm run
 * typecheck` (tsc), not run by vitest. Each `@ts-expect-error` line says the next line must not
 * compile; if it compiles, tsc fails with "Unused '@ts-expect-error' directive". The definitions
 * without the directive must compile.
 */
import { defineVariant } from '../../../check/defineVariant.ts';
import { defineInvariant, defineSometimes } from '../../../invariants/invariant.ts';
import { defineScenario, type ScenarioState } from '../../../model/scenarios/defineScenario.ts';

const system = (reads: number) => ({
  pcpus: [{ tscHz: 1_000_000_000n, tscOffset: 0n }],
  vcpus: [{ pcpu: 0 }],
  tasks: [{ vcpu: 0 }],
  horizonNs: 1000,
  transitions: ['timeAdvance', 'guestRead'] as const,
  limits: { readsPerTask: reads },
});

const fields = { seen: { type: 'int', initial: 0, min: 0, max: 10 } } as const;
const mine = defineInvariant({
  name: 'seen-small',
  meaning: 'at most 5 reads seen',
  when: 'always',
  check: (s: ScenarioState<typeof fields>) => (s.ext.seen > 5 ? `seen ${s.ext.seen}` : undefined),
});

// Well-formed: typed parameters, a cause-off parameter, built-in and own invariants, own state.
export const wellFormed = defineScenario({
  name: 'probe',
  title: 'a type-level probe',
  description: 'a type-level probe',
  params: {
    reads: { meaning: 'reads', default: 2, min: 0, max: 4 },
    split: { meaning: 'split', default: false },
  },
  causeOff: { param: 'reads', value: 0 },
  state: fields,
  invariants: ['guest-monotonic', mine],
  sometimes: [defineSometimes({ name: 'read', check: (s) => s.tasks[0]!.reads > 0 })],
  baseline: 'plain',
  variants: [
    {
      name: 'plain',
      description: 'plain',
      policies: { readClamp: 'none' },
      expected: { 'guest-monotonic': 'violated', 'seen-small': 'holds' },
    },
    {
      name: 'clamped',
      description: 'clamped',
      policies: { readClamp: 'last-value' },
      sometimes: ['read'],
      expected: { 'guest-monotonic': 'holds' },
    },
  ],
  configure: (p) => {
    const reads: number = p.reads;
    const split: boolean = p.split;
    return { ...system(reads), policies: { reader: split ? 'split' : 'one-step' } };
  },
  observe: (d, { action }) => {
    if (action.kind === 'guestRead') d.ext.seen += 1;
  },
});

// A variant of the user's own scenario: its variant and invariant names are checked too.
export const fixOfMine = defineVariant({
  scenario: wellFormed,
  name: 'my-fix',
  description: 'my fix',
  base: 'clamped',
  policies: { readClamp: 'last-value' },
  expected: { 'seen-small': 'holds' },
  sometimes: ['read'],
});

export const fixOfMineBadBase = defineVariant({
  scenario: wellFormed,
  name: 'my-fix',
  description: 'my fix',
  // @ts-expect-error: 'no-clamp' is not a variant of probe
  base: 'no-clamp',
});

export const fixOfMineBadInvariant = defineVariant({
  scenario: wellFormed,
  name: 'my-fix',
  description: 'my fix',
  // @ts-expect-error: probe does not check no-lost-timer
  expected: { 'no-lost-timer': 'holds' },
});

const base = {
  name: 'probe',
  title: 't',
  description: 'd',
  params: { reads: { meaning: 'reads', default: 2, min: 0, max: 4 } },
  causeOff: { param: 'reads', value: 0 },
  invariants: ['guest-monotonic'],
  baseline: 'plain',
  variants: [{ name: 'plain', description: 'p', expected: { 'guest-monotonic': 'violated' } }],
  configure: () => system(1),
} as const;

export const unknownParam = defineScenario({
  ...base,
  // @ts-expect-error: there is no parameter 'writes'
  configure: (p) => system(p.writes),
});

export const unknownCauseOff = defineScenario({
  ...base,
  // @ts-expect-error: causeOff names a parameter the scenario does not have
  causeOff: { param: 'writes', value: 0 },
});

export const wrongCauseOffValue = defineScenario({
  ...base,
  // @ts-expect-error: reads is an integer parameter
  causeOff: { param: 'reads', value: false },
});

export const unknownBaseline = defineScenario({
  ...base,
  // @ts-expect-error: the baseline must be one of the variants
  baseline: 'other',
});

export const unknownBuiltIn = defineScenario({
  ...base,
  // @ts-expect-error: no built-in invariant by that name
  invariants: ['guest-monotonous'],
});

export const expectedUnchecked = defineScenario({
  ...base,
  variants: [
    // @ts-expect-error: the scenario does not check no-lost-timer
    { name: 'plain', description: 'p', expected: { 'no-lost-timer': 'holds' } },
  ],
});

export const unknownPolicy = defineScenario({
  ...base,
  variants: [
    {
      name: 'plain',
      description: 'p',
      // @ts-expect-error: no readClamp policy by that name
      policies: { readClamp: 'clamp-harder' },
      expected: { 'guest-monotonic': 'violated' },
    },
  ],
});

export const unknownSometimes = defineScenario({
  ...base,
  sometimes: [{ name: 'read', check: () => true }],
  variants: [
    {
      name: 'plain',
      description: 'p',
      // @ts-expect-error: the scenario has no property 'migrated'
      sometimes: ['migrated'],
      expected: { 'guest-monotonic': 'violated' },
    },
  ],
});

export const unknownTransition = defineScenario({
  ...base,
  // @ts-expect-error: no transition 'guestWrite'
  configure: () => ({ ...system(1), transitions: ['timeAdvance', 'guestWrite'] }),
});

export const undeclaredField = defineScenario({
  ...base,
  state: fields,
  observe: (d) => {
    // @ts-expect-error: the scenario declares no field 'unseen'
    d.ext.unseen = 1;
  },
});

export const undeclaredRead = defineInvariant({
  name: 'probe',
  meaning: 'probe',
  when: 'always',
  // @ts-expect-error: the scenario declares no field 'unseen'
  check: (s: ScenarioState<typeof fields>) => (s.ext.unseen === 0 ? 'zero' : undefined),
});
