import { describe, expect, it } from 'vitest';
import { NO_ACTIONS, sharedAction, withAction } from '../../model/sharedActions.ts';

describe('sharedAction', () => {
  const make = (task: number, to: number) => ({ kind: 'taskMigrate' as const, task, to });

  it('makes each action once and hands out the same frozen value after', () => {
    const table: ReturnType<typeof make>[][] = [];
    const a = sharedAction(table, 0, 1, make);
    expect(a).toEqual({ kind: 'taskMigrate', task: 0, to: 1 });
    expect(sharedAction(table, 0, 1, make)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(sharedAction(table, 2, 0, make)).toEqual({ kind: 'taskMigrate', task: 2, to: 0 });
    expect(sharedAction(table, 0, 2, make)).not.toBe(a);
  });

  it('shares one frozen empty list', () => {
    expect(NO_ACTIONS).toEqual([]);
    expect(Object.isFrozen(NO_ACTIONS)).toBe(true);
  });
});

describe('withAction', () => {
  it('starts a list with the first action and appends the rest to it', () => {
    const first = withAction<number>(undefined, 1);
    expect(first).toEqual([1]);
    expect(withAction(first, 2)).toBe(first);
    expect(first).toEqual([1, 2]);
  });
});
