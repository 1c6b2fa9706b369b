/**
 * Small ad-hoc configurations and states for transition and invariant tests: a base config with
 * what the test needs switched on, states built from the initial state with an immer recipe, and a
 * step helper that checks the action is enabled and the input state is left untouched.
 */
import { produce, type Draft } from 'immer';
import { expect } from 'vitest';
import type { ActionKind, ClockAction } from '../../model/actions.ts';
import type { ClockConfig } from '../../model/config.ts';
import { initialState } from '../../model/initialState.ts';
import { enabledActions, nextState } from '../../model/next.ts';
import { resolvePolicies, type PolicyNames } from '../../model/policies/index.ts';
import { baseConfig } from '../../model/scenarios/baseConfig.ts';
import type { ClockState } from '../../model/state.ts';

/** 1 GHz TSCs: one cycle per nanosecond, so expected values are easy to work out by hand. */
export const GHZ = 1_000_000_000n;

export function config(
  overrides: Partial<Omit<ClockConfig, 'transitions' | 'policies' | 'limits'>> & {
    transitions?: readonly ActionKind[];
    policies?: Partial<PolicyNames>;
    limits?: Partial<ClockConfig['limits']>;
  } = {},
): ClockConfig {
  const base = baseConfig();
  const { transitions, policies, limits, ...rest } = overrides;
  return {
    ...base,
    pcpus: [{ tscHz: GHZ, tscOffset: 0n }],
    vcpus: [{ pcpu: 0 }],
    tasks: [{ vcpu: 0 }],
    tscKhz: 1_000_000n,
    horizonNs: 10_000_000,
    ...rest,
    transitions: new Set(transitions ?? []),
    policies: resolvePolicies(policies ?? {}),
    limits: { ...base.limits, ...limits },
  };
}

export function state(cfg: ClockConfig, recipe?: (d: Draft<ClockState>) => void): ClockState {
  const s0 = initialState(cfg);
  return recipe === undefined ? s0 : produce(s0, recipe);
}

export function enabled(s: ClockState, cfg: ClockConfig, kind?: ActionKind): ClockAction[] {
  const all = enabledActions(s, cfg);
  return kind === undefined ? all : all.filter((a) => a.kind === kind);
}

/** Takes `action` from `s`: it must be enabled, and `s` must come out unchanged. */
export function step(s: ClockState, cfg: ClockConfig, action: ClockAction): ClockState {
  expect(enabledActions(s, cfg)).toContainEqual(action);
  const before = structuredClone(s);
  const next = nextState(s, action, cfg);
  expect(s).toEqual(before);
  return next;
}

/**
 * `s` with the causal lead of its instant taken away (model/causalTime.ts): the clocks as they
 * stood at `s.now` before any action of the instant read them. A test that compares a clock
 * before and after a step of the same instant reads both through this, since the step's own TSC
 * read moves the next read a cycle on.
 */
export const atInstant = (s: ClockState): ClockState =>
  s.tscLead === 0 ? s : { ...s, tscLead: 0 };
