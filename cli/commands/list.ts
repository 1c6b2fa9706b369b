/** `clockcheck list [--json]`: the scenarios, their variants with expected verdicts, and their parameters. */
import { reportHeader } from '../../check/reportHeader.ts';
import type { ListReport } from '../../check/reportSchemas.ts';
import { SCENARIOS } from '../../model/scenarios/index.ts';
import type { Style } from '../style.ts';

export function listJson(): string {
  const report: ListReport = {
    ...reportHeader('list'),
    scenarios: SCENARIOS.map((s) => ({
      name: s.name,
      title: s.title,
      source: s.source,
      description: s.description,
      invariants: [...s.invariants],
      baseline: s.baseline,
      variants: s.variants.map((v) => ({
        name: v.name,
        description: v.description,
        expected: v.expected,
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

export function listText(style: Style): string {
  const lines: string[] = [];
  // One column for the expected verdicts, wide enough for the longest variant name.
  const width = Math.max(...SCENARIOS.flatMap((s) => s.variants.map((v) => v.name.length)));
  for (const s of SCENARIOS) {
    lines.push(`${style.bold(s.name)}: ${s.title}`);
    lines.push(`  source: ${s.source}`);
    for (const v of s.variants) {
      const expected = Object.entries(v.expected)
        .map(([inv, verdict]) => `${inv} ${verdict === 'holds' ? '✓' : '✗'}`)
        .join(', ');
      lines.push(`  --variant ${v.name.padEnd(width)} ${expected}`);
      const baseline = v.name === s.baseline ? ' (baseline: the seed bug)' : '';
      lines.push(`      ${style.dim(v.description + baseline)}`);
    }
    const params = s.params.map((p) => `${p.name}=${String(p.default)}`).join(' ');
    lines.push(`  parameters (--param name=value): ${params}`);
    lines.push('');
  }
  return lines.join('\n');
}
