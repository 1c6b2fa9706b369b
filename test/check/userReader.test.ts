/**
 * Readers of a user's own, in variants of pvclock-read: the readers the x86 fidelity issue lists,
 * each a few lines of the exported building blocks, explored; a copy of a built-in that explores
 * exactly like it; and the one-line errors for a reader of the wrong shape, at load and at run time.
 *
 * pvclock-read: two vCPUs on two 1 GHz pCPUs, one task that starts on vCPU0 and may migrate once,
 * two reads, one host page rewrite. host-bulk-copy and host-odd-even have synchronized TSCs and
 * STABLE pages; reader-vdso-getcpu-unsynced has pCPU0 1000 ppm fast and no STABLE bit.
 */
import { describe, expect, it } from 'vitest';
import { defineVariant } from '../../check/defineVariant.ts';
import { resolveTarget } from '../../check/resolve.ts';
import { runCheck } from '../../check/runCheck.ts';
import { resolveUserVariant } from '../../check/userVariant.ts';
import { describeAction } from '../../model/actions.ts';
import {
  combine,
  cpuChanged,
  defineReader,
  fieldsNotStable,
  getcpu,
  pageNotStable,
  rdtsc,
  rdtscp,
  readFields,
  readVersion,
  recheck,
  syscallRead,
  tscBeforeTimestamp,
  vcpu0Page,
  versionChanged,
  versionOdd,
  type Reader,
} from '../../model/readers/index.ts';
import type { VariantNameOf } from '../../model/scenarios/index.ts';

/** The vDSO's vread_pvclock of v3.12 to v4.4 (3.18's): getcpu, its vCPU's page, re-checked. */
const vdsoGetcpu = defineReader({
  name: 'vdso-getcpu',
  steps: [
    getcpu(),
    readVersion(),
    rdtsc(),
    readFields(),
    recheck({ retryIf: [cpuChanged, versionOdd, versionChanged], fallbackIf: [fieldsNotStable] }),
    syscallRead(),
  ],
});

/** The vDSO since v4.8: vCPU0's page, version & ~1, bail without STABLE, TSC before the fields. */
const vdsoToday = defineReader({
  name: 'vdso-vcpu0',
  steps: [
    combine(
      'version',
      readVersion({ page: vcpu0Page, clearLowBit: true }),
      recheck({ fallbackIf: [pageNotStable], then: 'next' }),
    ),
    rdtsc(),
    readFields(),
    recheck({ retryIf: [versionChanged] }),
    syscallRead(),
  ],
});

/** Lutomirski's proposal (2014): rdtscp, that CPU's page, retry if tsc < tsc_timestamp. */
const rdtscpReader = (retryIf = [tscBeforeTimestamp, versionChanged]) =>
  defineReader({
    name: 'rdtscp',
    steps: [rdtscp(), readVersion({ clearLowBit: true }), readFields(), recheck({ retryIf })],
  });

/** The built-in split reader, written as a user would. */
const POLICY_SPLIT = defineReader({
  name: 'split-copy',
  steps: [
    readVersion({ page: (c) => c.cfg.policies.readPage(c.s, c.task), waitWhileOdd: true }),
    readFields(),
    rdtsc(),
    recheck({ retryIf: [versionChanged] }),
  ],
});

type Base = VariantNameOf<'pvclock-read'>;

function explore(reader: Reader, base: Base, params: Record<string, number> = {}) {
  const variant = resolveUserVariant(
    defineVariant({
      scenario: 'pvclock-read',
      name: `user-${reader.name}`,
      description: 'a reader of the user’s own',
      base,
      policies: { reader },
      expected: { 'guest-monotonic': 'holds', 'pvti-consistent': 'holds' },
    }),
    'test',
  );
  const target = resolveTarget({ scenario: 'pvclock-read', variant, params });
  const { result } = runCheck(target);
  expect(result.error?.message).toBeUndefined();
  expect(result.complete).toBe(true);
  const violated = Object.fromEntries(result.violations.map((v) => [v.invariant, v]));
  return { result, violated, target };
}

/** The actions of one whole read by the task from the initial state, at t = 1000 ns. */
function oneRead(reader: Reader, base: Base): string[] {
  const { target } = explore(reader, base);
  const m = target.model;
  let s = m.next(m.init()[0]!, { kind: 'timeAdvance', to: 1000 });
  const taken: string[] = [];
  while (s.tasks[0]!.reads === 0) {
    const a = m.actions(s).find((x) => x.kind === 'guestRead')!;
    taken.push(describeAction(a));
    s = m.next(s, a);
  }
  return taken;
}

describe('the readers the x86 fidelity issue lists, from the building blocks', () => {
  it('the v3.12–v4.4 vDSO reader: without STABLE every read falls back to the clamped syscall', () => {
    expect(
      oneRead(vdsoGetcpu, 'reader-vdso-getcpu-unsynced').map((a) => a.split('step=')[1]),
    ).toEqual(['getcpu', 'version', 'tsc', 'fields', 'check', 'syscall']);
    // The built-in reader of that variant (no re-check, no fallback) goes backwards on the
    // skewed TSCs; the faithful one holds, one migration per read or two.
    expect(explore(POLICY_SPLIT, 'reader-vdso-getcpu-unsynced').violated).toHaveProperty(
      'guest-monotonic',
    );
    for (const migrations of [1, 2])
      expect(explore(vdsoGetcpu, 'reader-vdso-getcpu-unsynced', { migrations }).violated).toEqual(
        {},
      );
  });

  it('the vDSO reader since v4.8: torn by the bulk copy, holds with the odd/even writer, bails without STABLE', () => {
    const bulk = explore(vdsoToday, 'host-bulk-copy').violated;
    expect(Object.keys(bulk).sort()).toEqual(['guest-monotonic', 'pvti-consistent']);
    expect(explore(vdsoToday, 'host-odd-even').violated).toEqual({});
    expect(oneRead(vdsoToday, 'reader-vdso-getcpu-unsynced')).toEqual([
      'guestRead task=0 step=version',
      'guestRead task=0 step=syscall',
    ]);
  });

  it('Lutomirski’s rdtscp reader: the tsc < tsc_timestamp retry is what keeps it monotonic', () => {
    expect(explore(rdtscpReader(), 'host-odd-even').violated).toEqual({});
    // Without it, a TSC read before the host rewrote the page meets the new, later stamp: the
    // delta wraps and the read returns about 2^63 ns, which the next read undoes.
    const { violated } = explore(rdtscpReader([versionChanged]), 'host-odd-even');
    expect(Object.keys(violated)).toEqual(['guest-monotonic']);
    expect(violated['guest-monotonic']!.message).toMatch(/after reading 92233720\d+ on vCPU0/);
    // On skewed TSCs without STABLE and without a fallback it mixes the two vCPUs' clocks.
    expect(explore(rdtscpReader(), 'reader-vdso-getcpu-unsynced').violated).toHaveProperty(
      'guest-monotonic',
    );
  });

  it('a copy of the built-in split reader explores exactly like it', () => {
    const builtin = runCheck(
      resolveTarget({ scenario: 'pvclock-read', variant: 'host-bulk-copy' }),
    ).result;
    const copy = explore(POLICY_SPLIT, 'host-bulk-copy').result;
    const summary = (r: typeof copy) => ({
      states: r.stats.distinctStates,
      depth: r.stats.maxDepth,
      violated: r.violations.map((v) => `${v.invariant}@${v.depth}`).sort(),
    });
    expect(summary(copy)).toEqual(summary(builtin));
    expect(summary(builtin)).toEqual({
      states: 52814,
      depth: 22,
      violated: ['guest-monotonic@16', 'pvti-consistent@12'],
    });
  });
});

describe('a reader of the wrong shape: one line naming the file, the step and what was expected', () => {
  const withReader = (reader: unknown) =>
    defineVariant({
      scenario: 'pvclock-read',
      name: 'bad-reader',
      description: 'x',
      policies: { reader: reader as Reader },
    });

  it.each([
    [{ name: 'r', steps: [] }, 'steps must be a non-empty list of { name, run, ready? }'],
    [{ name: 'r', steps: [{ name: 'tsc' }] }, "step 'tsc': run must be a function"],
    [
      { name: 'r', steps: [recheck({ fallbackIf: [() => true] })] },
      "step 'check' goes to step 'syscall', which the reader does not have (steps: check)",
    ],
  ])('at load: %j', (reader, problem) => {
    expect(() => resolveUserVariant(withReader(reader), 'f.ts')).toThrow(
      `f.ts: variant 'bad-reader': policies.reader: ${problem}`,
    );
  });

  function errorOf(reader: Reader): string | undefined {
    const variant = resolveUserVariant(withReader(reader), 'f.ts');
    const { result } = runCheck(resolveTarget({ scenario: 'pvclock-read', variant }));
    expect(result.status).toBe('error');
    return result.error?.message;
  }
  const step = (run: () => unknown) =>
    defineReader({ name: 'r', steps: [{ name: 'tsc', run: run as never }] });

  it.each([
    [
      () => ({ then: 'nxt' }),
      `returned then: "nxt" (expected 'next', 'retry', { goTo: a step's name } or { value, flags })`,
    ],
    [() => ({ changes: { tsc: 5 }, then: 'retry' }), 'changes tsc to 5: expected a u64 bigint'],
    [
      () => ({ changes: { pageVcpu: 2 }, then: 'retry' }),
      'changes pageVcpu to 2: expected a vCPU (0 to 1)',
    ],
    [
      () => ({ changes: { floorAtStart: 0n }, then: 'retry' }),
      'changes floorAtStart, which a step may not change (it may change: pageVcpu, cpu, version, fields, tsc, torn)',
    ],
    [
      () => ({ then: { goTo: 'moon' } }),
      'goes to step "moon", which the reader does not have (steps: tsc)',
    ],
    [() => ({ then: { value: 5, flags: 0 } }), 'returns value 5: expected a u64 bigint'],
    [() => undefined, 'returned undefined: expected { changes?, then }'],
  ])('at run time: %s', (run, problem) => {
    expect(errorOf(step(run))).toBe(
      `f.ts: variant 'bad-reader': policies.reader step 'tsc' ${problem}`,
    );
  });

  it('a ready that answers other than true or false', () => {
    const reader = defineReader({
      name: 'r',
      steps: [{ name: 'tsc', ready: () => 1 as never, run: () => ({ then: 'retry' }) }],
    });
    expect(errorOf(reader)).toBe(
      "f.ts: variant 'bad-reader': policies.reader step 'tsc': ready returned number: expected a boolean",
    );
  });
});
