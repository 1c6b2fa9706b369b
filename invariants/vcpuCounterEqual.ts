/**
 * vcpu-counter-equal (arm64): at any instant all vCPUs' virtual counters are equal. They share the
 * physical counter, so this is: every restored vCPU has the same counter offset.
 */
import { u64 } from '../model/arith/index.ts';
import { hostTscAt } from '../model/clocks.ts';
import { defineInvariant } from './invariant.ts';

export const vcpuCounterEqual = defineInvariant({
  name: 'vcpu-counter-equal',
  meaning: "(arm64) at any instant all vCPUs' virtual counters are equal",
  when: 'always',
  symmetric: true,
  check: (s, cfg) => {
    const restored = s.vcpus.flatMap((v, i) => (v.counterRestored ? [{ i, v }] : []));
    const first = restored[0];
    if (first === undefined) return undefined;
    const counter = (v: (typeof s.vcpus)[number]) => u64(hostTscAt(cfg, v.pcpu, s.now) - v.voffset);
    for (const { i, v } of restored.slice(1)) {
      const a = counter(first.v);
      const b = counter(v);
      if (a !== b) {
        return `at t=${s.now}ns vCPU${first.i}'s counter reads ${a} and vCPU${i}'s ${b}: ${a > b ? a - b : b - a} ticks apart`;
      }
    }
    return undefined;
  },
});
