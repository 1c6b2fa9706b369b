/**
 * `check --all --junit`: the catalogue as JUnit XML, the format CI systems display (the one the
 * Jenkins xUnit plugin's schema describes, which GitLab, GitHub test reporters and others read).
 * One <testsuite> per scenario, one <testcase> per verdict (classname scenario.variant, name the
 * invariant) with its share of its run's time, so that the times add up to the real one. A case
 * fails (<failure type=...>, the message and the counterexample's steps) when its verdict is not
 * the expected one or its run is vacuous; it is an <error> when the model threw, and when a limit
 * truncated its run before the invariant could be proved: then it is <skipped> instead if the
 * user allowed truncated runs. Apart from the times, the timestamp and the host name, the same
 * run gives the same bytes.
 *
 * The XML is written with fast-xml-builder (escaping included), loaded only when a report is.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { XMLBuilder, XMLBuilderConstructor, XmlBuilderOptions } from 'fast-xml-builder';
import { describeAction } from '../model/actions.ts';
import { modelHash } from '../counterexamples/modelHash.ts';
import {
  runProblems,
  verdictProblem,
  type Catalogue,
  type CatalogueEntry,
  type InvariantVerdict,
} from './catalogue.ts';
import { toolVersion } from './packageRoot.ts';

export interface JunitOptions {
  /** When the catalogue run started (the suites' timestamp). */
  readonly startedAt: Date;
  /** The whole run's wall time (the <testsuites> time). */
  readonly elapsedMs: number;
  /** A truncated run's unproved verdicts are skipped, not errors. */
  readonly allowTruncated: boolean;
}

type Attributes = Record<`@${string}`, string | number>;
interface Node extends Attributes {
  [child: string]: unknown;
}

type Outcome =
  | { readonly kind: 'passed' }
  | {
      readonly kind: 'failure' | 'error' | 'skipped';
      readonly type: string;
      readonly message: string;
      readonly detail: string;
    };

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The shortest counterexample of a verdict, one step a line. */
function traceOf(entry: CatalogueEntry, v: InvariantVerdict): string[] {
  const violation = entry.run.result.violations.find((x) => x.invariant === v.invariant);
  if (violation === undefined) return [];
  return [
    `counterexample (${violation.depth} steps):`,
    ...violation.trace.actions.map((a, i) => `  ${i + 1}. ${describeAction(a)}`),
  ];
}

function outcome(entry: CatalogueEntry, v: InvariantVerdict, allowTruncated: boolean): Outcome {
  const { result } = entry.run;
  const problems = [
    ...(verdictProblem(v) === undefined ? [] : [verdictProblem(v)!]),
    ...runProblems(entry),
  ];
  const detail = [...problems, ...traceOf(entry, v)].join('\n');
  if (result.status === 'error')
    return { kind: 'error', type: 'model-error', message: problems.at(-1)!, detail };
  if (!v.asExpected)
    return {
      kind: 'failure',
      type: v.actual === 'violated' ? 'unexpected-violation' : 'unexpected-hold',
      message: problems[0]!,
      detail,
    };
  if (entry.vacuous.length > 0)
    return { kind: 'failure', type: 'vacuous', message: problems.at(-1)!, detail };
  // A violation found is a proof, whatever stopped the run; a verdict that holds is not one.
  if (!result.complete && v.actual === 'holds')
    return {
      kind: allowTruncated ? 'skipped' : 'error',
      type: 'truncated',
      message: problems[0]!,
      detail,
    };
  return { kind: 'passed' };
}

function testcase(entry: CatalogueEntry, v: InvariantVerdict, share: number, o: Outcome): Node {
  const { target } = entry.run;
  const node: Node = {
    '@classname': `${target.scenario.name}.${target.variant.name}`,
    '@name': v.invariant,
    '@time': seconds(share),
  };
  if (o.kind === 'skipped') node['skipped'] = { '@message': o.message };
  else if (o.kind !== 'passed')
    node[o.kind] = { '@type': o.type, '@message': o.message, '#text': o.detail };
  return node;
}

function testsuite(
  id: number,
  scenario: string,
  entries: readonly CatalogueEntry[],
  o: JunitOptions,
): { node: Node; counts: Record<'tests' | 'failure' | 'error' | 'skipped', number> } {
  const counts = { tests: 0, failure: 0, error: 0, skipped: 0 };
  const cases = entries.flatMap((entry) => {
    const share = entry.run.result.stats.elapsedMs / Math.max(1, entry.verdicts.length);
    return entry.verdicts.map((v) => {
      const result = outcome(entry, v, o.allowTruncated);
      counts.tests++;
      if (result.kind !== 'passed') counts[result.kind]++;
      return testcase(entry, v, share, result);
    });
  });
  const ms = entries.reduce((sum, e) => sum + e.run.result.stats.elapsedMs, 0);
  const params = entries[0]?.run.target.params ?? {};
  const node: Node = {
    '@name': scenario,
    '@id': id,
    '@tests': counts.tests,
    '@failures': counts.failure,
    '@errors': counts.error,
    '@skipped': counts.skipped,
    '@time': seconds(ms),
    '@timestamp': o.startedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
    '@hostname': hostname() || 'localhost',
    properties: {
      property: [
        { '@name': 'toolVersion', '@value': toolVersion() },
        { '@name': 'modelHash', '@value': modelHash() },
        {
          '@name': 'parameters',
          '@value': Object.entries(params)
            .map(([k, x]) => `${k}=${String(x)}`)
            .join(' '),
        },
      ],
    },
    testcase: cases,
  };
  return { node, counts };
}

const BUILDER_OPTIONS: XmlBuilderOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
};

let builder: XMLBuilder | undefined;

function xmlBuilder(): XMLBuilder {
  if (builder === undefined) {
    // Required (its CommonJS build, whose module.exports.default is the class), not imported:
    // a run that writes no JUnit never loads it, and the report stays synchronous like the rest
    // of check --all.
    const cjs = createRequire(import.meta.url)('fast-xml-builder') as {
      readonly default: XMLBuilderConstructor;
    };
    builder = new cjs.default(BUILDER_OPTIONS);
  }
  return builder;
}

export function catalogueJunit(c: Catalogue, o: JunitOptions): string {
  const byScenario = new Map<string, CatalogueEntry[]>();
  for (const e of c.entries) {
    const name = e.run.target.scenario.name;
    byScenario.set(name, [...(byScenario.get(name) ?? []), e]);
  }
  const suites = [...byScenario].map(([scenario, entries], id) =>
    testsuite(id, scenario, entries, o),
  );
  const total = (k: 'tests' | 'failure' | 'error') => suites.reduce((n, s) => n + s.counts[k], 0);
  return xmlBuilder().build({
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    testsuites: {
      '@name': 'clockcheck',
      '@tests': total('tests'),
      '@failures': total('failure'),
      '@errors': total('error'),
      '@time': seconds(o.elapsedMs),
      testsuite: suites.map((s) => s.node),
    },
  });
}
