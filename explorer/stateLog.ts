/**
 * Per distinct state, in discovery order: the index of the state it was discovered from and the
 * index of the action (among its parent's enabled actions) that led to it. This is all a trace
 * needs: it is rebuilt by re-executing those actions from the initial state (TLC's scheme), so no
 * state is kept after it has been expanded.
 */

export const NO_PARENT = 0xffffffff;

export class StateLog {
  private parents = new Uint32Array(1 << 12);
  private actionIndexes = new Uint8Array(1 << 12);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held by the log's own arrays. */
  get bytes(): number {
    return this.parents.byteLength + this.actionIndexes.byteLength;
  }

  /** Records a new state and returns its index. For an initial state, `actionIndex` is its index among the initial states. */
  push(parent: number, actionIndex: number): number {
    if (actionIndex > 0xff) {
      throw new RangeError(
        `a state has more than 256 enabled actions (index ${actionIndex}); the explorer stores action indexes in one byte`,
      );
    }
    if (this.count === this.parents.length) this.grow();
    this.parents[this.count] = parent;
    this.actionIndexes[this.count] = actionIndex;
    return this.count++;
  }

  parentOf(id: number): number {
    return this.parents[id]!;
  }

  actionIndexOf(id: number): number {
    return this.actionIndexes[id]!;
  }

  /** The path from an initial state to `id`: the initial state's index, then each action index. */
  pathTo(id: number): { initIndex: number; actionIndexes: number[] } {
    const steps: number[] = [];
    let at = id;
    while (this.parents[at] !== NO_PARENT) {
      steps.push(this.actionIndexes[at]!);
      at = this.parents[at]!;
    }
    return { initIndex: this.actionIndexes[at]!, actionIndexes: steps.reverse() };
  }

  private grow(): void {
    const parents = new Uint32Array(this.parents.length * 2);
    parents.set(this.parents);
    this.parents = parents;
    const actions = new Uint8Array(this.actionIndexes.length * 2);
    actions.set(this.actionIndexes);
    this.actionIndexes = actions;
  }
}
