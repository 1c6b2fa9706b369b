/**
 * vmPause: the source VMM stops every vCPU for a live migration. A paused vCPU runs no guest code
 * and handles no requests; time passes.
 */
import { describe, expect, it } from 'vitest';
import { enabled, state, step } from '../fixtures.ts';
import { migrating, run, T, T2 } from './liveMigration.ts';

describe('vmPause', () => {
  it('is enabled once there is a live migration to do, and pauses every vCPU', () => {
    const cfg = migrating();
    const s = state(cfg);
    expect(enabled(s, cfg, 'vmPause')).toEqual([{ kind: 'vmPause' }]);
    const next = step(s, cfg, { kind: 'vmPause' });
    expect(next.vcpus.map((v) => v.paused)).toEqual([true, true]);
    expect(next.vmm).toMatchObject({ migrations: 1, clockSaved: false, clockSet: false });
    expect(enabled(next, cfg, 'vmPause')).toEqual([]);
  });

  it('is never enabled without cfg.liveMigration, nor while a page write is under way', () => {
    const none = { ...migrating() };
    delete (none as { liveMigration?: unknown }).liveMigration;
    expect(enabled(state(none), none, 'vmPause')).toEqual([]);
    const cfg = migrating();
    const writing = state(cfg, (d) => void (d.vcpus[1]!.pvtiWrite.active = true));
    expect(enabled(writing, cfg, 'vmPause')).toEqual([]);
  });

  it('a paused vCPU reads nothing, takes no migrated task, programs no timer, writes no page', () => {
    const cfg = migrating(
      {},
      {
        transitions: [
          'vmPause',
          'guestRead',
          'taskMigrate',
          'timerProgram',
          'pvclockWrite',
          'vcpuMigrate',
        ],
        limits: {
          readsPerTask: 1,
          taskMigrations: 1,
          timersPerVcpu: 1,
          vcpuMigrations: 1,
          pvclockWrites: 1,
        },
        timerCycles: [1000],
      },
    );
    const s = state(cfg, (d) => void (d.vcpus[0]!.clockUpdateRequested = false));
    expect(enabled(s, cfg).length).toBeGreaterThan(1);
    const paused = step(s, cfg, { kind: 'vmPause' });
    expect(enabled(paused, cfg)).toEqual([]);
  });

  it('starts the next migration only when the last is complete, up to the configured number', () => {
    const cfg = migrating({ migrations: 2 });
    const once = run(
      state(cfg),
      cfg,
      [T, { kind: 'vmPause' }],
      [T, { kind: 'kvmGetClock' }],
      [T2, { kind: 'tscRestore', vcpu: 0 }],
      [T2, { kind: 'tscRestore', vcpu: 1 }],
    );
    expect(enabled(once, cfg, 'vmPause')).toEqual([]); // clock not set, vCPUs paused
    const done = run(
      once,
      cfg,
      [T2, { kind: 'kvmSetClock' }],
      [T2, { kind: 'vcpuResume', vcpu: 0 }],
      [T2, { kind: 'vcpuResume', vcpu: 1 }],
    );
    expect(enabled(done, cfg, 'vmPause')).toEqual([{ kind: 'vmPause' }]);
    const again = step(done, cfg, { kind: 'vmPause' });
    expect(again.vmm).toMatchObject({ migrations: 2, clockSaved: false, clockSet: false });
    expect(again.vcpus.map((v) => v.tscRestored)).toEqual([false, false]);
  });
});
