/**
 * A worker's share of a level: expanding its frontier into candidates for the owners of their
 * fingerprints, and, as an owner, keeping the first of each new state among the candidates sent to
 * it. The successors stay here (`pending`) until the coordinator says which of them won.
 */
import { Encoder } from '../encoder.ts';
import { fingerprint } from '../fingerprint.ts';
import type { Model } from '../model.ts';
import { FingerprintSet, FingerprintView } from '../visitedSet.ts';
import { CONTROL, type WorkerFailure, type WorkerFinding, type WorkerSetup } from './protocol.ts';
import { U32Buffer, smallestHead } from './words.ts';

/**
 * A direct-mapped cache of fingerprints found in some table during an expand step: they stay
 * seen, so a later successor with the same one needs no lookup in a table of many megabytes.
 */
const OLD_BITS = 14;
const OLD_MASK = (1 << OLD_BITS) - 1;

export interface Expansion {
  /** Per owner: candidates [lo, hi, parent id, action index, candidate index]*. */
  readonly candidates: Uint32Array[];
  readonly transitions: number;
  readonly terminal: WorkerFinding[];
  readonly failure?: WorkerFailure;
  readonly stopped: boolean;
  readonly unseen: boolean;
}

export class Expander {
  /** The successors sent as candidates in the last expand step, by candidate index. */
  pending: unknown[] = [];
  private frontier: unknown[] = [];
  private frontierIds: number[] = [];
  /**
   * The candidates produced in the current expand step: a later candidate with the same
   * fingerprint comes after it in (parent, action) order, so it can never be the first one found,
   * and is dropped here rather than held and sent.
   */
  private readonly produced = new FingerprintSet();
  private readonly old = new Uint32Array(2 << OLD_BITS);
  private readonly enc = new Encoder();
  private readonly fp = new Uint32Array(2);
  private readonly me: number;
  private readonly workers: number;

  constructor(
    private readonly model: Model<unknown, unknown>,
    private readonly setup: WorkerSetup,
    private readonly table: FingerprintSet,
    private readonly control: Int32Array,
    private readonly beat: () => void,
  ) {
    this.me = setup.index;
    this.workers = setup.workers;
  }

  /** The states to expand next, by ascending id. */
  setFrontier(states: unknown[], ids: number[]): void {
    this.frontier = states;
    this.frontierIds = ids;
    this.pending = [];
  }

  expand(tables: readonly Uint32Array[], probe: boolean): Expansion {
    const { model, me, workers, old, enc, fp, produced, control } = this;
    const views = tables.map((t, o) => (o === me ? undefined : new FingerprintView(t)));
    const out = Array.from({ length: workers }, () => new U32Buffer());
    const pending: unknown[] = [];
    const terminal = new Map<string, WorkerFinding>();
    const terminalInvariants = model.invariants.filter((inv) => inv.when === 'terminal');
    const canonical = this.setup.symmetry ? model.encodeCanonical : undefined;
    const encode = canonical ?? model.encode;
    let transitions = 0;
    let stopped = false;
    let failure: Expansion['failure'];
    let unseen = false;
    const frontier = this.frontier;
    const ids = this.frontierIds;
    produced.clear();
    states: for (let k = 0; k < frontier.length; k++) {
      if ((k & 63) === 0) {
        if (Atomics.load(control, CONTROL.stop) !== 0) {
          stopped = true;
          break;
        }
        Atomics.store(control, CONTROL.expanded + me, k);
        this.beat();
      }
      const state = frontier[k];
      const id = ids[k]!;
      let actionIndex = -1;
      try {
        const actions = model.actions(state);
        if (actions.length > 256) {
          throw new RangeError(
            `a state has more than 256 enabled actions (index ${actions.length - 1}); the explorer stores action indexes in one byte`,
          );
        }
        if (actions.length === 0 && !probe) {
          for (const inv of terminalInvariants) {
            if (terminal.has(inv.name)) continue;
            const m = inv.check(state);
            if (m !== undefined) terminal.set(inv.name, { invariant: inv.name, id, message: m });
          }
        }
        for (let i = 0; i < actions.length; i++) {
          actionIndex = i;
          const successor = model.next(state, actions[i]);
          transitions++;
          enc.reset();
          encode(successor, enc);
          fingerprint(enc.buffer, fp, enc.length);
          const lo = fp[0]!;
          const hi = fp[1]!;
          const owner = hi % workers;
          // Seen in an earlier level: first the small cache of fingerprints seen lately, then the
          // owner's table (a cache miss in a table that another core writes).
          const r = 2 * (lo & OLD_MASK);
          if (old[r] === lo && old[r + 1] === hi) continue;
          const seen = owner === me ? this.table.contains(lo, hi) : views[owner]!.contains(lo, hi);
          if (seen) {
            old[r] = lo;
            old[r + 1] = hi;
            continue;
          }
          if (probe) {
            unseen = true;
            break states;
          }
          if (!produced.insert(lo, hi)) continue;
          out[owner]!.push5(lo, hi, id, i, pending.length);
          pending.push(successor);
        }
      } catch (e) {
        failure = { id, actionIndex, message: e instanceof Error ? e.message : String(e) };
        break;
      }
    }
    this.frontier = [];
    this.frontierIds = [];
    this.pending = pending;
    return {
      candidates: out.map((b) => b.values()),
      transitions: probe ? 0 : transitions,
      terminal: [...terminal.values()],
      ...(failure === undefined ? {} : { failure }),
      stopped,
      unseen,
    };
  }

  /**
   * As an owner: the candidates sent by each producer, in (parent id, action index) order across
   * producers (the order one thread finds them in); returns [parent, action, producer, candidate
   * index] of each one not in the table before.
   */
  dedup(lists: readonly Uint32Array[]): Uint32Array {
    const winners = new U32Buffer();
    const table = this.table;
    const heads = new Int32Array(lists.length);
    for (let n = 1; ; n++) {
      const p = smallestHead(lists, heads, 2);
      if (p < 0) break;
      const list = lists[p]!;
      const at = heads[p]!;
      heads[p] = at + 5;
      if ((n & 4095) === 0) this.beat();
      if (table.insert(list[at]!, list[at + 1]!))
        winners.push4(list[at + 2]!, list[at + 3]!, p, list[at + 4]!);
    }
    return winners.values();
  }
}
