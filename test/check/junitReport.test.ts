import { describe, expect, it } from 'vitest';
import { judge, type Catalogue } from '../../check/catalogue.ts';
import { catalogueJunit, type JunitOptions } from '../../check/junitReport.ts';
import { runCheck, type Bounds } from '../../check/runCheck.ts';
import { target } from '../helpers.ts';
import { expectValidJunit } from '../reports.ts';

const OPTIONS: JunitOptions = {
  startedAt: new Date('2026-01-02T03:04:05.678Z'),
  elapsedMs: 1234,
  allowTruncated: false,
};

function catalogue(
  variant: string,
  params: Record<string, number | boolean> = {},
  bounds: Bounds = {},
): Catalogue {
  const entry = judge(runCheck(target('unsynced-tsc', variant, params), bounds));
  return { entries: [entry], asExpected: entry.asExpected };
}

/** The lone <testcase> element of a one-verdict report. */
const testcase = (xml: string) => /<testcase [\s\S]*?(\/>|<\/testcase>)/.exec(xml)![0];

describe('the JUnit report', () => {
  it('totals on <testsuites> and <testsuite>, a timestamp, each verdict its share of time', async () => {
    const xml = catalogueJunit(catalogue('global-clamp'), OPTIONS);
    await expectValidJunit(xml);
    expect(xml).toContain(
      '<testsuites name="clockcheck" tests="1" failures="0" errors="0" time="1.234">',
    );
    expect(xml).toMatch(
      /<testsuite name="unsynced-tsc" id="0" tests="1" failures="0" errors="0" skipped="0" time="[\d.]+" timestamp="2026-01-02T03:04:05Z" hostname="[^"]+">/,
    );
    expect(xml).toContain('<property name="parameters" value="tscSkewPpm=100 ');
    expect(testcase(xml)).toMatch(
      /^<testcase classname="unsynced-tsc.global-clamp" name="guest-monotonic" time="[\d.]+"\/>$/,
    );
  });

  it('an unexpected violation: <failure type=...> with the message and the trace', async () => {
    // no-clamp's violation, as if the catalogue expected the invariant to hold.
    const c = catalogue('no-clamp');
    const entry = c.entries[0]!;
    const surprising = {
      entries: [
        {
          ...entry,
          verdicts: entry.verdicts.map((v) => ({
            ...v,
            expected: 'holds' as const,
            asExpected: false,
          })),
          asExpected: false,
        },
      ],
      asExpected: false,
    };
    const xml = catalogueJunit(surprising, OPTIONS);
    await expectValidJunit(xml);
    expect(xml).toContain('tests="1" failures="1" errors="0"');
    const tc = testcase(xml);
    expect(tc).toContain(
      '<failure type="unexpected-violation" message="guest-monotonic was expected to hold but is violated at depth 4: task 0 read 1000999999 on vCPU1',
    );
    expect(tc).toContain('counterexample (4 steps):\n  1. timeAdvance to=1000000\n');
  });

  it('an expected violation that does not occur: unexpected-hold', async () => {
    const xml = catalogueJunit(catalogue('no-clamp', { tscSkewPpm: 0 }), OPTIONS);
    await expectValidJunit(xml);
    expect(testcase(xml)).toContain(
      '<failure type="unexpected-hold" message="guest-monotonic was expected to be violated but holds">',
    );
  });

  it('a truncated run: an error, or skipped when truncated runs are allowed', async () => {
    const c = catalogue('global-clamp', {}, { maxDepth: 4 });
    const strict = catalogueJunit(c, OPTIONS);
    await expectValidJunit(strict);
    expect(strict).toContain('tests="1" failures="0" errors="1" skipped="0"');
    expect(testcase(strict)).toContain(
      '<error type="truncated" message="not complete (depth), so nothing it holds is proved">',
    );
    const allowed = catalogueJunit(c, { ...OPTIONS, allowTruncated: true });
    await expectValidJunit(allowed);
    expect(allowed).toContain('tests="1" failures="0" errors="0" skipped="1"');
    expect(testcase(allowed)).toContain(
      '<skipped message="not complete (depth), so nothing it holds is proved"/>',
    );
  });

  it('a violation found by a truncated run is still a proof: it passes', async () => {
    const xml = catalogueJunit(catalogue('no-clamp', {}, { maxDepth: 5 }), OPTIONS);
    await expectValidJunit(xml);
    expect(testcase(xml)).toMatch(/\/>$/);
  });

  it('a vacuous run fails', async () => {
    const xml = catalogueJunit(catalogue('global-clamp', { migrations: 0 }), OPTIONS);
    await expectValidJunit(xml);
    expect(testcase(xml)).toContain(
      '<failure type="vacuous" message="sometimes-property read-on-each-vcpu was never reached: the run is vacuous">',
    );
  });

  it('the schema check is real: a report missing a required attribute is rejected', async () => {
    const xml = catalogueJunit(catalogue('global-clamp'), OPTIONS).replace(
      / errors="0" skipped/,
      ' skipped',
    );
    await expect(expectValidJunit(xml)).rejects.toThrow(
      /Element 'testsuite': The attribute 'errors' is required but missing/,
    );
  });
});
