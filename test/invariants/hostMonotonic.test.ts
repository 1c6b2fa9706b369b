import { describe, expect, it } from 'vitest';
import { hostMonotonic } from '../../invariants/hostMonotonic.ts';
import type { HostClockStep } from '../../model/state.ts';
import { config, state } from '../model/fixtures.ts';

// 1 GHz TSC: clocksource mult 2^23 = 8388608, shift 23.
const cfg = config();
const afterUpdate = (at: number, step: HostClockStep) =>
  state(cfg, (d) => {
    d.now = at;
    d.host.lastUpdateAt = at;
    d.host.lastUpdate = step;
  });

describe('host-monotonic', () => {
  it('holds at boot, before any update', () => {
    expect(hostMonotonic.check(state(cfg), cfg)).toBeUndefined();
  });

  it('holds when an update leaves both clocks where they were, or moves them forward', () => {
    const same = { monoBefore: 2000n, monoAfter: 2000n, rawBefore: 2000n, rawAfter: 2000n };
    expect(hostMonotonic.check(afterUpdate(1_000_000, same), cfg)).toBeUndefined();
    const forward = { monoBefore: 2000n, monoAfter: 2003n, rawBefore: 2000n, rawAfter: 2001n };
    expect(hostMonotonic.check(afterUpdate(1_000_000, forward), cfg)).toBeUndefined();
  });

  it('breaks when an update moves MONOTONIC back, and prints both values, the mult and the step', () => {
    const s = afterUpdate(2_000_000, {
      monoBefore: 1_002_000_000n,
      monoAfter: 1_001_999_995n,
      rawBefore: 1_002_000_000n,
      rawAfter: 1_002_000_000n,
    });
    expect(hostMonotonic.check(s, cfg)).toBe(
      'CLOCK_MONOTONIC went from 1002000000 to 1001999995 ns at the update at t=2000000ns (mult 8388608): back 5 ns',
    );
  });

  it('breaks when an update moves MONOTONIC_RAW back, and prints both values and the step', () => {
    const s = afterUpdate(3_000_000, {
      monoBefore: 1_003_000_000n,
      monoAfter: 1_003_000_000n,
      rawBefore: 1_003_000_000n,
      rawAfter: 1_002_999_999n,
    });
    expect(hostMonotonic.check(s, cfg)).toBe(
      'CLOCK_MONOTONIC_RAW went from 1003000000 to 1002999999 ns at the update at t=3000000ns: back 1 ns',
    );
  });

  it('reports MONOTONIC first when both clocks went back', () => {
    const s = afterUpdate(1_000_000, {
      monoBefore: 10n,
      monoAfter: 8n,
      rawBefore: 10n,
      rawAfter: 9n,
    });
    expect(hostMonotonic.check(s, cfg)).toBe(
      'CLOCK_MONOTONIC went from 10 to 8 ns at the update at t=1000000ns (mult 8388608): back 2 ns',
    );
  });
});
