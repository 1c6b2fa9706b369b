/**
 * tsc-deadline-ntp (seed 000, "RFC: NTP adjustments interfere with KVM emulation of TSC deadline
 * timers", tglx's reply, 2024).
 *
 * A guest programs a TSC deadline; KVM emulates it with a host hrtimer on CLOCK_MONOTONIC,
 * converting the cycles left to nanoseconds once, when it arms it. NTP then changes MONOTONIC's
 * rate (applied at a tick of the busy housekeeping pCPU, or when the vCPU's pCPU leaves NOHZ idle):
 * sped up, the hrtimer fires before the guest TSC reaches the deadline. What happens next is the
 * policy under test.
 */
import { clocksourceMultShiftKhz } from '../arith/index.ts';
import { NS_PER_MS } from './baseConfig.ts';
import { defineSometimes } from '../../invariants/invariant.ts';
import { defineScenario } from './defineScenario.ts';

export const tscDeadlineNtp = defineScenario({
  name: 'tsc-deadline-ntp',
  title: 'a guest TSC-deadline timer emulated by a host hrtimer while NTP changes MONOTONIC’s rate',
  source:
    'RFC: NTP adjustments interfere with KVM emulation of TSC deadline timers (Gleixner, 2024)',
  description:
    'Two pCPUs with synchronized TSCs: pCPU0 always busy (it takes the timekeeping tick), pCPU1 runs the one ' +
    'vCPU and enters NOHZ idle when it halts. The guest programs a TSC deadline timerNs ahead; one NTP ' +
    'change of ±ntpPpm of MONOTONIC’s mult may be requested (500 ppm is the kernel’s maximum slew, used so ' +
    'that effects show within milliseconds). The TSC runs at tscMHz; at the default 1000 MHz the host ' +
    'clocksource mult and the lapic conversion are exact, so any early or late interrupt is due to NTP ' +
    'alone. At other rates the kernel’s own rounding (a floored conversion, a mult a few ppb off) can ' +
    'fire the hrtimer a nanosecond early even without NTP: a finding, shown with --param tscMHz=2500.',
  params: {
    ntpPpm: {
      meaning: 'size of the NTP change of MONOTONIC’s rate (ppm); 0 switches the bug’s cause off',
      default: 500,
      min: 0,
      max: 500,
    },
    tscMHz: {
      meaning: 'TSC frequency (MHz); 1000 makes the kernel’s conversions exact',
      default: 1000,
      min: 1,
      max: 10_000,
      minimize: 'keep',
    },
    timerNs: {
      meaning: 'how far ahead the guest programs its deadline (ns of TSC time)',
      default: 2 * NS_PER_MS,
      min: 1,
      max: 1_000 * NS_PER_MS,
    },
    horizonNs: {
      meaning: 'real time explored (ns)',
      default: 4 * NS_PER_MS,
      min: 1,
      max: 10_000 * NS_PER_MS,
    },
    gapNs: {
      meaning: 'besides ticks and timer expiries, time may advance by this many ns',
      default: NS_PER_MS / 2,
      min: 1,
      max: 10_000 * NS_PER_MS,
    },
    tickNs: {
      meaning: 'host tick period (ns)',
      default: NS_PER_MS,
      min: 1_000,
      max: 100 * NS_PER_MS,
    },
    latenessBoundNs: {
      meaning:
        'allowed lateness of the interrupt (ns); a timer due this close to the horizon is not required',
      default: 100,
      min: 0,
      max: 1_000 * NS_PER_MS,
      minimize: 'keep',
    },
  },
  baseline: 'recheck-and-block',
  variants: [
    {
      name: 'recheck-and-block',
      description:
        'on hrtimer expiry, kick the vCPU; on wake-up, if the guest TSC is short of the deadline, block again (arm64 before 2016)',
      policies: { hrtimerExpiry: 'kick', wakeCheck: 'recheck-deadline' },
      expected: { 'no-lost-timer': 'violated', 'host-monotonic': 'holds' },
    },
    {
      name: 'pending-latch',
      description:
        'on hrtimer expiry latch pending; the vCPU stays runnable and takes the interrupt (x86 today)',
      policies: { hrtimerExpiry: 'latch-pending', wakeCheck: 'pending' },
      expected: {
        'no-lost-timer': 'holds',
        'timer-not-early': 'violated',
        'host-monotonic': 'holds',
      },
    },
    {
      name: 'rearm-remaining',
      description:
        'on expiry, if the guest TSC is short of the deadline, re-arm for the time left (the arm64 fix; tglx option 2)',
      policies: { hrtimerExpiry: 'rearm-remaining', wakeCheck: 'recheck-deadline' },
      expected: { 'no-lost-timer': 'holds', 'timer-not-early': 'holds', 'host-monotonic': 'holds' },
    },
    {
      name: 'inject-always',
      description:
        'inject the interrupt whenever the hrtimer expires (tglx option 3; early interrupts accepted)',
      policies: { hrtimerExpiry: 'inject-always', wakeCheck: 'pending' },
      expected: {
        'no-lost-timer': 'holds',
        'timer-not-early': 'violated',
        'host-monotonic': 'holds',
      },
    },
    {
      name: 'raw-correlated',
      description:
        'the hrtimer runs on MONOTONIC_RAW, mapped to MONOTONIC when queued and at every tick (tglx option 1)',
      policies: {
        timerClock: 'raw-correlated',
        hrtimerExpiry: 'latch-pending',
        wakeCheck: 'pending',
      },
      expected: {
        'no-lost-timer': 'holds',
        'timer-not-early': 'holds',
        'timer-lateness': 'violated',
        'host-monotonic': 'holds',
      },
    },
  ],
  causeOff: { param: 'ntpPpm', value: 0 },
  invariants: ['no-lost-timer', 'timer-not-early', 'timer-lateness', 'host-monotonic'],
  sometimes: [
    defineSometimes({
      name: 'ntp-change-applied-while-timer-armed',
      meaning: 'an NTP change of MONOTONIC’s mult was applied while an hrtimer was armed',
      check: (s) =>
        s.host.ntpChanges > 0 &&
        s.host.ntpPendingAdj === 0 &&
        s.vcpus.some((v) => v.timer.hrtimer.armed),
      symmetric: true,
    }),
    defineSometimes({
      name: 'nohz-idle',
      meaning: 'a pCPU entered NOHZ idle',
      check: (s) => s.pcpus.some((p) => p.idle),
      symmetric: true,
    }),
    defineSometimes({
      name: 'timer-delivered',
      meaning: 'a guest timer interrupt was delivered',
      check: (s) => s.vcpus.some((v) => v.timer.delivered),
      symmetric: true,
    }),
  ],
  configure: (p) => {
    const khz = BigInt(p.tscMHz) * 1000n;
    const { mult } = clocksourceMultShiftKhz(khz);
    const adj = Math.round((mult * p.ntpPpm) / 1_000_000);
    const pcpu = { tscHz: khz * 1000n, tscOffset: 0n };
    return {
      pcpus: [pcpu, pcpu],
      vcpus: [{ pcpu: 1 }],
      tasks: [],
      tscKhz: khz,
      horizonNs: p.horizonNs,
      gapsNs: [p.gapNs],
      tickNs: p.tickNs,
      busyPcpus: [0],
      transitions: [
        'timeAdvance',
        'hostTimekeepingUpdate',
        'ntpMultChange',
        'nohzIdleEnter',
        'nohzIdleExit',
        'timerProgram',
        'hrtimerExpire',
        'vcpuBlock',
        'vcpuWakeCheck',
        'timerInject',
      ],
      limits: { ntpChanges: adj === 0 ? 0 : 1, timersPerVcpu: 1 },
      ntpAdjs: adj === 0 ? [] : [adj, -adj],
      timerCycles: [Math.round((p.timerNs * p.tscMHz) / 1000)],
      latenessBoundNs: p.latenessBoundNs,
    };
  },
});
