/**
 * Machine-readable reports of a catalogue run: JSON (the same facts as the table) and JUnit XML
 * (one testcase per scenario, variant and invariant) for CI systems to display. Apart from the
 * timing fields, the same run gives the same bytes.
 */
import type { Catalogue, CatalogueEntry } from './catalogue.ts';
import { runProblems, surprises, verdictProblem } from './catalogue.ts';

function entryJson(e: CatalogueEntry) {
  const { result, target } = e.run;
  return {
    scenario: target.scenario.name,
    variant: target.variant.name,
    params: target.params,
    asExpected: e.asExpected,
    complete: result.complete,
    ...(result.truncatedBy === undefined ? {} : { truncatedBy: result.truncatedBy }),
    distinctStates: result.stats.distinctStates,
    transitions: result.stats.transitions,
    maxDepth: result.stats.maxDepth,
    invariants: e.verdicts.map((v) => ({
      name: v.invariant,
      expected: v.expected,
      actual: v.actual,
      ...(v.depth === undefined ? {} : { depth: v.depth, message: v.message }),
    })),
    sometimes: result.sometimes,
    seconds: Number((result.stats.elapsedMs / 1000).toFixed(3)),
  };
}

export function catalogueJson(c: Catalogue): string {
  return `${JSON.stringify(
    {
      asExpected: c.asExpected,
      runs: c.entries.map(entryJson),
      surprises: c.entries.flatMap(surprises),
    },
    null,
    2,
  )}\n`;
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function catalogueJunit(c: Catalogue): string {
  const byScenario = new Map<string, CatalogueEntry[]>();
  for (const e of c.entries) {
    const name = e.run.target.scenario.name;
    byScenario.set(name, [...(byScenario.get(name) ?? []), e]);
  }
  const suites = [...byScenario].map(([scenario, entries]) => {
    const cases = entries.flatMap((e) => {
      const variant = e.run.target.variant.name;
      const seconds = (e.run.result.stats.elapsedMs / 1000).toFixed(3);
      const ofRun = runProblems(e);
      return e.verdicts.map((v) => {
        const own = verdictProblem(v);
        const problems = [...(own === undefined ? [] : [own]), ...ofRun];
        const body =
          problems.length === 0
            ? ''
            : `\n      <failure message="${xml(problems[0]!)}">${xml(problems.join('\n'))}</failure>\n    `;
        return `    <testcase classname="${xml(`${scenario}.${variant}`)}" name="${xml(v.invariant)}" time="${seconds}">${body}</testcase>`;
      });
    });
    const failures = cases.filter((x) => x.includes('<failure')).length;
    return `  <testsuite name="${xml(scenario)}" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="clockcheck">\n${suites.join('\n')}\n</testsuites>\n`;
}
