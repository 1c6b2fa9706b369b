import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { guestMonotonic } from '../../invariants/guestMonotonic.ts';
import { initialState } from '../../model/initialState.ts';
import type { ReadRecord } from '../../model/state.ts';
import { target } from '../helpers.ts';

const cfg = target('unsynced-tsc', 'no-clamp').config;
const read = (value: bigint, vcpu: number, at: number): ReadRecord => ({
  valid: true,
  value,
  vcpu,
  at,
  torn: false,
  floorAtStart: 0n,
});
const withReads = (prev: ReadRecord, last: ReadRecord) =>
  produce(initialState(cfg), (d) => {
    d.tasks[0]!.prevRead = prev;
    d.tasks[0]!.lastRead = last;
  });

describe('guest-monotonic', () => {
  it('holds with no reads, one read, equal and increasing reads', () => {
    expect(guestMonotonic.check(initialState(cfg), cfg)).toBeUndefined();
    expect(
      guestMonotonic.check(withReads({ ...read(0n, 0, 0), valid: false }, read(5n, 0, 0)), cfg),
    ).toBeUndefined();
    expect(guestMonotonic.check(withReads(read(7n, 0, 0), read(7n, 1, 0)), cfg)).toBeUndefined();
    expect(guestMonotonic.check(withReads(read(7n, 0, 0), read(9n, 1, 5)), cfg)).toBeUndefined();
  });

  it('breaks when the last read is smaller, and prints both reads and the difference', () => {
    expect(guestMonotonic.check(withReads(read(1000n, 0, 10), read(990n, 1, 20)), cfg)).toBe(
      'task 0 read 990 on vCPU1 at t=20ns after reading 1000 on vCPU0 at t=10ns: time went backwards by 10 ns',
    );
  });
});
