import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';

describe('clockcheck check: limits and symmetry', () => {
  it('--max-states and --max-memory stop the run as truncated, naming the limit', () => {
    const states = cli(
      'check',
      'pvclock-read',
      '--variant',
      'host-odd-even',
      '--max-states',
      '500',
    );
    expect(states.code).toBe(3);
    expect(states.out).toContain('explored 500 states');
    expect(states.out).toContain('truncated by the state limit (--max-states 500)');
    expect(states.out).toContain('not verified');

    const memory = cli('check', 'pvclock-read', '--variant', 'host-odd-even', '--max-memory', '1');
    expect(memory.out).toContain('truncated by the memory limit (--max-memory 1 MiB)');
    expect(memory.code).toBe(3);
  });

  it('--max-memory takes a positive whole number of MiB', () => {
    for (const bad of ['0', '-5', '1.5', 'lots']) {
      const r = cli('check', 'unsynced-tsc', '--max-memory', bad);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `clockcheck: --max-memory must be a positive whole number of MiB, not '${bad}'\n`,
      );
    }
  });

  it('symmetry reduction is on by default and says so; --no-symmetry stores every state', () => {
    const args = ['check', 'arm64-counter-offset', '--variant', 'per-vm-offset'];
    const reduced = cli(...args);
    expect(reduced.out).toContain('explored 984 states (one per symmetry class)');
    const full = cli(...args, '--no-symmetry');
    expect(full.out).toContain('explored 1,953 states,');
    expect(full.out).toContain('✓ vcpu-counter-equal holds');
  });
});
