/**
 * vcpuResume: the destination lets a vCPU run again. Unless resumeEarly, only once the clock is
 * set and every TSC restored; a resumed vCPU first rewrites its page, then its tasks read.
 */
import { describe, expect, it } from 'vitest';
import { kvmclockOn } from '../../../model/clocks.ts';
import { enabled, step } from '../fixtures.ts';
import { BOOT, migrating, run, saved, T2 } from './liveMigration.ts';

const resume = (vcpu: number) => ({ kind: 'vcpuResume', vcpu }) as const;
const restore = (vcpu: number) => ({ kind: 'tscRestore', vcpu }) as const;
const set = { kind: 'kvmSetClock' } as const;

describe('vcpuResume', () => {
  it('waits for the clock and every TSC, unless resumeEarly', () => {
    const cfg = migrating();
    const one = run(saved(cfg), cfg, [T2, restore(0)]);
    expect(enabled(one, cfg, 'vcpuResume')).toEqual([]);
    const all = run(one, cfg, [T2, restore(1)]);
    expect(enabled(all, cfg, 'vcpuResume')).toEqual([]);
    expect(enabled(run(all, cfg, [T2, set]), cfg, 'vcpuResume')).toEqual([resume(0), resume(1)]);

    const early = migrating({ resumeEarly: true });
    expect(enabled(run(saved(early), early, [T2, restore(1)]), early, 'vcpuResume')).toEqual([
      resume(1),
    ]);
  });

  it('unpauses the vCPU, which then handles its page update before running guest code', () => {
    const cfg = migrating(
      {},
      {
        transitions: [
          'vcpuResume',
          'pvclockWrite',
          'tscRestore',
          'kvmSetClock',
          'kvmGetClock',
          'vmPause',
          'guestRead',
        ],
        limits: { readsPerTask: 1 },
      },
    );
    const ready = run(saved(cfg), cfg, [T2, restore(0)], [T2, restore(1)], [T2, set]);
    const resumed = step(ready, cfg, resume(0));
    expect(resumed.vcpus.map((v) => v.paused)).toEqual([false, true]);
    expect(enabled(resumed, cfg, 'guestRead')).toEqual([]);
    expect(enabled(resumed, cfg, 'pvclockWrite')).toEqual([{ kind: 'pvclockWrite', vcpu: 0 }]);
    const written = step(resumed, cfg, { kind: 'pvclockWrite', vcpu: 0 });
    // kvmclock continues as if the VM had never stopped (realtime restore, no skew).
    // Read by the next action: as many cycles (1 GHz: ns) into the instant as reads came before.
    expect(kvmclockOn(written, cfg, 0)).toBe(BOOT + BigInt(T2) + BigInt(written.tscLead));
    expect(enabled(written, cfg, 'guestRead')).toEqual([
      { kind: 'guestRead', task: 0, step: 'whole' },
    ]);
  });

  it('a vCPU resumed before KVM_SET_CLOCK runs on the fresh VM’s kvmclock: near 0', () => {
    const cfg = migrating({ resumeEarly: true });
    const early = run(
      saved(cfg),
      cfg,
      [T2, restore(0)],
      [T2, resume(0)],
      [T2, { kind: 'pvclockWrite', vcpu: 0 }],
    );
    // 1 ms since the destination VM's creation, read as many cycles (ns) into the instant as
    // reads came before it.
    expect(kvmclockOn(early, cfg, 0)).toBe(1_000_000n + BigInt(early.tscLead));
  });
});
