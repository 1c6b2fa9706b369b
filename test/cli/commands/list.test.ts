import { describe, expect, it } from 'vitest';
import { kernelLines, listed, listJson, listText } from '../../../cli/commands/list.ts';
import { makeStyle } from '../../../cli/style.ts';

const plainStyle = makeStyle(false);
import { SCENARIOS } from '../../../check/scenarios.ts';
import { listReportSchema } from '../../../check/reportSchemas.ts';

/** The x86 scenarios: every variant of theirs names the kernel code it models. */
const X86 = ['unsynced-tsc', 'pvclock-read', 'masterclock-update'];

describe('list', () => {
  it('names, for every x86 variant, the kernel functions and versions it models', () => {
    const report = listReportSchema.parse(JSON.parse(listJson()));
    for (const name of X86) {
      const scenario = report.scenarios.find((s) => s.name === name);
      expect(scenario, name).toBeDefined();
      for (const v of scenario!.variants) {
        expect(v.kernel?.functions.length, `${name} / ${v.name}`).toBeGreaterThan(0);
        expect(v.kernel?.versions, `${name} / ${v.name}`).toMatch(/v\d|patch|proposal|posted/);
      }
    }
  });

  it('lists one scenario when named, and refuses a name it does not know', () => {
    expect(listed(SCENARIOS, 'pvclock-read').map((s) => s.name)).toEqual(['pvclock-read']);
    expect(() => listed(SCENARIOS, 'pvclock')).toThrow(/unknown scenario 'pvclock'/);
    expect(listed(SCENARIOS, undefined)).toHaveLength(SCENARIOS.length);
  });

  it('prints what a variant models under its description', () => {
    const text = listText(plainStyle);
    const v = SCENARIOS.find((s) => s.name === 'unsynced-tsc')!.variants[0]!;
    expect(text).toContain(kernelLines(v.kernel!).join('\n'));
    expect(text).toContain(`      models:   ${v.kernel!.functions[0]!}\n`);
  });
});
