/**
 * Numbering a level's new states as one thread would have: the owners' winners merged in (parent
 * id, action index) order, each appended to the state log, and sorted out by the worker that
 * generated it (and holds it).
 */
import type { StateLog } from '../stateLog.ts';
import { U32Buffer, smallestHead } from './words.ts';

/**
 * Appends the winners (per owner: [parent, action, producer, candidate index]*) of the level
 * whose states have ids firstId .. levelEnd - 1 to the log; returns, per producer, pairs
 * [candidate index, id] by id, and whether the log reached `maxStates` before the last winner
 * (the states numbered before that are kept).
 */
export function numberLevel(
  log: StateLog,
  winners: readonly Uint32Array[],
  firstId: number,
  levelEnd: number,
  maxStates: number,
): { wins: U32Buffer[]; cut: boolean } {
  const wins = winners.map(() => new U32Buffer());
  const heads = new Int32Array(winners.length);
  let parent = firstId;
  let cut = false;
  for (;;) {
    const o = smallestHead(winners, heads, 0);
    if (o < 0) break;
    const list = winners[o]!;
    const at = heads[o]!;
    heads[o] = at + 4;
    const p = list[at]!;
    while (parent <= p) log.beginExpansion(parent++);
    if (log.size >= maxStates) {
      cut = true;
      break;
    }
    wins[list[at + 2]!]!.push2(list[at + 3]!, log.pushChild(list[at + 1]!));
  }
  while (parent < levelEnd) log.beginExpansion(parent++);
  return { wins, cut };
}
