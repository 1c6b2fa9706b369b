/**
 * monoReachesAt: its first guess (the timekeeper and TSC formulas inverted) must give the instant a
 * plain scan gives, on clocks where the two formulas round differently: a TSC that is not 1 GHz, a
 * pCPU 0 with a TSC offset, and MONOTONIC after an NTP change of its mult.
 */
import { describe, expect, it } from 'vitest';
import { timekeeperInitial } from '../../model/arith/index.ts';
import { monoAt, monoReachesAt } from '../../model/clocks.ts';
import type { ClockConfig } from '../../model/config.ts';
import type { ClockState } from '../../model/state.ts';
import { config, state } from './fixtures.ts';

/** The first instant from now on at which MONOTONIC reaches `target`, one nanosecond at a time. */
function scan(s: ClockState, cfg: ClockConfig, target: bigint): number {
  let t = s.now;
  while (monoAt(s, cfg, t) < target) t++;
  return t;
}

describe('monoReachesAt', () => {
  const cases: { name: string; cfg: ClockConfig; adj: number; now: number }[] = [
    { name: '1 GHz', cfg: config(), adj: 0, now: 0 },
    {
      name: '2.7 GHz with an offset',
      cfg: config({
        pcpus: [{ tscHz: 2_700_000_000n, tscOffset: 12_345n }],
        tscKhz: 2_700_000n,
      }),
      adj: 0,
      now: 1_000,
    },
    {
      name: '1.1 GHz, NTP-slowed',
      cfg: config({ pcpus: [{ tscHz: 1_100_000_000n, tscOffset: 0n }], tscKhz: 1_100_000n }),
      adj: -7,
      now: 333,
    },
  ];
  for (const { name, cfg, adj, now } of cases) {
    it(`finds the instant a scan finds (${name})`, () => {
      const s = state(cfg, (d) => {
        const raw = timekeeperInitial(cfg.tscKhz, cfg.pcpus[0]!.tscOffset, cfg.bootNs);
        d.host.raw = raw;
        d.host.mono = { ...raw, mult: raw.mult + adj };
        d.now = now;
      });
      const start = monoAt(s, cfg, now);
      for (let ahead = -2n; ahead < 400n; ahead += 7n) {
        const target = start + ahead;
        expect(monoReachesAt(s, cfg, target), `target now+${ahead}`).toBe(scan(s, cfg, target));
      }
    });
  }
});
