/**
 * A small live-migration configuration for the tests of vmPause, kvmGetClock, kvmSetClock,
 * tscRestore and vcpuResume: 1 GHz TSCs (one cycle per ns), two vCPUs on the source pCPUs 0 and 1
 * (TSC offset 0), moving to pCPUs 2 and 3 whose TSCs are 10^12 cycles ahead; the masterclock in
 * use from a snapshot at time 0, so KVM_GET_CLOCK returns a realtime.
 */
import type { ClockAction } from '../../../model/actions.ts';
import type { LiveMigrationConfig } from '../../../model/config.ts';
import type { ClockState } from '../../../model/state.ts';
import { config, GHZ, state, step } from '../fixtures.ts';
import type { ClockConfig } from '../../../model/config.ts';
import { produce } from 'immer';

export const BOOT = 1_000_000_000n;
export const DEST_OFFSET = 1_000_000_000_000n;
export const MIGRATION_KINDS = [
  'vmPause',
  'kvmGetClock',
  'kvmSetClock',
  'tscRestore',
  'vcpuResume',
] as const;

export function migrating(
  lm: Partial<LiveMigrationConfig> = {},
  extra: Parameters<typeof config>[0] = {},
): ClockConfig {
  return config({
    pcpus: [
      { tscHz: GHZ, tscOffset: 0n },
      { tscHz: GHZ, tscOffset: 0n },
      { tscHz: GHZ, tscOffset: DEST_OFFSET },
      { tscHz: GHZ, tscOffset: DEST_OFFSET },
    ],
    vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
    useMasterClock: true,
    transitions: [...MIGRATION_KINDS, 'pvclockWrite'],
    liveMigration: {
      destPcpus: [2, 3],
      tscRestore: 'msr',
      clockRealtime: true,
      restoreOrder: 'any',
      resumeEarly: false,
      migrations: 1,
      ...lm,
    },
    ...extra,
  });
}

/** `s` at the later instant `now` (as timeAdvance: the TSCs have passed the causal lead since; the same instant keeps it). */
export const at = (s: ClockState, now: number): ClockState =>
  now === s.now
    ? s
    : produce(s, (d) => {
        d.now = now;
        d.tscLead = 0;
      });

/** Takes each action in turn from `s`, with time set to `now` before each (checked by step). */
export function run(
  s: ClockState,
  cfg: ClockConfig,
  ...steps: readonly (readonly [number, ClockAction])[]
): ClockState {
  let cur = s;
  for (const [now, action] of steps) cur = step(at(cur, now), cfg, action);
  return cur;
}

export const T = 2_000_000; // the pause and KVM_GET_CLOCK
export const T2 = 3_000_000; // the destination's steps, 1 ms later

/** Paused and saved at T (the VM on the destination). */
export function saved(cfg: ClockConfig): ClockState {
  return run(state(cfg), cfg, [T, { kind: 'vmPause' }], [T, { kind: 'kvmGetClock' }]);
}
