/**
 * Action values shared between states. An action is a plain immutable value, and the enabled
 * actions of the hot transitions are the same few values over and over (task 0 migrating to vCPU 1,
 * task 0 reading): built once and frozen, they cost nothing per state. No caller may change an
 * action (the types say readonly; the freeze makes a mistake throw).
 */

/** What a transition with nothing enabled returns (shared, frozen). */
export const NO_ACTIONS: readonly never[] = Object.freeze([]);

/**
 * The action at `table[i][j]`, made by `make(i, j)` the first time it is asked for. `i` and `j`
 * are small indexes (a task, a vCPU, a read step), so the table stays as small as the
 * configuration. `make` should be a function made once, not a closure made per call.
 */
export function sharedAction<A extends object>(
  table: A[][],
  i: number,
  j: number,
  make: (i: number, j: number) => A,
): A {
  let row = table[i];
  if (row === undefined) {
    row = [];
    table[i] = row;
  }
  let action = row[j];
  if (action === undefined) {
    action = Object.freeze(make(i, j));
    row[j] = action;
  }
  return action;
}

/**
 * `list` with `action` added (a new list when `list` is undefined). A list of one is made as a
 * literal, so it holds one slot: an empty array grown by push reserves seventeen, and most of the
 * lists the hot transitions return have one action.
 */
export function withAction<A>(list: A[] | undefined, action: A): A[] {
  if (list === undefined) return [action];
  list.push(action);
  return list;
}
