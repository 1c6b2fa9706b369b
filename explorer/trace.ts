/** Rebuilding a trace from the indexes the explorer kept, by re-executing the model. */
import type { Model } from './model.ts';
import type { Trace } from './result.ts';

export interface Path {
  readonly initIndex: number;
  readonly actionIndexes: readonly number[];
}

/** Re-executes `path` from the initial state it names; throws if the model no longer follows it. */
export function replayPath<S, A>(model: Model<S, A>, path: Path): Trace<S, A> {
  const first = model.init()[path.initIndex];
  if (first === undefined) throw new Error(`no initial state #${path.initIndex}`);
  const states: S[] = [first];
  const actions: A[] = [];
  let state: S = first;
  for (const [step, index] of path.actionIndexes.entries()) {
    const action = model.actions(state)[index];
    if (action === undefined) {
      throw new Error(
        `step ${step + 1}: no enabled action #${index} (the model is not deterministic)`,
      );
    }
    state = model.next(state, action);
    states.push(state);
    actions.push(action);
  }
  return { states, actions };
}
