import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapText } from '../../../cli/format/wrap.ts';

describe('wrapText', () => {
  it('breaks at spaces and indents continuation lines', () => {
    expect(wrapText('task0.lastRead: value 0 → 1001000099, at 0 → 1000000', 24)).toEqual([
      'task0.lastRead: value 0',
      '  → 1001000099, at 0 →',
      '  1000000',
    ]);
  });

  it('breaks a word longer than the width', () => {
    expect(wrapText('kvm: unrequestedPvclockWrites 0 → 1', 14)).toEqual([
      'kvm:',
      '  unrequestedP',
      '  vclockWrites',
      '  0 → 1',
    ]);
  });

  it('never exceeds the width and loses no character', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z0-9→.]{1,30}$/), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 6, max: 40 }),
        (words, width) => {
          const text = words.join(' ');
          const lines = wrapText(text, width);
          for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
          expect(lines.join('').replaceAll(' ', '')).toBe(text.replaceAll(' ', ''));
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
