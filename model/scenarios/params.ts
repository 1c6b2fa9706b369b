/**
 * Parameter values from the command line (`name=value`), checked against the scenario's
 * parameter specs. Errors name the parameter and what is allowed.
 */
import type { ParamSpec, ParamValues, Scenario } from './scenario.ts';

export class ParamError extends Error {}

export function defaultParams(scenario: Scenario): ParamValues {
  return Object.fromEntries(scenario.params.map((p) => [p.name, p.default]));
}

function parseValue(spec: ParamSpec, text: string): number | boolean {
  if (spec.type === 'boolean') {
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new ParamError(`parameter ${spec.name} must be true or false, not '${text}'`);
  }
  const n = /^-?\d+$/.test(text.replaceAll('_', '')) ? Number(text.replaceAll('_', '')) : NaN;
  if (!Number.isSafeInteger(n) || n < spec.min || n > spec.max) {
    throw new ParamError(
      `parameter ${spec.name} must be an integer from ${spec.min} to ${spec.max}, not '${text}'`,
    );
  }
  return n;
}

/** Applies `name=value` overrides (strings, as typed) or typed values to the scenario's defaults. */
export function resolveParams(
  scenario: Scenario,
  overrides: readonly string[] | Readonly<Record<string, number | boolean | string>>,
): ParamValues {
  const values: Record<string, number | boolean> = { ...defaultParams(scenario) };
  const entries: [string, string | number | boolean][] = Array.isArray(overrides)
    ? (overrides as readonly string[]).map((o) => {
        const eq = o.indexOf('=');
        if (eq <= 0) throw new ParamError(`--param expects name=value, got '${o}'`);
        return [o.slice(0, eq), o.slice(eq + 1)];
      })
    : Object.entries(overrides);
  for (const [name, raw] of entries) {
    const spec = scenario.params.find((p) => p.name === name);
    if (spec === undefined) {
      const known = scenario.params.map((p) => p.name).join(', ');
      throw new ParamError(
        `scenario ${scenario.name} has no parameter '${name}' (parameters: ${known})`,
      );
    }
    values[name] = parseValue(spec, String(raw));
  }
  return values;
}
