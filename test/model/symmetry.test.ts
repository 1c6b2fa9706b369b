import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { Encoder, explore } from '../../explorer/index.ts';
import { invariantNamed } from '../../invariants/index.ts';
import { buildModel } from '../../model/buildModel.ts';
import { encodeState } from '../../model/encode.ts';
import { initialState } from '../../model/initialState.ts';
import { resolvePolicies } from '../../model/policies/index.ts';
import { defineReader, wholeRead } from '../../model/readers/index.ts';
import type { ClockState } from '../../model/state.ts';
import { canonicalEncoder, symmetryGroup } from '../../model/symmetry.ts';
import { config, GHZ } from './fixtures.ts';
import { target } from '../helpers.ts';
import { reachableStates } from './reachable.ts';

function words(write: (out: Encoder) => void): string {
  const enc = new Encoder();
  write(enc);
  return Array.from(enc.words()).join(',');
}

/** `s` with vCPUs 0 and 1, pCPUs 0 and 1 and tasks 0 and 1 swapped, and every reference renamed. */
function swapped(s: ClockState): ClockState {
  const other = (i: number) => 1 - i;
  return produce(s, (d) => {
    d.pcpus = [s.pcpus[1]!, s.pcpus[0]!];
    d.vcpus = [s.vcpus[1]!, s.vcpus[0]!].map((v) => ({ ...v, pcpu: other(v.pcpu) }));
    d.tasks = [s.tasks[1]!, s.tasks[0]!].map((t) => ({
      ...t,
      vcpu: other(t.vcpu),
      read: { ...t.read, pageVcpu: t.read.active ? other(t.read.pageVcpu) : t.read.pageVcpu },
      prevRead: t.prevRead.valid ? { ...t.prevRead, vcpu: other(t.prevRead.vcpu) } : t.prevRead,
      lastRead: t.lastRead.valid ? { ...t.lastRead, vcpu: other(t.lastRead.vcpu) } : t.lastRead,
    }));
  });
}

describe('symmetryGroup', () => {
  it.each([
    ['arm64-counter-offset', 'per-vcpu-absolute-restore', 2], // identical pCPUs, vCPU n on pCPU n, task n on vCPU n
    ['unsynced-tsc', 'no-clamp', 1], // the pCPUs run at different rates
    ['tsc-deadline-ntp', 'pending-latch', 1], // pCPU 0 is always busy, pCPU 1 is not
    ['masterclock-update', 'update-on-hotplug', 1], // one of each
  ])('%s / %s: %i renamings', (scenario, variant, size) => {
    expect(symmetryGroup(target(scenario, variant).config)).toHaveLength(size);
  });

  it('renames pCPUs, vCPUs and tasks together when identical vCPUs sit on identical pCPUs', () => {
    const cfg = config({
      pcpus: [
        { tscHz: GHZ, tscOffset: 0n },
        { tscHz: GHZ, tscOffset: 0n },
        { tscHz: 2n * GHZ, tscOffset: 0n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }, { pcpu: 2 }],
      tasks: [{ vcpu: 0 }, { vcpu: 1 }],
    });
    const group = symmetryGroup(cfg);
    expect(group.map((r) => [r.pcpuName, r.vcpuName, r.taskName])).toEqual([
      [
        [0, 1, 2],
        [0, 1, 2],
        [0, 1],
      ],
      [
        [1, 0, 2],
        [1, 0, 2],
        [1, 0],
      ],
    ]);
  });

  it('keeps vCPU 0 in place when the read policy singles it out, and trusts no unknown policy', () => {
    const cfg = config({
      pcpus: [
        { tscHz: GHZ, tscOffset: 0n },
        { tscHz: GHZ, tscOffset: 0n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tasks: [],
    });
    expect(symmetryGroup(cfg)).toHaveLength(2);
    expect(
      symmetryGroup({ ...cfg, policies: { ...cfg.policies, readPage: () => 0 } }),
    ).toHaveLength(1);
    expect(
      symmetryGroup({ ...cfg, policies: resolvePolicies({ readPage: 'vcpu0' }) }),
    ).toHaveLength(1);
  });

  it('is the identity alone with a reader of one’s own (it may single out any vCPU)', () => {
    const cfg = config({
      pcpus: [
        { tscHz: GHZ, tscOffset: 0n },
        { tscHz: GHZ, tscOffset: 0n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tasks: [],
    });
    const mine = defineReader({ name: 'mine', steps: [wholeRead()] });
    expect(symmetryGroup(cfg)).toHaveLength(2);
    expect(symmetryGroup({ ...cfg, policies: { ...cfg.policies, reader: mine } })).toHaveLength(1);
  });

  it('renames the vCPU a read’s getcpu returned with the others; -1 (none) stays', () => {
    const cfg = config({
      pcpus: [
        { tscHz: GHZ, tscOffset: 0n },
        { tscHz: GHZ, tscOffset: 0n },
      ],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }],
      tasks: [{ vcpu: 0 }, { vcpu: 1 }],
    });
    const [, swap] = symmetryGroup(cfg);
    const reading = (cpu: number) =>
      produce(initialState(cfg), (d) => {
        d.tasks[0]!.read.active = true;
        d.tasks[0]!.read.pageVcpu = 1;
        d.tasks[0]!.read.cpu = cpu;
      });
    for (const cpu of [-1, 0, 1]) {
      const s = reading(cpu);
      const image = produce(swapped(s), (d) => {
        const r = d.tasks[1]!.read;
        r.cpu = cpu < 0 ? cpu : 1 - cpu;
      });
      expect(words((o) => encodeState(s, o, swap))).toBe(words((o) => encodeState(image, o)));
    }
  });

  it('is the identity alone for a configuration with a policy the model does not know', () => {
    const t = target('arm64-counter-offset', 'per-vm-offset');
    const custom = { ...t.config.policies.counterRestore };
    expect(
      symmetryGroup({ ...t.config, policies: { ...t.config.policies, counterRestore: custom } }),
    ).toHaveLength(1);
  });
});

describe('canonical encoding (arm64-counter-offset)', () => {
  const t = target('arm64-counter-offset', 'per-vcpu-absolute-restore');
  const canonical = canonicalEncoder(t.config)!;
  const plain = buildModel(t.config, t.invariants, [], { symmetry: false });
  const states = reachableStates(plain);

  it('is the same for a state and its image with vCPUs, pCPUs and tasks swapped', () => {
    let asymmetric = 0;
    for (const s of states) {
      const image = swapped(s);
      const plainDiffers = words((o) => encodeState(s, o)) !== words((o) => encodeState(image, o));
      if (plainDiffers) asymmetric++;
      expect(words((o) => canonical(s, o))).toBe(words((o) => canonical(image, o)));
    }
    expect(asymmetric).toBeGreaterThan(states.length / 2);
  });

  it('the explorer stores exactly one state per class: as many as there are canonical encodings', () => {
    const classes = new Set(states.map((s) => words((o) => canonical(s, o))));
    expect(states).toHaveLength(5289);
    expect(explore(t.model).stats.distinctStates).toBe(classes.size);
    expect(classes.size).toBeLessThan(states.length);
  });
});

describe('three interchangeable vCPUs and tasks', () => {
  // Three vCPUs on one 2.5 GHz pCPU with the masterclock, a task reading on each: a hotplug
  // re-anchor steps kvmclock back (masterclock-update's bug), on any of the three.
  const three = (extra: Parameters<typeof config>[0] = {}) =>
    config({
      pcpus: [{ tscHz: 2_500_000_000n, tscOffset: 0n }],
      tscKhz: 2_500_000n,
      vcpus: [{ pcpu: 0 }, { pcpu: 0 }, { pcpu: 0 }],
      tasks: [{ vcpu: 0 }, { vcpu: 1 }, { vcpu: 2 }],
      transitions: ['timeAdvance', 'masterclockUpdate', 'pvclockWrite', 'guestRead'],
      useMasterClock: true,
      masterclockTriggerKinds: ['hotplug'],
      policies: { readClamp: 'last-value-unless-stable' },
      limits: { readsPerTask: 2, masterclockTriggers: 1 },
      horizonNs: 2_000_000_000,
      gapsNs: [1_000_000_000],
      stepBoundNs: 100n,
      ...extra,
    });
  const invariants = ['guest-monotonic', 'cross-vcpu-order', 'kvmclock-step'].map((n) =>
    invariantNamed(n)!,
  );
  const outcome = (cfg: ReturnType<typeof three>, symmetry: boolean) => {
    const r = explore(buildModel(cfg, invariants, [], { symmetry }));
    return {
      result: r,
      verdicts: r.violations.map((v) => [v.invariant, v.depth]),
    };
  };

  it('has all 3! renamings, and the same verdicts and counterexample lengths with and without them', () => {
    const cfg = three();
    expect(symmetryGroup(cfg)).toHaveLength(6);
    const reduced = outcome(cfg, true);
    const full = outcome(cfg, false);
    expect(reduced.result.complete && full.result.complete).toBe(true);
    expect(reduced.verdicts).toEqual(full.verdicts);
    expect(reduced.verdicts).toEqual([
      ['guest-monotonic', 5],
      ['cross-vcpu-order', 5],
      ['kvmclock-step', 4],
    ]);
    expect(reduced.result.stats.maxDepth).toBe(full.result.stats.maxDepth);
    // Nearly six times fewer states: most states have three distinct images.
    expect(full.result.stats.distinctStates).toBe(319_959);
    expect(reduced.result.stats.distinctStates).toBe(53_474);
  });

  it('renames pCPUs with their vCPUs and tasks: three of each, 3! renamings', () => {
    const p = { tscHz: GHZ, tscOffset: 0n };
    const cfg = config({
      pcpus: [p, p, p],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }, { pcpu: 2 }],
      tasks: [{ vcpu: 0 }, { vcpu: 1 }, { vcpu: 2 }],
    });
    const group = symmetryGroup(cfg);
    expect(group).toHaveLength(6);
    for (const r of group) expect(r.vcpuName).toEqual(r.pcpuName);
  });

  it('vCPUs with different guest TSC rates are not interchangeable', () => {
    expect(
      symmetryGroup(three({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }, { pcpu: 0, tscKhz: 2_000_000n }] })),
    ).toHaveLength(2);
    // The host's own rate, given explicitly, is no rate of its own.
    expect(
      symmetryGroup(three({ vcpus: [{ pcpu: 0 }, { pcpu: 0, tscKhz: 2_500_000n }, { pcpu: 0 }] })),
    ).toHaveLength(6);
    expect(
      symmetryGroup(
        three({
          vcpus: [{ pcpu: 0, tscKhz: 2_000_000n }, { pcpu: 0, tscKhz: 2_000_000n }, { pcpu: 0 }],
        }),
      ),
    ).toHaveLength(2);
  });

  it('with a live migration, only vCPUs whose destinations correspond are interchangeable', () => {
    const p = { tscHz: GHZ, tscOffset: 0n };
    const q = { tscHz: GHZ, tscOffset: 1000n };
    const migrating = (destPcpus: number[]) =>
      config({
        pcpus: [p, p, p, q, q, q],
        vcpus: [{ pcpu: 0 }, { pcpu: 1 }, { pcpu: 2 }],
        tasks: [],
        liveMigration: {
          destPcpus,
          tscRestore: 'msr',
          clockRealtime: true,
          restoreOrder: 'any',
          resumeEarly: false,
          migrations: 1,
        },
      });
    expect(symmetryGroup(migrating([3, 4, 5]))).toHaveLength(6);
    expect(symmetryGroup(migrating([3, 3, 4]))).toHaveLength(2);
  });
});
