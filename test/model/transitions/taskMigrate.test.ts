/**
 * taskMigrate: the guest scheduler moves a task to another vCPU, possibly in the middle of a
 * multi-step clock read (between getcpu and rdtsc, say).
 *
 * Enabled: for each task with fewer than limits.taskMigrations migrations, to each other vCPU;
 * whether or not the task is inside a read.
 * Changes: the task's vCPU and migration count; its read progress is kept.
 * Abstracts: the guest scheduler's migration (set_task_cpu), which the vDSO reader cannot prevent.
 *
 * step() also checks that the input state is not mutated.
 */
import { describe, expect, it } from 'vitest';
import { config, enabled, GHZ, state, step } from '../fixtures.ts';

const topology = {
  vcpus: [{ pcpu: 0 }, { pcpu: 0 }, { pcpu: 0 }],
  tasks: [{ vcpu: 0 }, { vcpu: 1 }],
};
const cfg = config({ ...topology, transitions: ['taskMigrate'], limits: { taskMigrations: 1 } });

describe('taskMigrate', () => {
  it('offers each task every vCPU but its own', () => {
    expect(enabled(state(cfg), cfg, 'taskMigrate')).toEqual([
      { kind: 'taskMigrate', task: 0, to: 1 },
      { kind: 'taskMigrate', task: 0, to: 2 },
      { kind: 'taskMigrate', task: 1, to: 0 },
      { kind: 'taskMigrate', task: 1, to: 2 },
    ]);
  });

  it('moves the task and counts the migration, changing nothing else', () => {
    const s = state(cfg);
    const next = step(s, cfg, { kind: 'taskMigrate', task: 0, to: 2 });
    expect(next.tasks[0]).toEqual({ ...s.tasks[0]!, vcpu: 2, migrations: 1 });
    expect({ ...next, tasks: [] }).toEqual({ ...s, tasks: [] });
    expect(next.tasks[1]).toEqual(s.tasks[1]);
  });

  it('counts migrations against limits.taskMigrations, per task', () => {
    const next = step(state(cfg), cfg, { kind: 'taskMigrate', task: 0, to: 2 });
    expect(enabled(next, cfg, 'taskMigrate')).toEqual([
      { kind: 'taskMigrate', task: 1, to: 0 },
      { kind: 'taskMigrate', task: 1, to: 2 },
    ]);
    const none = config({ ...topology, transitions: ['taskMigrate'] });
    expect(enabled(state(none), none, 'taskMigrate')).toEqual([]);
  });

  it('is not enabled with a single vCPU', () => {
    const one = config({ transitions: ['taskMigrate'], limits: { taskMigrations: 1 } });
    expect(enabled(state(one), one, 'taskMigrate')).toEqual([]);
  });

  it('is never enabled when taskMigrate is not among cfg.transitions', () => {
    const off = config({
      ...topology,
      transitions: ['vcpuMigrate'],
      limits: { taskMigrations: 1 },
    });
    expect(enabled(state(off), off, 'taskMigrate')).toEqual([]);
  });

  it('works mid-read: the read keeps its progress and its rdtsc runs on the new vCPU', () => {
    // vCPU0 on pCPU0 (TSC = t), vCPU1 on pCPU1 (TSC = 500 + t). The task has read vCPU0's page
    // (version and fields) at t = 1000, migrates to vCPU1, then reads the TSC there: 1500.
    const split = config({
      pcpus: [
        { tscHz: GHZ, tscOffset: 0n },
        { tscHz: GHZ, tscOffset: 500n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      policies: { reader: 'split' },
      transitions: ['taskMigrate', 'guestRead'],
      limits: { taskMigrations: 1, readsPerTask: 1 },
    });
    const s = state(split, (d) => {
      d.now = 1000;
      d.tasks[0]!.read.active = true;
      d.tasks[0]!.read.step = 2; // version and fields read; tsc next
      d.tasks[0]!.read.pageVcpu = 0;
      d.tasks[0]!.read.version = d.vcpus[0]!.pvti.version;
      d.tasks[0]!.read.fields = { ...d.vcpus[0]!.pvti };
    });
    expect(enabled(s, split, 'taskMigrate')).toEqual([{ kind: 'taskMigrate', task: 0, to: 1 }]);
    const moved = step(s, split, { kind: 'taskMigrate', task: 0, to: 1 });
    expect(moved.tasks[0]!.read).toEqual(s.tasks[0]!.read);
    const afterTsc = step(moved, split, { kind: 'guestRead', task: 0, step: 'tsc' });
    expect(afterTsc.tasks[0]!.read.tsc).toBe(1500n);
    expect(afterTsc.tasks[0]!.read.pageVcpu).toBe(0);
  });
});
