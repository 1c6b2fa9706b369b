import { describe, expect, it } from 'vitest';
import { judge } from '../../check/catalogue.ts';
import { checkJson } from '../../check/reports.ts';
import { runCheck } from '../../check/runCheck.ts';
import { modelHash } from '../../counterexamples/modelHash.ts';
import { cli, target } from '../helpers.ts';
import { expectValidReport } from '../reports.ts';

describe('the JSON reports', () => {
  it('every report starts with its schema version, its name, the tool, its version and the model hash', () => {
    const reports = {
      list: cli('list', '--json').out,
      check: cli('check', 'unsynced-tsc', '--variant', 'global-clamp', '--json', '-').out,
      'check-all': cli('check', '--all', '--json', '-').out,
    } as const;
    for (const [name, text] of Object.entries(reports)) {
      const report = expectValidReport(name as keyof typeof reports, text);
      expect(Object.keys(report).slice(0, 5)).toEqual([
        'schemaVersion',
        'report',
        'tool',
        'toolVersion',
        'modelHash',
      ]);
      expect(report).toMatchObject({
        schemaVersion: 1,
        report: name,
        tool: 'clockcheck',
        toolVersion: '0.1.0',
        modelHash: modelHash(),
      });
    }
  });

  it('check <scenario> --json -: each variant run, judged; the text goes to standard error', () => {
    const r = cli('check', 'unsynced-tsc', '--json', '-');
    expect(r.code).toBe(1);
    expect(r.err).toContain('unsynced-tsc / no-clamp: ');
    const report = expectValidReport('check', r.out) as {
      scenario: string;
      runs: { variant: string; asExpected: boolean; invariants: { actual: string }[] }[];
    };
    expect(report.scenario).toBe('unsynced-tsc');
    expect(report.runs.map((x) => [x.variant, x.asExpected, x.invariants[0]!.actual])).toEqual([
      ['no-clamp', true, 'violated'],
      ['global-clamp', true, 'holds'],
      ['stable-bit-with-skew', true, 'violated'],
      ['graf-swing-cap', true, 'violated'],
      ['graf-swing-cap-global-clamp', true, 'holds'],
    ]);
  });

  it('a truncated run says so, and which limit stopped it', () => {
    const truncated = judge(runCheck(target('unsynced-tsc', 'global-clamp'), { maxStates: 10 }));
    const report = expectValidReport('check', checkJson('unsynced-tsc', [truncated])) as {
      runs: { complete: boolean; truncatedBy?: string; asExpected: boolean }[];
    };
    expect(report.runs[0]).toMatchObject({
      complete: false,
      truncatedBy: 'states',
      asExpected: false,
    });
  });

  it('the schema check is real: a report with a field of the wrong type is rejected', () => {
    const text = cli('list', '--json').out.replace('"schemaVersion": 1', '"schemaVersion": "1"');
    expect(() => expectValidReport('list', text)).toThrow(/schemaVersion/);
  });
});
