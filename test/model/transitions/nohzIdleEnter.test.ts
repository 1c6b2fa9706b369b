import { describe, expect, it } from 'vitest';
import type { HostHrtimer } from '../../../model/state.ts';
import { config, enabled, GHZ, state, step } from '../fixtures.ts';

// 1 GHz, mult 2^23/23: MONOTONIC = BOOT + real time, so MONOTONIC reaches BOOT + x at real time x.
const BOOT = 1_000_000_000n;
const monoTimer = (queuedMono: bigint, armed = true): HostHrtimer => ({
  armed,
  clock: 'mono',
  expires: queuedMono,
  queuedMono,
});
const twoPcpus = [
  { tscHz: GHZ, tscOffset: 0n },
  { tscHz: GHZ, tscOffset: 0n },
];

describe('nohzIdleEnter', () => {
  const cfg = config({ transitions: ['nohzIdleEnter'] });
  const halted = state(cfg, (d) => void (d.vcpus[0]!.halted = true));

  describe('enabled', () => {
    it('for a busy pCPU whose only vCPU is halted with nothing to wake it', () => {
      expect(enabled(halted, cfg, 'nohzIdleEnter')).toEqual([{ kind: 'nohzIdleEnter', pcpu: 0 }]);
    });

    it('never when the scenario does not have it', () => {
      const off = config();
      expect(
        enabled(
          state(off, (d) => void (d.vcpus[0]!.halted = true)),
          off,
          'nohzIdleEnter',
        ),
      ).toEqual([]);
    });

    it('not while the vCPU runs guest code', () => {
      expect(enabled(state(cfg), cfg, 'nohzIdleEnter')).toEqual([]);
    });

    it('not while the halted vCPU has been kicked and must still decide', () => {
      const kicked = state(cfg, (d) => {
        d.vcpus[0]!.halted = true;
        d.vcpus[0]!.kicked = true;
      });
      expect(enabled(kicked, cfg, 'nohzIdleEnter')).toEqual([]);
    });

    it('not for a pCPU already idle', () => {
      const idle = state(cfg, (d) => {
        d.vcpus[0]!.halted = true;
        d.pcpus[0]!.idle = true;
      });
      expect(enabled(idle, cfg, 'nohzIdleEnter')).toEqual([]);
    });

    it("not for one of the scenario's always-busy pCPUs", () => {
      const busy = config({ busyPcpus: [0], transitions: ['nohzIdleEnter'] });
      const s = state(busy, (d) => void (d.vcpus[0]!.halted = true));
      expect(enabled(s, busy, 'nohzIdleEnter')).toEqual([]);
    });

    it('for a pCPU with no vCPU on it, not for the one whose vCPU runs', () => {
      const two = config({ pcpus: twoPcpus, transitions: ['nohzIdleEnter'] });
      expect(enabled(state(two), two, 'nohzIdleEnter')).toEqual([
        { kind: 'nohzIdleEnter', pcpu: 1 },
      ]);
    });

    it('only when every vCPU on the pCPU is halted', () => {
      const two = config({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }], transitions: ['nohzIdleEnter'] });
      const oneRunning = state(two, (d) => void (d.vcpus[0]!.halted = true));
      expect(enabled(oneRunning, two, 'nohzIdleEnter')).toEqual([]);
      const both = state(two, (d) => {
        d.vcpus[0]!.halted = true;
        d.vcpus[1]!.halted = true;
      });
      expect(enabled(both, two, 'nohzIdleEnter')).toEqual([{ kind: 'nohzIdleEnter', pcpu: 0 }]);
    });
  });

  it('with no hrtimer armed, idles with nothing programmed (wakeAt -1) and changes nothing else', () => {
    const next = step(halted, cfg, { kind: 'nohzIdleEnter', pcpu: 0 });
    expect(next).toEqual({ ...halted, pcpus: [{ idle: true, wakeAt: -1 }] });
  });

  it("programs the clockevent for the earliest armed hrtimer of this pCPU's vCPUs", () => {
    const three = config({
      pcpus: twoPcpus,
      vcpus: [{ pcpu: 0 }, { pcpu: 0 }, { pcpu: 1 }],
      transitions: ['nohzIdleEnter'],
    });
    const s = state(three, (d) => {
      d.now = 1_000;
      d.vcpus[0]!.halted = true;
      d.vcpus[1]!.halted = true;
      d.vcpus[0]!.timer.hrtimer = monoTimer(BOOT + 7_000n);
      d.vcpus[1]!.timer.hrtimer = monoTimer(BOOT + 4_000n);
      d.vcpus[2]!.timer.hrtimer = monoTimer(BOOT + 2_000n); // on pCPU1: not ours
    });
    const next = step(s, three, { kind: 'nohzIdleEnter', pcpu: 0 });
    expect(next.pcpus[0]).toEqual({ idle: true, wakeAt: 4_000 });
    expect(next.pcpus[1]).toEqual({ idle: false, wakeAt: -1 });
  });

  it('ignores a disarmed hrtimer', () => {
    const s = state(cfg, (d) => {
      d.now = 1_000;
      d.vcpus[0]!.halted = true;
      d.vcpus[0]!.timer.hrtimer = monoTimer(BOOT + 1_500n, false);
    });
    expect(step(s, cfg, { kind: 'nohzIdleEnter', pcpu: 0 }).pcpus[0]!.wakeAt).toBe(-1);
  });

  it('programs a raw hrtimer for the MONOTONIC time it is queued at, not its raw expiry', () => {
    const s = state(cfg, (d) => {
      d.now = 1_000;
      d.vcpus[0]!.halted = true;
      d.vcpus[0]!.timer.hrtimer = {
        armed: true,
        clock: 'raw',
        expires: BOOT + 9_000n,
        queuedMono: BOOT + 3_000n,
      };
    });
    expect(step(s, cfg, { kind: 'nohzIdleEnter', pcpu: 0 }).pcpus[0]!.wakeAt).toBe(3_000);
  });

  it('wakes at once for an hrtimer already due', () => {
    const s = state(cfg, (d) => {
      d.now = 1_000;
      d.vcpus[0]!.halted = true;
      d.vcpus[0]!.timer.hrtimer = monoTimer(BOOT + 500n);
    });
    expect(step(s, cfg, { kind: 'nohzIdleEnter', pcpu: 0 }).pcpus[0]!.wakeAt).toBe(1_000);
  });
});
