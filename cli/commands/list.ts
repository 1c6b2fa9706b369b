/**
 * `clockcheck list [--json] [--scenario-file F]`: the scenarios (the catalogue's, and the user's),
 * their variants with expected verdicts, and their parameters.
 */
import { reportHeader } from '../../check/reportHeader.ts';
import type { ListReport } from '../../check/reportSchemas.ts';
import { findScenario, SCENARIOS } from '../../check/scenarios.ts';
import type { KernelRef, Scenario } from '../../model/scenarios/index.ts';
import type { Style } from '../style.ts';

/**
 * The scenarios `list` shows: every one (the catalogue's first), or only the one named; an
 * unknown name is bad input.
 */
export function listed(known: readonly Scenario[], name: string | undefined): Scenario[] {
  const user = known.filter((s) => s.origin !== undefined);
  const catalogue = known.filter((s) => s.origin === undefined);
  return name === undefined ? [...catalogue, ...user] : [findScenario(name, user)];
}

export function listJson(scenarios: readonly Scenario[] = SCENARIOS): string {
  const report: ListReport = {
    ...reportHeader('list'),
    scenarios: scenarios.map((s) => ({
      name: s.name,
      title: s.title,
      source: s.source,
      description: s.description,
      invariants: s.invariants.map((inv) => ({
        name: inv.name,
        meaning: inv.meaning,
        when: inv.when,
      })),
      sometimes: s.sometimes.map((p) => ({ name: p.name, meaning: p.meaning ?? '' })),
      causeOff: { ...s.causeOff },
      baseline: s.baseline,
      variants: s.variants.map((v) => ({
        name: v.name,
        description: v.description,
        ...(v.kernel === undefined
          ? {}
          : { kernel: { functions: [...v.kernel.functions], versions: v.kernel.versions } }),
        expected: v.expected,
        sometimes: [...v.sometimes],
      })),
      params: s.params.map((p) =>
        p.type === 'integer'
          ? {
              name: p.name,
              meaning: p.meaning,
              type: p.type,
              default: p.default,
              min: p.min,
              max: p.max,
            }
          : {
              name: p.name,
              meaning: p.meaning,
              type: p.type,
              default: p.default,
              allowed: [true, false],
            },
      ),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** What a variant models, as list prints it under the variant: its kernel functions, then the versions. */
export function kernelLines(kernel: KernelRef): string[] {
  return [
    ...kernel.functions.map((f, i) => `      ${i === 0 ? 'models:  ' : '         '} ${f}`),
    `      versions: ${kernel.versions}`,
  ];
}

export function listText(style: Style, scenarios: readonly Scenario[] = SCENARIOS): string {
  const lines: string[] = [];
  // One column for the expected verdicts, wide enough for the longest variant name.
  const width = Math.max(...scenarios.flatMap((s) => s.variants.map((v) => v.name.length)));
  for (const s of scenarios) {
    lines.push(`${style.bold(s.name)}: ${s.title}`);
    lines.push(
      s.origin === undefined
        ? `  source: ${s.source}`
        : `  from ${s.origin}${s.source === '' ? '' : `; source: ${s.source}`}`,
    );
    for (const v of s.variants) {
      const expected = Object.entries(v.expected)
        .map(([inv, verdict]) => `${inv} ${verdict === 'holds' ? '✓' : '✗'}`)
        .join(', ');
      lines.push(`  --variant ${v.name.padEnd(width)} ${expected}`);
      const bug = s.origin === undefined ? 'the seed bug' : 'the bug';
      const baseline = v.name === s.baseline ? ` (baseline: ${bug})` : '';
      lines.push(`      ${style.dim(v.description + baseline)}`);
      if (v.kernel !== undefined) lines.push(...kernelLines(v.kernel).map((l) => style.dim(l)));
    }
    const params = s.params.map((p) => `${p.name}=${String(p.default)}`).join(' ');
    lines.push(`  parameters (--param name=value): ${params}`);
    lines.push(
      `  the bug's cause switched off: --param ${s.causeOff.param}=${String(s.causeOff.value)}`,
    );
    lines.push('');
  }
  return lines.join('\n');
}
