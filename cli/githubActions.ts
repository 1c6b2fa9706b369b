/**
 * `check --all` under GitHub Actions (GITHUB_ACTIONS=true): every surprise becomes an `::error`
 * annotation on the run (a truncated run that --allow-truncated accepts, a `::warning`), and the
 * verdict table is appended to the job's summary page ($GITHUB_STEP_SUMMARY) as Markdown.
 * Annotations go with the human text (standard output, or standard error when a report goes to
 * standard output), where the runner reads workflow commands.
 */
import { appendFileSync } from 'node:fs';
import {
  onlyTruncated,
  surprises,
  type Catalogue,
  type CatalogueEntry,
} from '../check/catalogue.ts';
import { runColumn } from './format/catalogueTable.ts';
import { formatNumber, formatSeconds } from './format/result.ts';

/** A workflow command's message: %, CR and LF escaped as the runner expects. */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** A workflow command's property value: also : and , escaped. */
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

export function annotations(c: Catalogue, allowTruncated: boolean): string[] {
  return c.entries.flatMap((entry) => {
    const level = allowTruncated && onlyTruncated(entry) ? 'warning' : 'error';
    const title = `clockcheck ${entry.run.target.scenario.name} / ${entry.run.target.variant.name}`;
    return surprises(entry).map(
      (line) => `::${level} title=${escapeProperty(title)}::${escapeData(line)}`,
    );
  });
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

function summaryRows(entry: CatalogueEntry): string[] {
  const { result, target } = entry.run;
  const run = runColumn(entry);
  return entry.verdicts.map((v) => {
    const mark = (x: 'holds' | 'violated', depth?: number) =>
      x === 'holds' ? '✓' : `✗${depth === undefined ? '' : ` ${depth}`}`;
    return `| ${[
      target.scenario.name,
      target.variant.name,
      v.invariant,
      mark(v.expected),
      mark(v.actual, v.depth),
      v.asExpected && entry.asExpected ? '' : '**surprise**',
      formatNumber(result.stats.distinctStates),
      String(result.stats.maxDepth),
      run,
    ]
      .map(cell)
      .join(' | ')} |`;
  });
}

/** The Markdown for the step summary. */
export function stepSummary(c: Catalogue, elapsedMs: number): string {
  const verdicts = c.entries.reduce((n, e) => n + e.verdicts.length, 0);
  const problems = c.entries.flatMap(surprises);
  return [
    '## clockcheck check --all',
    '',
    `${c.entries.length} variants, ${verdicts} verdicts in ${formatSeconds(elapsedMs)}: ` +
      (problems.length === 0
        ? 'every verdict as expected, every run complete'
        : `${problems.length} surprise${problems.length === 1 ? '' : 's'}`),
    '',
    ...problems.map((p) => `- ${p}`),
    ...(problems.length === 0 ? [] : ['']),
    '| scenario | variant | invariant | expected | actual | | states | depth | run |',
    '| --- | --- | --- | --- | --- | --- | ---: | ---: | --- |',
    ...c.entries.flatMap(summaryRows),
    '',
  ].join('\n');
}

export interface GithubActions {
  report(
    c: Catalogue,
    allowTruncated: boolean,
    elapsedMs: number,
    print: (text: string) => void,
  ): void;
}

/** What to do under GitHub Actions; undefined elsewhere. */
export function githubActions(env: NodeJS.ProcessEnv): GithubActions | undefined {
  if (env['GITHUB_ACTIONS'] !== 'true') return undefined;
  const summaryFile = env['GITHUB_STEP_SUMMARY'];
  return {
    report(c, allowTruncated, elapsedMs, print) {
      for (const line of annotations(c, allowTruncated)) print(line);
      if (summaryFile !== undefined && summaryFile !== '')
        appendFileSync(summaryFile, stepSummary(c, elapsedMs));
    },
  };
}
