/**
 * guestCounterRead: a guest task on arm64 reads its vCPU's virtual counter (CNTVCT_EL0).
 *
 * Enabled: for a task whose vCPU has had its counter restored, while the task has done fewer than
 * limits.readsPerTask reads.
 * Changes: the task's last two reads (value = physical counter of the vCPU's pCPU - voffset, as a
 * u64), its read count, and the largest value any read returned.
 * Abstracts: the guest's counter read (__arch_counter_get_cntvct, arch/arm64/include/asm/arch_timer.h),
 * which does not trap: the hardware subtracts CNTVOFF_EL2.
 *
 * step() also checks that the input state is not mutated.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { ReadRecord } from '../../../model/state.ts';
import { config, enabled, GHZ, state, step } from '../fixtures.ts';

// vCPU0 on pCPU0 (counter = t), vCPU1 on pCPU1 (counter = 100 + t); task i on vCPU i.
const cfg = config({
  pcpus: [
    { tscHz: GHZ, tscOffset: 0n },
    { tscHz: GHZ, tscOffset: 100n },
  ],
  vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
  tasks: [{ vcpu: 0 }, { vcpu: 1 }],
  transitions: ['guestCounterRead'],
  limits: { readsPerTask: 2 },
});
const READ0 = { kind: 'guestCounterRead', task: 0 } as const;
const READ1 = { kind: 'guestCounterRead', task: 1 } as const;
const restored = state(cfg, (d) => {
  d.now = 1000;
  d.vcpus[0]!.voffset = 300n;
  d.vcpus[0]!.counterRestored = true;
  d.vcpus[1]!.voffset = 50n;
  d.vcpus[1]!.counterRestored = true;
});
const record = (value: bigint, vcpu: number, at: number, floorAtStart: bigint): ReadRecord => ({
  valid: true,
  value,
  vcpu,
  at,
  torn: false,
  floorAtStart,
});

describe('guestCounterRead', () => {
  it('is enabled only for tasks whose vCPU has been restored', () => {
    expect(enabled(state(cfg), cfg, 'guestCounterRead')).toEqual([]);
    const one = produce(restored, (d) => void (d.vcpus[0]!.counterRestored = false));
    expect(enabled(one, cfg, 'guestCounterRead')).toEqual([READ1]);
    expect(enabled(restored, cfg, 'guestCounterRead')).toEqual([READ0, READ1]);
  });

  it('is enabled while the task has reads left', () => {
    const twice = step(step(restored, cfg, READ0), cfg, READ0);
    expect(enabled(twice, cfg, 'guestCounterRead')).toEqual([READ1]);
  });

  it('never when the scenario does not have it', () => {
    const off = { ...cfg, transitions: new Set(['counterRestore'] as const) };
    expect(enabled(restored, off, 'guestCounterRead')).toEqual([]);
  });

  it('reads its pCPU’s counter minus the vCPU’s offset, and records the read', () => {
    const next = step(restored, cfg, READ1);
    // pCPU1 reads 1100 at t = 1000; minus 50.
    expect(next.tasks[1]).toEqual({
      ...restored.tasks[1]!,
      reads: 1,
      prevRead: restored.tasks[1]!.lastRead,
      lastRead: record(1050n, 1, 1000, 0n),
    });
    expect(next.guest).toEqual({ lastValue: 0n, maxReturned: 1050n });
    expect(next.tasks[0]).toEqual(restored.tasks[0]);
  });

  it('keeps the two last reads and notes the largest value returned when each read started', () => {
    const first = step(restored, cfg, READ1); // 1050
    const second = step(
      produce(first, (d) => void (d.now = 1200)),
      cfg,
      READ0,
    ); // 1200 - 300 = 900, after 1050 was returned
    expect(second.tasks[0]!.lastRead).toEqual(record(900n, 0, 1200, 1050n));
    expect(second.guest.maxReturned).toBe(1050n);
    const third = step(second, cfg, READ0);
    expect(third.tasks[0]!.prevRead).toEqual(second.tasks[0]!.lastRead);
    expect(third.tasks[0]!.reads).toBe(2);
  });

  it('wraps as a u64 when the offset exceeds the physical counter', () => {
    const ahead = produce(restored, (d) => void (d.vcpus[0]!.voffset = 1001n));
    expect(step(ahead, cfg, READ0).tasks[0]!.lastRead.value).toBe(2n ** 64n - 1n);
  });
});
