import { describe, expect, it } from 'vitest';
import { crossVcpuOrder } from '../../invariants/crossVcpuOrder.ts';
import type { ReadRecord } from '../../model/state.ts';
import { config, state } from '../model/fixtures.ts';

// Two tasks on two vCPUs; boot is at 1_000_000_000 ns, so reads return values around it.
const cfg = config({
  vcpus: [{ pcpu: 0 }, { pcpu: 0 }],
  tasks: [{ vcpu: 0 }, { vcpu: 1 }],
});
const read = (value: bigint, floorAtStart: bigint, vcpu = 0, at = 0): ReadRecord => ({
  valid: true,
  value,
  vcpu,
  at,
  torn: false,
  floorAtStart,
});
const withLastRead = (task: number, r: ReadRecord) =>
  state(cfg, (d) => {
    d.tasks[task]!.lastRead = r;
  });

describe('cross-vcpu-order', () => {
  it('holds before any read', () => {
    expect(crossVcpuOrder.check(state(cfg), cfg)).toBeUndefined();
  });

  it('holds when a read returns exactly, or more than, the largest value returned before it started', () => {
    const boot = cfg.bootNs;
    expect(crossVcpuOrder.check(withLastRead(0, read(boot + 5000n, boot + 5000n)), cfg)).toBe(
      undefined,
    );
    expect(crossVcpuOrder.check(withLastRead(1, read(boot + 5001n, boot + 5000n, 1)), cfg)).toBe(
      undefined,
    );
  });

  it('ignores a record that holds no completed read', () => {
    const s = withLastRead(0, { ...read(10n, 20n), valid: false });
    expect(crossVcpuOrder.check(s, cfg)).toBeUndefined();
  });

  it('breaks when a read returns less than an earlier completed read, and prints both values and the gap', () => {
    const s = withLastRead(1, read(1_000_004_900n, 1_000_005_000n, 1, 5000));
    expect(crossVcpuOrder.check(s, cfg)).toBe(
      'task 1 read 1000004900 on vCPU1 at t=5000ns, but a read that had completed before it ' +
        'started returned 1000005000 (100 more)',
    );
  });

  it('reports the first task that broke it', () => {
    const s = state(cfg, (d) => {
      d.tasks[0]!.lastRead = read(7n, 9n, 0, 10);
      d.tasks[1]!.lastRead = read(1n, 9n, 1, 20);
    });
    expect(crossVcpuOrder.check(s, cfg)).toBe(
      'task 0 read 7 on vCPU0 at t=10ns, but a read that had completed before it started returned 9 (2 more)',
    );
  });
});
