import { describe, expect, it } from 'vitest';
import { timerNotEarly } from '../../invariants/timerNotEarly.ts';
import { config, state } from '../model/fixtures.ts';

const cfg = config({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }] });

/** `vcpu` programmed `deadline` and, unless `deliveredTsc` is undefined, got the interrupt then (1 GHz: t = TSC). */
const timer = (vcpu: number, deadline: bigint, deliveredTsc?: bigint) =>
  state(cfg, (d) => {
    const t = d.vcpus[vcpu]!.timer;
    t.programmed = true;
    t.deadline = deadline;
    t.deadlineAt = Number(deadline);
    if (deliveredTsc === undefined) return;
    t.delivered = true;
    t.deliveredTsc = deliveredTsc;
    t.deliveredAt = Number(deliveredTsc);
    d.now = Number(deliveredTsc);
  });

describe('timer-not-early', () => {
  it('holds when nothing was programmed, or nothing delivered yet', () => {
    expect(timerNotEarly.check(state(cfg), cfg)).toBeUndefined();
    expect(timerNotEarly.check(timer(0, 5000n), cfg)).toBeUndefined();
  });

  it('holds when the interrupt arrives exactly at the deadline, or after it', () => {
    expect(timerNotEarly.check(timer(0, 5000n, 5000n), cfg)).toBeUndefined();
    expect(timerNotEarly.check(timer(1, 5000n, 7000n), cfg)).toBeUndefined();
  });

  it('breaks when the interrupt arrives before the deadline, and prints the TSC, the time and the cycles early', () => {
    expect(timerNotEarly.check(timer(1, 5000n, 4990n), cfg)).toBe(
      "vCPU1's timer interrupt arrived at guest TSC 4990 (t=4990ns), 10 cycles before its deadline 5000",
    );
  });

  it('breaks one cycle early', () => {
    expect(timerNotEarly.check(timer(0, 5000n, 4999n), cfg)).toBe(
      "vCPU0's timer interrupt arrived at guest TSC 4999 (t=4999ns), 1 cycle before its deadline 5000",
    );
  });
});
