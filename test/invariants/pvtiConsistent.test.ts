import { describe, expect, it } from 'vitest';
import { pvtiConsistent } from '../../invariants/pvtiConsistent.ts';
import type { ReadRecord } from '../../model/state.ts';
import { config, state } from '../model/fixtures.ts';

const cfg = config({ tasks: [{ vcpu: 0 }, { vcpu: 0 }] });
const read = (torn: boolean, value = 1_000_002_000n, at = 2000): ReadRecord => ({
  valid: true,
  value,
  vcpu: 0,
  at,
  torn,
  floorAtStart: 0n,
});

describe('pvti-consistent', () => {
  it('holds before any read', () => {
    expect(pvtiConsistent.check(state(cfg), cfg)).toBeUndefined();
  });

  it('holds for a completed read whose value a whole page gives (even from a half-written page)', () => {
    const s = state(cfg, (d) => void (d.tasks[1]!.lastRead = read(false)));
    expect(pvtiConsistent.check(s, cfg)).toBeUndefined();
  });

  it('holds while a read that saw a half-written page is still in progress (it may yet fail the version check)', () => {
    const s = state(cfg, (d) => {
      d.tasks[0]!.read.active = true;
      d.tasks[0]!.read.step = 2;
      d.tasks[0]!.read.torn = true;
    });
    expect(pvtiConsistent.check(s, cfg)).toBeUndefined();
  });

  it('ignores a torn flag on a record that holds no completed read', () => {
    const s = state(cfg, (d) => void (d.tasks[0]!.lastRead = { ...read(true), valid: false }));
    expect(pvtiConsistent.check(s, cfg)).toBeUndefined();
  });

  it('breaks when a completed read returned a value neither page gives, and prints the task, the time and the value', () => {
    const s = state(cfg, (d) => void (d.tasks[1]!.lastRead = read(true)));
    expect(pvtiConsistent.check(s, cfg)).toBe(
      "task 1's read at t=2000ns took its fields from a half-written page and returned 1000002000, which neither the old page nor the new one gives for the TSC it read",
    );
  });
});
