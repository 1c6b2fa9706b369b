import { describe, expect, it } from 'vitest';
import { config, enabled, state, step } from '../fixtures.ts';

const cfg = config({
  ntpAdjs: [4_194, -4_194],
  limits: { ntpChanges: 2 },
  transitions: ['ntpMultChange'],
});

describe('ntpMultChange', () => {
  it('offers one action per configured adjustment', () => {
    expect(enabled(state(cfg), cfg, 'ntpMultChange')).toEqual([
      { kind: 'ntpMultChange', adj: 4_194 },
      { kind: 'ntpMultChange', adj: -4_194 },
    ]);
  });

  it('is never enabled when the scenario does not have it', () => {
    const off = config({ ntpAdjs: [4_194], limits: { ntpChanges: 2 } });
    expect(enabled(state(off), off, 'ntpMultChange')).toEqual([]);
  });

  it('is not enabled with no adjustments configured', () => {
    const none = config({ ntpAdjs: [], limits: { ntpChanges: 2 }, transitions: ['ntpMultChange'] });
    expect(enabled(state(none), none, 'ntpMultChange')).toEqual([]);
  });

  it('is not enabled while a change is pending', () => {
    const pending = state(cfg, (d) => {
      d.host.ntpPendingAdj = 4_194;
      d.host.ntpChanges = 1;
    });
    expect(enabled(pending, cfg, 'ntpMultChange')).toEqual([]);
  });

  it('is enabled again once the pending change was applied, until the limit is reached', () => {
    const applied = state(cfg, (d) => void (d.host.ntpChanges = 1));
    expect(enabled(applied, cfg, 'ntpMultChange')).toHaveLength(2);
    const atLimit = state(cfg, (d) => void (d.host.ntpChanges = 2));
    expect(enabled(atLimit, cfg, 'ntpMultChange')).toEqual([]);
    const noChanges = config({ ntpAdjs: [4_194], transitions: ['ntpMultChange'] });
    expect(enabled(state(noChanges), noChanges, 'ntpMultChange')).toEqual([]);
  });

  it('records the request and counts it, without touching the clocks (applied at the next update)', () => {
    const s = state(cfg);
    const next = step(s, cfg, { kind: 'ntpMultChange', adj: -4_194 });
    expect(next.host.ntpPendingAdj).toBe(-4_194);
    expect(next.host.ntpChanges).toBe(1);
    expect(next.host.mono).toEqual(s.host.mono);
    expect(next.host.raw).toEqual(s.host.raw);
    expect(next).toEqual({
      ...s,
      host: { ...s.host, ntpPendingAdj: -4_194, ntpChanges: 1 },
    });
  });
});
