/**
 * A configuration with nothing in play: no transitions, no limits, zero bounds. Each scenario
 * starts from it and sets what it uses, so a field added to ClockConfig has one default.
 */
import type { ClockConfig } from '../config.ts';
import { resolvePolicies } from '../policies/index.ts';
import { NO_EXTENSION } from '../stateExtension.ts';

export const NS_PER_MS = 1_000_000;
export const NS_PER_DAY = 86_400_000_000_000;
/**
 * The largest horizon, gap or period a built-in scenario takes: 7 days. Time is a safe integer of
 * ns (up to 104 days), time advances by gaps and scheduled instants, and every clock is computed
 * in closed form, so a long horizon costs only the steps it has.
 */
export const MAX_TIME_NS = 7 * NS_PER_DAY;

export function baseConfig(): ClockConfig {
  return {
    pcpus: [],
    vcpus: [],
    tasks: [],
    tscKhz: 2_500_000n,
    bootNs: 1_000_000_000n,
    horizonNs: 0,
    gapsNs: [],
    tickNs: 0,
    busyPcpus: [],
    transitions: new Set(),
    limits: {
      readsPerTask: 0,
      taskMigrations: 0,
      vcpuMigrations: 0,
      ntpChanges: 0,
      masterclockTriggers: 0,
      pvclockWrites: 0,
      timersPerVcpu: 0,
    },
    writesDuringReads: true,
    useMasterClock: false,
    ntpAdjs: [],
    timerCycles: [],
    masterclockTriggerKinds: [],
    masterclockPeriodNs: 0,
    masterclockTriggerEffect: 'snapshot',
    latenessBoundNs: 0,
    stepBoundNs: 0n,
    driftBoundNs: 0n,
    savedCounter: 0n,
    restoreWindowNs: 0,
    policies: resolvePolicies({}),
    ext: NO_EXTENSION,
  };
}
