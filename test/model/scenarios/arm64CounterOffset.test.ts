import { describe, expect, it } from 'vitest';
import { explore } from '../../../explorer/index.ts';
import { target } from '../../helpers.ts';
import { holdsWith, pinScenario } from './pin.ts';

describe('arm64-counter-offset', () => {
  // With symmetry reduction (on by default): the two pCPUs, vCPUs and tasks are interchangeable,
  // so about half the states are stored. Without it: 5289 and 1953 (test/check/symmetry.test.ts).
  pinScenario('arm64-counter-offset', [
    ['per-vcpu-absolute-restore', 2652, 10, { 'cross-vcpu-order': 5, 'vcpu-counter-equal': 3 }],
    ['per-vm-offset', 984, 9, { 'cross-vcpu-order': 'holds', 'vcpu-counter-equal': 'holds' }],
  ]);

  it('with the cause switched off (restoreDelayNs=0) per-vcpu-absolute-restore holds', () =>
    holdsWith('arm64-counter-offset', 'per-vcpu-absolute-restore', { restoreDelayNs: 0 }));

  it('restores 500 ns apart on a 100 MHz counter leave the vCPUs 50 ticks apart', () => {
    const v = explore(
      target('arm64-counter-offset', 'per-vcpu-absolute-restore').model,
    ).violations.find((x) => x.invariant === 'vcpu-counter-equal')!;
    expect(v.message).toBe(
      "at t=500ns vCPU0's counter reads 1000050 and vCPU1's 1000000: 50 ticks apart",
    );
  });
});
