/**
 * The timer path's helpers, what a user's hrtimerExpiry or wakeCheck policy is made of: deliver
 * the interrupt now, has the deadline been reached, run the guest again or sleep again; and a
 * policy pair of a few lines written with them, explored in tsc-deadline-ntp.
 *
 * Numbers: 1 GHz TSC (guest TSC = t); vCPU0's deadline is TSC 2000.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { defineVariant } from '../../check/defineVariant.ts';
import { resolveTarget } from '../../check/resolve.ts';
import { runCheck } from '../../check/runCheck.ts';
import { resolveUserVariant } from '../../check/userVariant.ts';
import {
  armForRemaining,
  blockAgain,
  deadlineReached,
  deliverNow,
  disarm,
  kick,
  resumeGuest,
} from '../../model/timers.ts';
import { config, state } from './fixtures.ts';

const cfg = config();
const programmed = (now: number) =>
  state(cfg, (d) => {
    d.now = now;
    const t = d.vcpus[0]!.timer;
    t.programmed = true;
    t.deadline = 2000n;
    t.deadlineAt = 2000;
  });

describe('the timer helpers', () => {
  it('deliverNow: the interrupt taken now, at this instant’s guest TSC, the latch cleared', () => {
    const s = produce(programmed(1500), (d) => void (d.vcpus[0]!.timer.pending = true));
    const after = produce(s, (d) => deliverNow(d, cfg, 0));
    expect(after.vcpus[0]!.timer).toEqual({
      ...s.vcpus[0]!.timer,
      pending: false,
      delivered: true,
      deliveredTsc: 1500n,
      deliveredAt: 1500,
    });
  });

  it('deadlineReached: programmed, not yet delivered, and the guest TSC at the deadline or past it', () => {
    expect(deadlineReached(programmed(1999), cfg, 0)).toBe(false);
    expect(deadlineReached(programmed(2000), cfg, 0)).toBe(true);
    const delivered = produce(programmed(2500), (d) => deliverNow(d, cfg, 0));
    expect(deadlineReached(delivered, cfg, 0)).toBe(false);
    expect(
      deadlineReached(
        state(cfg, (d) => void (d.now = 5000)),
        cfg,
        0,
      ),
    ).toBe(false);
  });

  it('resumeGuest runs a woken vCPU; blockAgain puts it back to sleep, still halted', () => {
    const woken = produce(programmed(0), (d) => {
      d.vcpus[0]!.halted = true;
      d.vcpus[0]!.kicked = true;
    });
    const ran = produce(woken, (d) => resumeGuest(d, 0)).vcpus[0]!;
    const slept = produce(woken, (d) => blockAgain(d, 0)).vcpus[0]!;
    expect([ran.halted, ran.kicked]).toEqual([false, false]);
    expect([slept.halted, slept.kicked]).toEqual([true, false]);
  });
});

describe('a timer policy of a few lines', () => {
  // On expiry: if the guest TSC has reached the deadline (or less than 1 ns is left), deliver at
  // once; otherwise re-arm for the time left. On wake-up: run only for a delivered interrupt.
  const deliverWhenDue = defineVariant({
    scenario: 'tsc-deadline-ntp',
    name: 'deliver-when-due',
    description: 'deliver on expiry once the deadline is reached, else re-arm for the time left',
    policies: {
      hrtimerExpiry: (d, cfg, vcpu) => {
        disarm(d, vcpu);
        if (deadlineReached(d, cfg, vcpu) || !armForRemaining(d, cfg, vcpu)) {
          deliverNow(d, cfg, vcpu);
          kick(d, vcpu);
        }
      },
      wakeCheck: (d, _cfg, vcpu) =>
        d.vcpus[vcpu]!.timer.delivered ? resumeGuest(d, vcpu) : blockAgain(d, vcpu),
    },
  });

  it('is neither lost nor early, where the baseline loses the timer', () => {
    const variant = resolveUserVariant(deliverWhenDue, 'test');
    const { result } = runCheck(resolveTarget({ scenario: 'tsc-deadline-ntp', variant }));
    expect(result.complete).toBe(true);
    expect(result.violations).toEqual([]);
    expect(result.sometimes.find((p) => p.name === 'timer-delivered')?.reached).toBe(true);
    const baseline = runCheck(
      resolveTarget({ scenario: 'tsc-deadline-ntp', variant: 'recheck-and-block' }),
    ).result;
    expect(baseline.violations.map((v) => v.invariant)).toEqual(['no-lost-timer']);
  });
});
