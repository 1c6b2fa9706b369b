// A scenario of your own: three vCPUs of a VM created on a 2.0 GHz host, now running on three
// pCPUs of a 2.5 GHz host whose TSCs are not synchronized (pCPU1 runs fast, pCPU2 slow). KVM scales
// each guest TSC to 2.0 GHz (KVM_SET_TSC_KHZ: the hardware multiplier, kvm_scale_tsc) and, with
// unsynchronized TSCs, gives each vCPU its own pvclock page. One task reads kvmclock and migrates.
// Does guest time go backwards, and does the last_value clamp still hold it together?
import {
  defineInvariant,
  defineScenario,
  defineSometimes,
  kvmclockOn,
  type ScenarioState,
} from 'clockcheck';

// A field of this scenario's own: every vCPU's kvmclock at the instant of the last read.
const state = {
  clocksAtRead: { type: 'u64', initial: 0n, per: 'vcpu' },
} as const;
type State = ScenarioState<typeof state>;

export const readWithinVcpuClocks = defineInvariant({
  name: 'read-within-vcpu-clocks',
  meaning: 'a read returns no more than the fastest vCPU’s kvmclock at that instant',
  when: 'always',
  symmetric: true,
  check: (s: State) => {
    for (const [i, t] of s.tasks.entries()) {
      if (!t.lastRead.valid || t.lastRead.at !== s.now) continue;
      const fastest = s.ext.clocksAtRead.reduce((a, b) => (a > b ? a : b));
      if (t.lastRead.value > fastest)
        return `task ${i} read ${t.lastRead.value} at t=${s.now}ns, ahead of every vCPU's kvmclock (the fastest: ${fastest})`;
    }
    return undefined;
  },
});

export default defineScenario({
  name: 'scaled-tsc',
  title: 'three vCPUs with a scaled guest TSC on pCPUs whose TSCs are not synchronized',
  description:
    'pCPU1 runs skewPpm fast and pCPU2 skewPpm slow against pCPU0 (2.5 GHz); every vCPU’s TSC is ' +
    'scaled to guestMHz; vCPU n on pCPU n with its own pvclock page; one task reads and migrates',
  params: {
    skewPpm: {
      meaning: 'how far pCPU1 and pCPU2 run from pCPU0 (ppm)',
      default: 100,
      min: 0,
      max: 1000,
    },
    guestMHz: {
      meaning: 'the guest TSC rate (KVM_SET_TSC_KHZ)',
      default: 2000,
      min: 100,
      max: 5000,
      minimize: 'keep',
    },
    reads: { meaning: 'clock reads the task may do', default: 3, min: 0, max: 6 },
    migrations: { meaning: 'times the task may move to another vCPU', default: 2, min: 0, max: 6 },
    horizonNs: {
      meaning: 'real time explored (ns)',
      default: 2_000_000,
      min: 1,
      max: 604_800_000_000_000,
    },
    gapNs: {
      meaning: 'time advances in steps of this many ns',
      default: 1_000_000,
      min: 1,
      max: 604_800_000_000_000,
    },
  },
  causeOff: { param: 'skewPpm', value: 0 },
  state,
  invariants: ['guest-monotonic', readWithinVcpuClocks],
  sometimes: [
    defineSometimes({
      name: 'read-on-each-vcpu',
      meaning: 'the task read on one vCPU, then on another',
      check: (s) => s.tasks.some((t) => t.prevRead.valid && t.prevRead.vcpu !== t.lastRead.vcpu),
      symmetric: true,
    }),
  ],
  baseline: 'no-clamp',
  variants: [
    {
      name: 'no-clamp',
      description: 'per-vCPU pvclock, no global clamp',
      policies: { readClamp: 'none' },
      expected: { 'guest-monotonic': 'violated', 'read-within-vcpu-clocks': 'holds' },
    },
    {
      name: 'global-clamp',
      description: 'the guest’s last_value clamp (pvclock_clocksource_read without STABLE)',
      policies: { readClamp: 'last-value' },
      expected: { 'guest-monotonic': 'holds', 'read-within-vcpu-clocks': 'holds' },
    },
  ],
  configure: (p) => {
    const hz = 2_500_000_000n;
    const skewed = (ppm: number) => ({
      tscHz: hz + (hz * BigInt(ppm)) / 1_000_000n,
      tscOffset: 0n,
    });
    const guestKhz = BigInt(p.guestMHz) * 1000n;
    return {
      pcpus: [skewed(0), skewed(p.skewPpm), skewed(-p.skewPpm)],
      vcpus: [0, 1, 2].map((pcpu) => ({ pcpu, tscKhz: guestKhz })),
      tasks: [{ vcpu: 0 }],
      tscKhz: 2_500_000n,
      horizonNs: p.horizonNs,
      gapsNs: [p.gapNs],
      transitions: ['timeAdvance', 'guestRead', 'taskMigrate'],
      limits: { readsPerTask: p.reads, taskMigrations: p.migrations },
    };
  },
  // After every step: what each vCPU's kvmclock shows now, for read-within-vcpu-clocks.
  observe: (d, { cfg }) => {
    for (let v = 0; v < d.vcpus.length; v++) d.ext.clocksAtRead[v] = kvmclockOn(d, cfg, v);
  },
});
