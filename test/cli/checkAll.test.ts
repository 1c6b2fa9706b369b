import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../check/scenarios.ts';
import { checkAllCommand } from '../../cli/commands/check.ts';
import { makeStyle } from '../../cli/style.ts';
import { cli, type CliRun } from '../helpers.ts';
import { expectValidJunit } from '../reports.ts';

describe('clockcheck check --all', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clockcheck-all-'));
  let run: CliRun;
  // The whole catalogue, about 15 s on the 2-core machine.
  beforeAll(() => {
    run = cli('check', '--all', '--json', join(dir, 'v.json'), '--junit', join(dir, 'v.xml'));
  }, 120_000);

  it('exits 0: every verdict as expected, every run complete', () => {
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      /28 variants, 59 verdicts in [\d.]+ s: every verdict as expected, every run complete/,
    );
  });

  it('prints one row per scenario, variant and invariant, within 120 columns', () => {
    const lines = run.out.split('\n');
    expect(lines[0]).toMatch(
      /^scenario\s+variant\s+invariant\s+exp\s+actual\s+states\s+depth\s+run\s+time$/,
    );
    expect(run.out).toMatch(
      /tsc-deadline-ntp\s+recheck-and-block\s+host-monotonic\s+✓\s+✓\s+8,610\s+19\s+complete/,
    );
    expect(run.out).toMatch(/\n\s+no-lost-timer\s+✗\s+✗ 15\n/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
  });

  it('--json: the same facts, deterministic apart from timings', () => {
    const json = JSON.parse(readFileSync(join(dir, 'v.json'), 'utf8'));
    expect(json.asExpected).toBe(true);
    expect(json.surprises).toEqual([]);
    expect(json.runs).toHaveLength(SCENARIOS.reduce((n, s) => n + s.variants.length, 0));
    expect(json.runs[0]).toMatchObject({
      scenario: 'tsc-deadline-ntp',
      variant: 'recheck-and-block',
      complete: true,
      distinctStates: 8610,
      maxDepth: 19,
      invariants: [
        { name: 'host-monotonic', expected: 'holds', actual: 'holds' },
        { name: 'no-lost-timer', expected: 'violated', actual: 'violated', depth: 15 },
      ],
    });
    const again = cli('check', '--all', '--json', join(dir, 'w.json'));
    const strip = (t: string) => t.replace(/"seconds": [\d.]+/g, '"seconds": 0');
    expect(strip(readFileSync(join(dir, 'w.json'), 'utf8'))).toBe(
      strip(readFileSync(join(dir, 'v.json'), 'utf8')),
    );
    expect(again.code).toBe(0);
  }, 180_000);

  it('--junit: one testcase per scenario, variant and invariant, none failing, valid JUnit', async () => {
    const xml = readFileSync(join(dir, 'v.xml'), 'utf8');
    await expectValidJunit(xml);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="clockcheck" tests="59" failures="0" errors="0" time="[\d.]+">/,
    );
    expect(xml.match(/<testcase /g)).toHaveLength(59);
    expect(xml.match(/<testsuite /g)).toHaveLength(5);
    expect(xml).toMatch(
      /<testsuite name="tsc-deadline-ntp" id="0" tests="15" failures="0" errors="0" skipped="0" time="[\d.]+" timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" hostname="[^"]+">/,
    );
    expect(xml).toContain(
      '<testcase classname="tsc-deadline-ntp.recheck-and-block" name="no-lost-timer"',
    );
    expect(xml).not.toContain('<failure');
    // Each testcase has its share of its run's time: per suite they add up to the suite's time.
    for (const suite of xml.split('<testsuite ').slice(1)) {
      const time = Number(/time="([\d.]+)"/.exec(suite)![1]);
      const cases = [...suite.matchAll(/<testcase [^>]*time="([\d.]+)"/g)].map((m) => Number(m[1]));
      expect(Math.abs(cases.reduce((a, b) => a + b, 0) - time)).toBeLessThan(0.001 * cases.length);
    }
  });

  it('--json - and --junit -: the report on standard output, the table on standard error', () => {
    const json = cli('check', '--all', '--json', '-');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ report: 'check-all', asExpected: true });
    expect(json.err).toMatch(/^scenario\s+variant\s+invariant/);
    const junit = cli('check', '--all', '--junit', '-');
    expect(junit.out).toMatch(/^<\?xml /);
    expect(junit.err).toContain('every verdict as expected');
    expect(cli('check', '--all', '--json', '-', '--junit', '-')).toMatchObject({
      code: 2,
      err: 'clockcheck: only one report can go to standard output (-): write the other to a file\n',
    });
  }, 180_000);

  it('a run truncated by a limit: exit 3, or 0 with --allow-truncated; a missed violation: exit 1', () => {
    // At depth 16 every expected violation is found, but some runs are not complete.
    const bounded = cli('check', '--all', '--max-depth', '16');
    expect(bounded.out).toContain('truncated (depth)');
    expect(bounded.code).toBe(3);
    expect(cli('check', '--all', '--max-depth', '16', '--allow-truncated').code).toBe(0);
    expect(cli('check', '--all', '--max-depth', '3', '--allow-truncated').code).toBe(1);
  }, 180_000);

  it('under GitHub Actions: an ::error annotation per surprise, the table in the step summary', () => {
    const summary = join(dir, 'summary.md');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const lines: string[] = [];
    const options = {
      param: [],
      force: false,
      allowTruncated: false,
      quiet: true,
      bounds: { maxDepth: 3 },
    };
    const code = checkAllCommand(options, makeStyle(false), (l) => lines.push(l), undefined, env);
    expect(code).toBe(1);
    const annotations = lines.filter((l) => l.startsWith('::'));
    expect(annotations).toContain(
      '::error title=clockcheck unsynced-tsc / global-clamp::unsynced-tsc / global-clamp: not complete (depth), so nothing it holds is proved',
    );
    expect(annotations.every((a) => /^::error title=clockcheck [^:]+::[^\n]+$/.test(a))).toBe(true);
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^## clockcheck check --all\n/);
    expect(md).toContain('| scenario | variant | invariant | expected | actual |');
    expect(md).toContain(
      '| unsynced-tsc | global-clamp | guest-monotonic | ✓ | ✓ | **surprise** |',
    );
    // Elsewhere, neither.
    const quiet: string[] = [];
    checkAllCommand(options, makeStyle(false), (l) => quiet.push(l), undefined, {});
    expect(quiet.some((l) => l.startsWith('::'))).toBe(false);
  });

  it('the README shows the table as the tool prints it (timings aside)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const shown = /\$ npx clockcheck check --all\n([^`]*)```/.exec(readme)?.[1];
    const untimed = (t: string) =>
      t
        .split('\n')
        .map((l) =>
          l
            .replace(/ +[\d.]+ s$/, '')
            .replace(/ in [\d.]+ s:/, ' in _ s:')
            .trimEnd(),
        )
        .join('\n')
        .trim();
    expect(shown).toBeDefined();
    expect(untimed(shown!)).toBe(untimed(run.out));
  });

  it('rejects a scenario, --variant, --param or --out with --all, in one line, exit 2', () => {
    expect(cli('check', 'unsynced-tsc', '--all')).toMatchObject({
      code: 2,
      err: "clockcheck: --all checks every scenario: drop 'unsynced-tsc'\n",
    });
    expect(cli('check', '--all', '--variant', 'x')).toMatchObject({
      code: 2,
      err: 'clockcheck: --variant applies to one scenario, not to --all\n',
    });
    expect(cli('check', '--all', '--param', 'a=1')).toMatchObject({
      code: 2,
      err: 'clockcheck: --param applies to one scenario, not to --all\n',
    });
    expect(cli('check', '--all', '--out', 'x.itf.json').code).toBe(2);
    expect(cli('check')).toMatchObject({
      code: 2,
      err: 'clockcheck: name a scenario (see clockcheck list) or give --all\n',
    });
  });
});
