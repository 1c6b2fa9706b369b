/**
 * The JSON reports of runs (`check --all --json`, `check <scenario> --json`): the same facts as
 * the table; reportSchemas.ts describes the fields, junitReport.ts writes the same as JUnit XML.
 * Apart from the timing fields, the same run gives the same bytes.
 */
import type { Catalogue, CatalogueEntry } from './catalogue.ts';
import { surprises } from './catalogue.ts';
import { reportHeader } from './reportHeader.ts';
import type { CatalogueReport, CheckReport, RunJson } from './reportSchemas.ts';

function entryJson(e: CatalogueEntry): RunJson {
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
      ...(v.depth === undefined ? {} : { depth: v.depth, message: v.message ?? '' }),
    })),
    sometimes: result.sometimes.map((x) => ({ ...x })),
    ...(result.error === undefined ? {} : { error: result.error.message }),
    seconds: Number((result.stats.elapsedMs / 1000).toFixed(3)),
  };
}

function json(report: object): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `check --all --json`. */
export function catalogueJson(c: Catalogue): string {
  const report: CatalogueReport = {
    ...reportHeader('check-all'),
    asExpected: c.asExpected,
    runs: c.entries.map(entryJson),
    surprises: c.entries.flatMap(surprises),
  };
  return json(report);
}

/** `check <scenario> --json`: each variant checked, judged against its expected verdicts. */
export function checkJson(scenario: string, entries: readonly CatalogueEntry[]): string {
  const report: CheckReport = {
    ...reportHeader('check'),
    scenario,
    runs: entries.map(entryJson),
  };
  return json(report);
}
