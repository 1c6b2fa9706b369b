/**
 * Turns a configuration into the explorer's Model: the clock model's init, actions, next and
 * encoding, with the chosen invariants bound to the configuration, and (unless switched off) the
 * symmetry reduction the configuration allows.
 */
import type { Model, Sometimes } from '../explorer/index.ts';
import type { ClockInvariant } from '../invariants/index.ts';
import type { ClockAction } from './actions.ts';
import type { ClockConfig } from './config.ts';
import { stateDecoder } from './decode.ts';
import { encodeState } from './encode.ts';
import { initialState } from './initialState.ts';
import { enabledActions, nextState } from './next.ts';
import type { ClockState } from './state.ts';
import { canonicalEncoder } from './symmetry.ts';
import { enabledActionsWith, nextStateWith } from './transitionOverrides.ts';

export type ClockModel = Model<ClockState, ClockAction>;

export interface ModelOptions {
  /** Store one state per class of interchangeable pCPUs, vCPUs and tasks (default true). */
  readonly symmetry?: boolean;
}

export function buildModel(
  cfg: ClockConfig,
  invariants: readonly ClockInvariant[],
  sometimes: readonly Sometimes<ClockState>[] = [],
  options: ModelOptions = {},
): ClockModel {
  const replaced = cfg.transitionOverrides !== undefined;
  const canonical = options.symmetry === false ? undefined : canonicalEncoder(cfg);
  const decode = stateDecoder(cfg);
  return {
    init: () => [initialState(cfg)],
    actions: replaced ? (s) => enabledActionsWith(s, cfg) : (s) => enabledActions(s, cfg),
    next: replaced ? (s, a) => nextStateWith(s, a, cfg) : (s, a) => nextState(s, a, cfg),
    invariants: invariants.map((inv) => ({
      name: inv.name,
      when: inv.when,
      check: (s: ClockState) => inv.check(s, cfg),
    })),
    sometimes,
    encode: (s, out) => encodeState(s, out),
    decode,
    ...(canonical === undefined ? {} : { encodeCanonical: canonical }),
  };
}
