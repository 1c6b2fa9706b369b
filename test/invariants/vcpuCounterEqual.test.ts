import { describe, expect, it } from 'vitest';
import { vcpuCounterEqual } from '../../invariants/vcpuCounterEqual.ts';
import { config, state } from '../model/fixtures.ts';

// Three vCPUs sharing the 1 GHz counter: at t=5000 ns the physical counter reads 5000.
const cfg = config({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }, { pcpu: 0 }] });
/** `offsets[i]` is vCPU i's counter offset, or undefined when it has not been restored. */
const restored = (offsets: (bigint | undefined)[], now = 5000) =>
  state(cfg, (d) => {
    d.now = now;
    offsets.forEach((off, i) => {
      if (off === undefined) return;
      d.vcpus[i]!.voffset = off;
      d.vcpus[i]!.counterRestored = true;
    });
  });

describe('vcpu-counter-equal', () => {
  it('holds when no vCPU, or only one, has been restored', () => {
    expect(vcpuCounterEqual.check(state(cfg), cfg)).toBeUndefined();
    expect(vcpuCounterEqual.check(restored([100n]), cfg)).toBeUndefined();
  });

  it('holds when every restored vCPU has the same offset, whatever the unrestored ones hold', () => {
    expect(vcpuCounterEqual.check(restored([100n, 100n, 100n]), cfg)).toBeUndefined();
    const s = state(cfg, (d) => {
      d.now = 5000;
      d.vcpus[0]!.voffset = 100n;
      d.vcpus[0]!.counterRestored = true;
      d.vcpus[1]!.voffset = 999n;
      d.vcpus[2]!.voffset = 100n;
      d.vcpus[2]!.counterRestored = true;
    });
    expect(vcpuCounterEqual.check(s, cfg)).toBeUndefined();
  });

  it('breaks when two restored vCPUs read different counters, and prints both and the gap', () => {
    // vCPU0: 5000 - 100 = 4900; vCPU1: 5000 - 130 = 4870.
    expect(vcpuCounterEqual.check(restored([100n, 130n]), cfg)).toBe(
      "at t=5000ns vCPU0's counter reads 4900 and vCPU1's 4870: 30 ticks apart",
    );
  });

  it('compares against the first restored vCPU, skipping unrestored ones', () => {
    // vCPU1: 7000 - 200 = 6800; vCPU2: 7000 - 150 = 6850.
    expect(vcpuCounterEqual.check(restored([undefined, 200n, 150n], 7000), cfg)).toBe(
      "at t=7000ns vCPU1's counter reads 6800 and vCPU2's 6850: 50 ticks apart",
    );
  });
});
