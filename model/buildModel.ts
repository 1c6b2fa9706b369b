/**
 * Turns a configuration into the explorer's Model: the clock model's init, actions, next and
 * encoding, with the chosen invariants and `sometimes` properties bound to the configuration, and
 * (unless switched off) the symmetry reduction the configuration allows.
 *
 * Where the configuration runs user code (ClockConfig.userCode), every successor is also checked
 * against the state's shape (stateShape.ts), so a field written outside it is an error naming the
 * field, not an invisible write; a user's monitor (ClockConfig.observe) runs after every step.
 */
import { Immer } from 'immer';
import type { Model } from '../explorer/index.ts';
import type { ClockInvariant, ClockSometimes } from '../invariants/invariant.ts';
import { describeAction, type ClockAction } from './actions.ts';
import type { ClockConfig, Observer } from './config.ts';
import { stateDecoder } from './decode.ts';
import { encodeState } from './encode.ts';
import { initialState } from './initialState.ts';
import { enabledActions, nextState } from './next.ts';
import type { ClockState } from './state.ts';
import { stateShapeProblem } from './stateShape.ts';
import { canonicalEncoder } from './symmetry.ts';
import { enabledActionsWith, nextStateWith } from './transitionOverrides.ts';

export type ClockModel = Model<ClockState, ClockAction>;

export interface ModelOptions {
  /** Store one state per class of interchangeable pCPUs, vCPUs and tasks (default true). */
  readonly symmetry?: boolean;
}

/** An error in a user's code, found by the model (a write outside the state's shape, say). */
export class UserCodeError extends Error {}

type Next = (s: ClockState, a: ClockAction) => ClockState;

const monitorImmer = new Immer({ autoFreeze: false });

function observed(next: Next, observe: Observer, cfg: ClockConfig): Next {
  return (before, action) =>
    monitorImmer.produce(next(before, action), (d) => observe(d, { before, action, cfg }));
}

function shapeChecked(next: Next, cfg: ClockConfig, where: string): Next {
  const template = initialState(cfg);
  return (before, action) => {
    const after = next(before, action);
    const problem = stateShapeProblem(before, after, template, cfg);
    if (problem !== undefined)
      throw new UserCodeError(`${where}: ${problem} (after ${describeAction(action)})`);
    return after;
  };
}

export function buildModel(
  cfg: ClockConfig,
  invariants: readonly ClockInvariant[],
  sometimes: readonly ClockSometimes[] = [],
  options: ModelOptions = {},
): ClockModel {
  const replaced = cfg.transitionOverrides !== undefined;
  // A property that singles out a component by its number would get another verdict on a renamed
  // state: reduce only when every property treats interchangeable components alike.
  const symmetricProperties =
    cfg.userCode?.symmetric === true ||
    [...invariants, ...sometimes].every((p) => p.symmetric === true);
  const canonical =
    options.symmetry === false || !symmetricProperties ? undefined : canonicalEncoder(cfg);
  const decode = stateDecoder(cfg);
  let next: Next = replaced ? (s, a) => nextStateWith(s, a, cfg) : (s, a) => nextState(s, a, cfg);
  if (cfg.observe !== undefined) next = observed(next, cfg.observe, cfg);
  if (cfg.userCode !== undefined) next = shapeChecked(next, cfg, cfg.userCode.where);
  return {
    init: () => [initialState(cfg)],
    actions: replaced ? (s) => enabledActionsWith(s, cfg) : (s) => enabledActions(s, cfg),
    next,
    invariants: invariants.map((inv) => ({
      name: inv.name,
      when: inv.when,
      check: (s: ClockState) => inv.check(s, cfg),
    })),
    sometimes: sometimes.map((p) => ({ name: p.name, check: (s: ClockState) => p.check(s, cfg) })),
    encode: (s, out) => encodeState(s, out, undefined, cfg.ext),
    decode,
    ...(canonical === undefined ? {} : { encodeCanonical: canonical }),
  };
}
