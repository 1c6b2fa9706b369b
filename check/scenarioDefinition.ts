/**
 * From a defineScenario definition (a built-in one, or a user's, possibly from a file that was
 * never type-checked) to a Scenario the tools run. Every name and shape is checked here, with
 * errors that name the file, the field and what is allowed; a user's functions are wrapped for the
 * model (check/userCode.ts). The built-in scenarios go through exactly this, so nothing they do is
 * out of a user's reach.
 */
import { dirname, join, resolve } from 'node:path';
import {
  INVARIANTS,
  isPropertyName,
  type ClockInvariant,
  type ClockSometimes,
} from '../invariants/index.ts';
import { ACTION_KINDS, type ActionKind } from '../model/actions.ts';
import type { ClockConfig, Observer } from '../model/config.ts';
import { POLICY_USERS, resolvePolicies } from '../model/policies/index.ts';
import { baseConfig } from '../model/scenarios/baseConfig.ts';
import {
  isDefinedScenario,
  type DefinedScenario,
  type ParamSpec,
  type ParamValues,
  type Scenario,
  type Verdict,
  type VariantSpec,
} from '../model/scenarios/index.ts';
import { declarationProblem, NO_EXTENSION, type StateExtension } from '../model/stateExtension.ts';
import { InputError } from './inputError.ts';
import { PACKAGE_ROOT } from './packageRoot.ts';
import {
  checkReplacementsUsed,
  fail,
  isRecord,
  kernelRefOf,
  resolvePolicyChoices,
  resolveTransitionReplacements,
  type Fields,
} from './userCode.ts';

/** The clockcheck folder: the built-in scenarios' saved counterexamples are under it. */
export const TOOL_ROOT = PACKAGE_ROOT;

const VERDICTS: readonly Verdict[] = ['holds', 'violated'];

function str(def: Fields, key: string, where: string, optional = false): string {
  const v = def[key];
  if (optional && v === undefined) return '';
  if (typeof v !== 'string' || v.trim() === '') fail(where, `${key} must be a non-empty string`);
  return v;
}

function paramSpecs(params: unknown, where: string): ParamSpec[] {
  if (!isRecord(params)) fail(where, 'params must be a record of parameter declarations');
  return Object.entries(params).map(([name, p]): ParamSpec => {
    const at = `${where}: params.${name}`;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) fail(at, 'a parameter name is letters and digits');
    if (!isRecord(p) || typeof p['meaning'] !== 'string')
      fail(at, 'must be { meaning, default, ... }');
    const meaning = p['meaning'];
    if (typeof p['default'] === 'boolean')
      return { name, meaning, type: 'boolean', default: p['default'] };
    const [dflt, min, max] = [p['default'], p['min'], p['max']];
    const ints = [dflt, min, max].every((x) => typeof x === 'number' && Number.isSafeInteger(x));
    if (!ints) fail(at, 'an integer parameter needs integer default, min and max');
    const [d, lo, hi] = [dflt, min, max] as number[];
    if (!(lo! <= d! && d! <= hi!)) fail(at, `default ${d} is not within ${lo} to ${hi}`);
    if (p['minimize'] !== undefined && p['minimize'] !== 'keep')
      fail(at, "minimize must be 'keep' or absent");
    return {
      name,
      meaning,
      type: 'integer',
      default: d!,
      min: lo!,
      max: hi!,
      ...(p['minimize'] === 'keep' ? { minimize: 'keep' as const } : {}),
    };
  });
}

function valueProblem(spec: ParamSpec, v: unknown): string | undefined {
  if (spec.type === 'boolean') return typeof v === 'boolean' ? undefined : 'true or false';
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= spec.min && v <= spec.max
    ? undefined
    : `an integer from ${spec.min} to ${spec.max}`;
}

function invariantsOf(list: unknown, where: string): ClockInvariant[] {
  if (!Array.isArray(list) || list.length === 0)
    fail(where, 'invariants must list at least one invariant (a built-in name or defineInvariant)');
  const out: ClockInvariant[] = [];
  for (const [i, ref] of list.entries()) {
    let inv: ClockInvariant | undefined;
    if (typeof ref === 'string') {
      inv = INVARIANTS.find((x) => x.name === ref);
      if (inv === undefined)
        fail(
          where,
          `invariants[${i}]: no built-in invariant '${ref}' (built in: ${INVARIANTS.map((x) => x.name).join(', ')}; your own: defineInvariant)`,
        );
    } else {
      inv = propertyOf(ref, `${where}: invariants[${i}]`, 'invariant') as ClockInvariant;
    }
    if (out.some((x) => x.name === inv.name))
      fail(where, `invariant '${inv.name}' is listed twice`);
    out.push(inv);
  }
  return out;
}

/** A user's invariant or `sometimes` property, checked. */
export function propertyOf(
  ref: unknown,
  where: string,
  kind: 'invariant' | 'sometimes',
): ClockInvariant | ClockSometimes {
  if (!isRecord(ref)) fail(where, `expected a ${kind} (defineInvariant / defineSometimes)`);
  if (!isPropertyName(ref['name']))
    fail(where, `name ${JSON.stringify(ref['name'])} must be lowercase words joined by dashes`);
  if (typeof ref['check'] !== 'function') fail(where, 'check must be a function');
  if (ref['meaning'] !== undefined && typeof ref['meaning'] !== 'string')
    fail(where, 'meaning must be a string');
  if (kind === 'invariant') {
    if (typeof ref['meaning'] !== 'string') fail(where, 'an invariant needs its meaning');
    if (ref['when'] !== 'always' && ref['when'] !== 'terminal')
      fail(where, "when must be 'always' or 'terminal'");
  }
  if (ref['symmetric'] !== undefined && typeof ref['symmetric'] !== 'boolean')
    fail(where, 'symmetric must be true or false');
  return ref as unknown as ClockInvariant | ClockSometimes;
}

function sometimesOf(list: unknown, where: string): ClockSometimes[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) fail(where, 'sometimes must be a list (defineSometimes)');
  const out: ClockSometimes[] = [];
  for (const [i, p] of list.entries()) {
    const prop = propertyOf(p, `${where}: sometimes[${i}]`, 'sometimes') as ClockSometimes;
    if (out.some((x) => x.name === prop.name))
      fail(where, `sometimes property '${prop.name}' is listed twice`);
    out.push(prop);
  }
  return out;
}

/** The verdicts a variant expects, checked against the invariants it can check. */
export function expectedOf(
  expected: unknown,
  checkable: readonly ClockInvariant[],
  scenario: string,
  where: string,
): Record<string, Verdict> {
  if (!isRecord(expected) || Object.keys(expected).length === 0)
    fail(where, 'expected must name at least one invariant');
  const names = checkable.map((x) => x.name);
  for (const [inv, verdict] of Object.entries(expected)) {
    if (!names.includes(inv))
      fail(where, `expected: ${scenario} does not check '${inv}' (it checks: ${names.join(', ')})`);
    if (!VERDICTS.includes(verdict as Verdict))
      fail(where, `expected.${inv} must be 'holds' or 'violated'`);
  }
  return expected as Record<string, Verdict>;
}

/** The `sometimes` properties a variant keeps, checked against the scenario's. */
export function keptSometimes(
  kept: unknown,
  all: readonly ClockSometimes[],
  scenario: string,
  where: string,
): string[] {
  const names = all.map((p) => p.name);
  if (kept === undefined) return names;
  if (!Array.isArray(kept)) fail(where, 'sometimes must list property names');
  for (const name of kept) {
    if (typeof name !== 'string' || !names.includes(name))
      fail(
        where,
        `sometimes: ${scenario} has no property ${JSON.stringify(name)} (it has: ${names.join(', ') || 'none'})`,
      );
  }
  return kept as string[];
}

function settingsOf(settings: unknown, where: string): Readonly<Record<string, number | boolean>> {
  if (settings === undefined) return {};
  const ok =
    isRecord(settings) &&
    Object.values(settings).every((v) => typeof v === 'boolean' || typeof v === 'number');
  if (!ok) fail(where, 'settings must be a record of numbers and booleans');
  return settings as Record<string, number | boolean>;
}

function variantOf(
  def: unknown,
  scenario: { name: string; invariants: ClockInvariant[]; sometimes: ClockSometimes[] },
  where: string,
  origin: string | undefined,
  symmetric: boolean,
): VariantSpec {
  if (!isRecord(def)) fail(where, 'each variant must be { name, description, expected, ... }');
  const name = def['name'];
  if (!isPropertyName(name))
    fail(where, `variant name ${JSON.stringify(name)} must be lowercase words joined by dashes`);
  const at = `${where}: variant '${name}'`;
  const description = str(def, 'description', at);
  const { choices, replaced } = resolvePolicyChoices(def['policies'], at);
  const transitions = resolveTransitionReplacements(def['transitions'], at);
  const userCode =
    origin !== undefined && (replaced.length > 0 || transitions !== undefined)
      ? { symmetric, where: origin }
      : undefined;
  return {
    name,
    description,
    ...kernelRefOf(def['kernel'], at),
    policies: choices,
    ...(transitions === undefined ? {} : { transitions }),
    settings: settingsOf(def['settings'], at),
    expected: expectedOf(def['expected'], scenario.invariants, scenario.name, at),
    sometimes: keptSometimes(def['sometimes'], scenario.sometimes, scenario.name, at),
    invariants: [],
    ...(userCode === undefined ? {} : { userCode }),
    ...(replaced.length > 0 ? { replaced } : {}),
  };
}

/** The ClockConfig fields `configure` may set besides the special ones handled below. */
const SETTINGS = new Set(Object.keys(baseConfig()).filter((k) => k !== 'ext'));

function isNonNegInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Why a system `configure` returned is not one the model can run (user files are not type-checked). */
function systemProblem(sys: unknown): string | undefined {
  if (!isRecord(sys)) return 'must return a record of settings (pcpus, vcpus, tasks, ...)';
  for (const key of Object.keys(sys))
    if (!SETTINGS.has(key))
      return `returned ${key}, which is not a setting (settings: ${[...SETTINGS].join(', ')})`;
  const pcpus = sys['pcpus'];
  if (!Array.isArray(pcpus) || pcpus.length === 0) return 'pcpus must list at least one pCPU';
  for (const [i, p] of pcpus.entries()) {
    if (!isRecord(p) || typeof p['tscHz'] !== 'bigint' || p['tscHz'] <= 0n)
      return `pcpus[${i}].tscHz must be a positive bigint (Hz)`;
    if (typeof p['tscOffset'] !== 'bigint' || p['tscOffset'] < 0n)
      return `pcpus[${i}].tscOffset must be a non-negative bigint`;
  }
  const vcpus = sys['vcpus'];
  if (!Array.isArray(vcpus)) return 'vcpus must be a list';
  for (const [i, v] of vcpus.entries()) {
    const pcpu = isRecord(v) ? v['pcpu'] : undefined;
    if (!isNonNegInt(pcpu) || (pcpu as number) >= pcpus.length)
      return `vcpus[${i}].pcpu must name one of the ${pcpus.length} pCPUs (0 to ${pcpus.length - 1})`;
  }
  const tasks = sys['tasks'];
  if (!Array.isArray(tasks)) return 'tasks must be a list';
  for (const [i, t] of tasks.entries()) {
    const vcpu = isRecord(t) ? t['vcpu'] : undefined;
    if (!isNonNegInt(vcpu) || (vcpu as number) >= vcpus.length)
      return `tasks[${i}].vcpu must name one of the ${vcpus.length} vCPUs`;
  }
  const horizon = sys['horizonNs'];
  if (!isNonNegInt(horizon) || (horizon as number) < 1)
    return 'horizonNs must be a positive integer (ns)';
  const gaps = sys['gapsNs'];
  if (gaps !== undefined && (!Array.isArray(gaps) || !gaps.every((g) => isNonNegInt(g) && g > 0)))
    return 'gapsNs must list positive integers (ns)';
  if (sys['tscKhz'] !== undefined && (typeof sys['tscKhz'] !== 'bigint' || sys['tscKhz'] <= 0n))
    return 'tscKhz must be a positive bigint (kHz)';
  const transitions = sys['transitions'];
  if (!Array.isArray(transitions)) return 'transitions must list the transitions in play';
  for (const k of transitions)
    if (!(ACTION_KINDS as readonly unknown[]).includes(k))
      return `transitions: ${JSON.stringify(k)} is not a transition (transitions: ${ACTION_KINDS.join(', ')})`;
  const limits = sys['limits'];
  if (limits !== undefined) {
    if (!isRecord(limits)) return 'limits must be a record of counts';
    const known = Object.keys(baseConfig().limits);
    for (const [k, v] of Object.entries(limits)) {
      if (!known.includes(k)) return `limits.${k} is not a limit (limits: ${known.join(', ')})`;
      if (!isNonNegInt(v)) return `limits.${k} must be a non-negative integer`;
    }
  }
  return undefined;
}

/** Runs a user's function, turning what it throws into an InputError naming it. */
function userCall<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${where} threw: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The scenario's monitor, then the variant's (either may be absent). */
function bothObservers(first?: Observer, second?: Observer): Observer | undefined {
  if (first === undefined || second === undefined) return first ?? second;
  return (d, step) => {
    first(d, step);
    second(d, step);
  };
}

/** Which scenarios are the catalogue's own: their code is the model's (no user-code checks). */
const BUILT_IN = new WeakSet<object>();

/** Marks definitions as the catalogue's (model/scenarios/index.ts). */
export function markBuiltIn(defs: readonly DefinedScenario[]): void {
  for (const d of defs) BUILT_IN.add(d);
}

/**
 * The runnable scenario of a definition. `origin` is the user's file it comes from (undefined for
 * the catalogue's own).
 */
export function resolveScenario(value: unknown, origin?: string): Scenario {
  const from = origin ?? 'the catalogue';
  if (!isDefinedScenario(value))
    fail(from, "not a scenario: expected the result of defineScenario({...}) from 'clockcheck'");
  const def = value as unknown as Fields;
  const name = def['name'];
  if (!isPropertyName(name))
    fail(from, `scenario name ${JSON.stringify(name)} must be lowercase words joined by dashes`);
  const where = `${from}: scenario '${name}'`;
  const userFile = BUILT_IN.has(value) ? undefined : (origin ?? 'your scenario');
  const title = str(def, 'title', where);
  const description = str(def, 'description', where);
  const source = str(def, 'source', where, true);
  const params = paramSpecs(def['params'], where);

  const causeOff = def['causeOff'];
  const causeSpec = isRecord(causeOff)
    ? params.find((p) => p.name === causeOff['param'])
    : undefined;
  if (!isRecord(causeOff) || causeSpec === undefined)
    fail(
      where,
      `causeOff must be { param, value } naming one of its parameters (${params.map((p) => p.name).join(', ')})`,
    );
  const causeProblem = valueProblem(causeSpec, causeOff['value']);
  if (causeProblem !== undefined) fail(where, `causeOff.value must be ${causeProblem}`);

  const declared = def['state'];
  if (declared !== undefined) {
    const problem = declarationProblem(declared);
    if (problem !== undefined) fail(where, problem);
  }
  const ext = (declared as StateExtension | undefined) ?? NO_EXTENSION;
  const invariants = invariantsOf(def['invariants'], where);
  const sometimes = sometimesOf(def['sometimes'], where);
  const observe = def['observe'];
  if (observe !== undefined && typeof observe !== 'function')
    fail(where, 'observe must be a function (d, { before, action, cfg }) => void');
  const symmetric = def['symmetric'] === true;
  if (def['configure'] === undefined || typeof def['configure'] !== 'function')
    fail(where, 'configure must be a function (params, variant) => system');
  const configureDef = def['configure'] as (p: ParamValues, v: unknown) => unknown;

  const list = def['variants'];
  if (!Array.isArray(list) || list.length === 0) fail(where, 'variants must list at least one');
  const shape = { name, invariants, sometimes };
  const variants = list.map((v, i) =>
    variantOf(v, shape, `${where}: variants[${i}]`, userFile, symmetric),
  );
  const names = variants.map((v) => v.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail(where, `variant '${twice}' is defined twice`);
  const baseline = def['baseline'];
  const base = variants.find((v) => v.name === baseline);
  if (base === undefined)
    fail(
      where,
      `baseline ${JSON.stringify(baseline)} is not one of its variants (${names.join(', ')})`,
    );
  if (!Object.values(base.expected).includes('violated'))
    fail(
      where,
      `the baseline ${base.name} must be expected to violate an invariant (it shows the bug)`,
    );

  const counterexamples = def['counterexamples'];
  if (counterexamples !== undefined && typeof counterexamples !== 'string')
    fail(where, 'counterexamples must be a folder path');
  const savedCounterexamples =
    userFile === undefined
      ? join(TOOL_ROOT, 'counterexamples', name)
      : resolve(
          origin === undefined ? process.cwd() : dirname(resolve(origin)),
          (counterexamples as string | undefined) ?? join('counterexamples', name),
        );

  const configure = (values: ParamValues, variant: VariantSpec): ClockConfig => {
    const view = { name: variant.name, settings: variant.settings };
    const sys = userCall(`${where}: configure`, () => configureDef(values, view)) as Fields;
    const problem = systemProblem(sys);
    if (problem !== undefined) fail(`${where}: configure`, problem);
    const { choices, replaced } = resolvePolicyChoices(sys['policies'], `${where}: configure`);
    const base = baseConfig();
    const { transitions, limits, policies: _p, ...rest } = sys;
    const own = userFile !== undefined && (replaced.length > 0 || observe !== undefined);
    const userCode = variant.userCode ?? (own ? { symmetric, where: userFile } : undefined);
    const monitor = bothObservers(observe as Observer | undefined, variant.observe);
    const config: ClockConfig = {
      ...base,
      ...(rest as Partial<ClockConfig>),
      transitions: new Set(transitions as ActionKind[]),
      limits: { ...base.limits, ...(limits as Partial<ClockConfig['limits']> | undefined) },
      policies: resolvePolicies({ ...choices, ...variant.policies }),
      ext: variant.state === undefined ? ext : { ...ext, ...variant.state },
      ...(variant.transitions === undefined ? {} : { transitionOverrides: variant.transitions }),
      ...(monitor === undefined ? {} : { observe: monitor }),
      ...(userCode === undefined ? {} : { userCode }),
    };
    checkReplacementsUsed(
      config,
      name,
      variant.replaced ?? [],
      variant.transitions,
      `${variant.origin ?? where}: variant '${variant.name}'`,
      POLICY_USERS,
    );
    return config;
  };

  return {
    name,
    title,
    source,
    description,
    params,
    causeOff: { param: causeSpec.name, value: causeOff['value'] as number | boolean },
    baseline: base.name,
    variants,
    invariants,
    sometimes,
    state: ext,
    configure,
    ...(origin === undefined ? {} : { origin }),
    savedCounterexamples,
  };
}
