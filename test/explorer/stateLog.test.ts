import { describe, expect, it } from 'vitest';
import { NO_PARENT, StateLog } from '../../explorer/stateLog.ts';

/**
 * Builds a log the way breadth-first search does (states expanded in id order, each adding its
 * children), with the child counts from `childrenOf`, and the plain parent array to compare with.
 */
function build(initial: number, states: number, childrenOf: (id: number) => number) {
  const log = new StateLog();
  const parents: number[] = [];
  const actions: number[] = [];
  for (let i = 0; i < initial; i++) {
    log.pushInitial(i);
    parents.push(NO_PARENT);
    actions.push(i);
  }
  for (let id = 0; log.size < states && id < log.size; id++) {
    log.beginExpansion(id);
    const n = childrenOf(id);
    for (let c = 0; c < n && log.size < states; c++) {
      const action = (id + c) % 256;
      if (log.pushChild(action) !== parents.length) throw new Error('ids are not consecutive');
      parents.push(id);
      actions.push(action);
    }
  }
  return { log, parents, actions };
}

describe('StateLog', () => {
  it('gives back every parent and action index of a breadth-first numbering', () => {
    const { log, parents, actions } = build(3, 200_000, (id) => (id * 2654435761) % 5);
    expect(log.size).toBe(200_000);
    const wrong: number[] = [];
    for (let id = 0; id < parents.length; id += 7) {
      if (log.parentOf(id) !== parents[id] || log.actionIndexOf(id) !== actions[id]) wrong.push(id);
    }
    expect(wrong).toEqual([]);
  });

  it('rebuilds the path to a state: the initial state, then each action index', () => {
    const { log, parents, actions } = build(2, 5000, (id) => 1 + (id % 3));
    const id = 4321;
    const steps: number[] = [];
    let at = id;
    while (parents[at] !== NO_PARENT) {
      steps.unshift(actions[at]!);
      at = parents[at]!;
    }
    expect(log.pathTo(id)).toEqual({ initIndex: actions[at], actionIndexes: steps });
  });

  it('handles states with 255 or more new children, and states with none', () => {
    const { log, parents } = build(1, 3000, (id) => (id === 0 ? 256 : id % 300 === 1 ? 255 : 0));
    const found = parents.map((_, id) => log.parentOf(id));
    expect(found).toEqual(parents);
  });

  it('costs about two bytes per state', () => {
    const { log } = build(1, 1 << 19, () => 3);
    expect(log.bytes / log.size).toBeLessThan(2.1);
  });

  it('refuses an action index that does not fit in a byte, and expansions out of order', () => {
    const log = new StateLog();
    log.pushInitial(0);
    log.beginExpansion(0);
    expect(() => log.pushChild(256)).toThrow(/more than 256 enabled actions/);
    expect(() => log.beginExpansion(2)).toThrow(/expected to expand state 1/);
  });
});
