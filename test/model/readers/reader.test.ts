/** defineReader, and the shape check every reader passes before it runs. */
import { describe, expect, it } from 'vitest';
import {
  defineReader,
  rdtsc,
  readerProblem,
  readFields,
  recheck,
  type ReaderStep,
} from '../../../model/readers/index.ts';

const run: ReaderStep['run'] = () => ({ then: 'retry' });

describe('defineReader', () => {
  it('keeps the steps in order, in a frozen copy', () => {
    const steps = [readFields(), rdtsc(), recheck()];
    const reader = defineReader({ name: 'r', steps });
    expect(reader.steps.map((s) => s.name)).toEqual(['fields', 'tsc', 'check']);
    expect(reader.description).toBe('');
    steps.pop();
    expect(reader.steps).toHaveLength(3);
    expect(Object.isFrozen(reader) && Object.isFrozen(reader.steps)).toBe(true);
    expect(readerProblem(reader)).toBeUndefined();
  });
});

describe('readerProblem: one line on what is wrong', () => {
  it.each([
    [
      'not an object',
      'one-step',
      'must be a built-in reader’s name or defineReader({ name, steps })',
    ],
    [
      'no steps',
      { name: 'r', steps: [] },
      'steps must be a non-empty list of { name, run, ready? }',
    ],
    [
      'a step that is not a record',
      { name: 'r', steps: [3] },
      'step 0 must be { name, run, ready? }',
    ],
    [
      'a step without a name',
      { name: 'r', steps: [{ run }] },
      "step 0: name must be a lowercase word (dashes allowed), like 'version'",
    ],
    [
      'a step name with a space',
      { name: 'r', steps: [{ name: 'read it', run }] },
      "step 'read it': name must be a lowercase word (dashes allowed), like 'version'",
    ],
    [
      'two steps of one name',
      {
        name: 'r',
        steps: [
          { name: 'a', run },
          { name: 'a', run },
        ],
      },
      "two steps are named 'a'",
    ],
    [
      'a step without run',
      { name: 'r', steps: [{ name: 'a' }] },
      "step 'a': run must be a function",
    ],
    [
      'a ready that is not a function',
      { name: 'r', steps: [{ name: 'a', run, ready: true }] },
      "step 'a': ready must be a function (or absent)",
    ],
    [
      'a jump to a step it does not have',
      { name: 'r', steps: [recheck({ fallbackIf: [() => true] })] },
      "step 'check' goes to step 'syscall', which the reader does not have (steps: check)",
    ],
  ])('%s', (_, reader, problem) => {
    expect(readerProblem(reader)).toBe(problem);
  });
});
