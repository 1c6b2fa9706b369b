import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../../check/scenarios.ts';

describe('the scenario catalogue', () => {
  it('names each scenario’s baseline: the seed bug’s variant, expected to violate', () => {
    expect(Object.fromEntries(SCENARIOS.map((s) => [s.name, s.baseline]))).toEqual({
      'tsc-deadline-ntp': 'recheck-and-block',
      'masterclock-update': 'update-on-hotplug',
      'pvclock-read': 'host-bulk-copy',
      'unsynced-tsc': 'no-clamp',
      'arm64-counter-offset': 'per-vcpu-absolute-restore',
    });
    for (const s of SCENARIOS) {
      const baseline = s.variants.find((v) => v.name === s.baseline);
      expect(Object.values(baseline?.expected ?? {}), s.name).toContain('violated');
    }
  });
});
