/**
 * Causal time (model/causalTime.ts): a TSC read that follows another reading action of the same
 * instant reads strictly more, the lead is carried over a timeAdvance shorter than it, and the
 * same-instant artefact the no-version-check reader's counterexample rested on is gone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../check/checkScenario.ts';
import { parseTraceFile } from '../../counterexamples/traceFile.ts';
import type { ClockAction } from '../../model/actions.ts';
import { leadAfter, MAX_TSC_LEAD } from '../../model/causalTime.ts';
import { guestTsc, hostTscAt, leastTscElapsed } from '../../model/clocks.ts';
import type { ClockConfig } from '../../model/config.ts';
import { initialState } from '../../model/initialState.ts';
import { enabledActions, nextState } from '../../model/next.ts';
import type { ClockState } from '../../model/state.ts';
import { target } from '../helpers.ts';

describe('leadAfter', () => {
  it('keeps what the elapsed cycles have not caught up with, and nothing once they have', () => {
    expect(leadAfter(0, 0n)).toBe(0);
    expect(leadAfter(5, 2n)).toBe(3);
    expect(leadAfter(5, 5n)).toBe(0);
    expect(leadAfter(5, 10_000n)).toBe(0);
  });

  it('never lets a pCPU’s next read fall below a read of the instant before (fast-check)', () => {
    const pcpu = fc.record({
      tscHz: fc.bigInt({ min: 1_000_000n, max: 5_000_000_000n }),
      tscOffset: fc.bigInt({ min: 0n, max: 1n << 40n }),
    });
    fc.assert(
      fc.property(
        fc.array(pcpu, { minLength: 1, maxLength: 4 }),
        fc.nat(1_000_000),
        fc.nat(20),
        fc.nat(MAX_TSC_LEAD),
        (pcpus, now, gap, lead) => {
          const cfg = { pcpus } as unknown as ClockConfig;
          const to = now + gap;
          const after = leadAfter(lead, leastTscElapsed(cfg, now, to));
          for (let p = 0; p < pcpus.length; p++) {
            // The last read of the old instant on p was at most its TSC + lead - 1.
            const last = hostTscAt(cfg, p, now) + BigInt(lead) - 1n;
            expect(hostTscAt(cfg, p, to) + BigInt(after)).toBeGreaterThan(last);
          }
        },
      ),
    );
  });
});

/** The actions of `trace`, taken in turn from the initial state, every one enabled. */
function run(cfg: ClockConfig, actions: readonly ClockAction[]): ClockState[] {
  const states = [initialState(cfg)];
  for (const a of actions) {
    const s = states.at(-1)!;
    expect(enabledActions(s, cfg)).toContainEqual(a);
    states.push(nextState(s, a, cfg));
  }
  return states;
}

/** The reader's first step, rdtscp, from `s`. */
function step(s: ClockState, cfg: ClockConfig): ClockState {
  const rdtscp: ClockAction = { kind: 'guestRead', task: 0, step: 'rdtscp' };
  expect(enabledActions(s, cfg)).toContainEqual(rdtscp);
  return nextState(s, rdtscp, cfg);
}

describe('each reading action of an instant reads strictly more', () => {
  it('a guest rdtscp after the masterclock snapshot reads more than master_cycle_now', () => {
    const t = target('pvclock-read', 'reader-rdtscp-no-version-check');
    let [, at1000, s] = run(t.config, [
      { kind: 'timeAdvance', to: 1000 },
      { kind: 'masterclockUpdate', trigger: 'hotplug' },
    ]);
    const snapshot = s!.kvm.masterCycleNow;
    expect(snapshot).toBe(hostTscAt(t.config, 0, 1000));
    expect(at1000!.tscLead).toBe(0);
    // vCPU0 takes the page update the snapshot requested before it runs guest code again.
    const write: ClockAction = { kind: 'pvclockWrite', vcpu: 0 };
    while (enabledActions(s!, t.config).some((a) => a.kind === 'pvclockWrite' && a.vcpu === 0))
      s = nextState(s!, write, t.config);
    expect(s!.vcpus[0]!.pvti.tscTimestamp).toBe(snapshot);
    const read = step(s!, t.config);
    expect(read!.tasks[0]!.read.tsc).toBeGreaterThan(snapshot);
    // And the next read after that one reads more again.
    expect(guestTsc(read!, t.config, 0)).toBe(read!.tasks[0]!.read.tsc + 1n);
  });

  it('reads of invariants and of enabled actions are measurements: they do not count', () => {
    const t = target('pvclock-read', 'reader-rdtscp-no-version-check');
    const [, s] = run(t.config, [{ kind: 'timeAdvance', to: 1000 }]);
    enabledActions(s!, t.config);
    for (const inv of t.invariants) inv.check(s!, t.config);
    const after = nextState(s!, { kind: 'guestRead', task: 0, step: 'rdtscp' }, t.config);
    expect(after.tscLead).toBe(1);
    expect(after.tasks[0]!.read.tsc).toBe(hostTscAt(t.config, 0, 1000));
  });
});

describe('the no-version-check reader without the same-instant artefact', () => {
  // The shortest counterexample the model gave before causal time (it was shipped as
  // counterexamples/pvclock-read/reader-rdtscp-no-version-check.guest-monotonic.itf.json): the
  // reader's second rdtscp read 1000, the masterclock update then took master_cycle_now 1000 at
  // the same instant, the page was rewritten with that stamp, and the reader's stamp re-read saw
  // tsc_timestamp 1000, equal to its TSC, accepted the new page's fields with the old TSC and went
  // back 1000 ns. With causal time the update's TSC is later than the reader's, the stamp is
  // larger than the reader's TSC, and `tsc < tsc_timestamp` retries.
  const old: ClockAction[] = [
    { kind: 'timeAdvance', to: 1000 },
    { kind: 'guestRead', task: 0, step: 'rdtscp' },
    { kind: 'guestRead', task: 0, step: 'fields' },
    { kind: 'guestRead', task: 0, step: 'stamp' },
    { kind: 'guestRead', task: 0, step: 'check' },
    { kind: 'guestRead', task: 0, step: 'rdtscp' },
    { kind: 'guestRead', task: 0, step: 'fields' },
    { kind: 'masterclockUpdate', trigger: 'hotplug' },
    { kind: 'pvclockWrite', vcpu: 0 },
    { kind: 'pvclockWrite', vcpu: 0 },
    { kind: 'pvclockWrite', vcpu: 0 },
    { kind: 'pvclockWrite', vcpu: 0 },
    { kind: 'pvclockWrite', vcpu: 0 },
    { kind: 'guestRead', task: 0, step: 'stamp' },
    { kind: 'guestRead', task: 0, step: 'check' },
  ];

  it('replays to a retry, not a step back: the stamp is now above the reader’s TSC', () => {
    const t = target('pvclock-read', 'reader-rdtscp-no-version-check');
    const states = run(t.config, old);
    const readerTsc = states[6]!.tasks[0]!.read.tsc;
    const stamp = states[13]!.vcpus[0]!.pvti.tscTimestamp;
    expect(stamp).toBeGreaterThan(readerTsc);
    const last = states.at(-1)!;
    expect(last.tasks[0]!.reads).toBe(1); // the second read did not return: it starts over
    expect(last.tasks[0]!.read.step).toBe(0);
    for (const s of states)
      for (const inv of t.invariants) expect(inv.check(s, t.config)).toBeUndefined();
  });

  it('holds for both invariants over the whole scenario', () => {
    const check = checkScenario('pvclock-read', { variant: 'reader-rdtscp-no-version-check' });
    expect(check.complete).toBe(true);
    expect(check.invariants.map((i) => [i.invariant, i.actual])).toEqual([
      ['guest-monotonic', 'holds'],
      ['pvti-consistent', 'holds'],
    ]);
  });
});

describe('the cap on the lead', () => {
  const dir = join(import.meta.dirname, '../../counterexamples');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.itf.json'),
  );

  it.each(files)('%s never reaches it: no counterexample rests on equal reads', (file) => {
    const trace = parseTraceFile(readFileSync(join(dir, file), 'utf8'), file);
    // Every ITF integer is written {"#bigint": "N"}; a trace from before causal time has none.
    const leads = trace.steps.map((s) =>
      Number((s.state.tscLead as { '#bigint': string } | undefined)?.['#bigint'] ?? 0),
    );
    expect(trace.steps[0]!.state.tscLead).toBeDefined();
    expect(Math.max(...leads)).toBeLessThan(MAX_TSC_LEAD);
  });
});
