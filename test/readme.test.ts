import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../check/resolve.ts';
import { runCheck } from '../check/runCheck.ts';
import { loadVariantFile } from '../check/variantFile.ts';
import { SCENARIOS } from '../check/scenarios.ts';
import { cli, cliAsync } from './helpers.ts';

const README = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');

/** The output shown under a `$ npx clockcheck …` line of the README, up to the end of its block. */
function shownOutput(command: string): string {
  const start = README.indexOf(`$ npx clockcheck ${command}\n`);
  expect(start).toBeGreaterThan(0);
  const from = README.indexOf('\n', start) + 1;
  return README.slice(from, README.indexOf('\n```', from));
}

describe('README', () => {
  it('"Reading a counterexample" shows what show prints today', () => {
    const file = 'counterexamples/tsc-deadline-ntp/pending-latch.timer-not-early.itf.json';
    const r = cli('show', join(import.meta.dirname, '..', file));
    expect(shownOutput(`show ${file}`)).toBe(r.out.trimEnd());
  });

  it('has the section right after "Counterexample files", with the picture it names', () => {
    const sections = [...README.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect(sections.indexOf('Reading a counterexample')).toBe(
      sections.indexOf('Counterexample files') + 1,
    );
    const png = readFileSync(join(import.meta.dirname, '../docs/counterexample.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(README).toContain('](docs/counterexample.png)');
  });

  it('"Your own reader, page write or timer policy": the reader runs as written, and holds as it says', async () => {
    const section = README.indexOf('### Your own reader, page write or timer policy');
    const from = README.indexOf('```ts\n', section) + '```ts\n'.length;
    const file = join(mkdtempSync(join(tmpdir(), 'clockcheck-readme-')), 'rdtscp-reader.ts');
    writeFileSync(file, README.slice(from, README.indexOf('```\n', from)));
    const [variant] = await loadVariantFile(file);
    const { result } = runCheck(resolveTarget({ scenario: 'pvclock-read', variant: variant! }));
    expect(result.complete).toBe(true);
    expect(result.violations).toEqual([]);
  });

  it('"Your own invariant": the example is examples/read-not-behind-raw.ts, and the table is what check prints', async () => {
    const section = README.indexOf('### Your own invariant');
    const from = README.indexOf('```ts\n', section) + '```ts\n'.length;
    const shown = README.slice(from, README.indexOf('```\n', from));
    const file = join(import.meta.dirname, '../examples/read-not-behind-raw.ts');
    expect(shown).toBe(readFileSync(file, 'utf8'));
    const command = 'check unsynced-tsc --variant-file examples/read-not-behind-raw.ts';
    const r = await cliAsync(...command.split(' '));
    expect(r.code).toBe(1);
    const table = r.out.trimEnd().split('\n').slice(-5).join('\n');
    expect(shownOutput(`${command} | tail -n 5`)).toBe(table);
  });

  it('"Write your own scenario": the example is examples/scaled-tsc.ts, and the outputs are what the tool prints', async () => {
    const section = README.indexOf('### Write your own scenario');
    const from = README.indexOf('```ts\n', section) + '```ts\n'.length;
    const shown = README.slice(from, README.indexOf('```\n', from));
    expect(shown).toBe(
      readFileSync(join(import.meta.dirname, '../examples/scaled-tsc.ts'), 'utf8'),
    );
    const timeless = (text: string) => text.replace(/ in \d+\.\d+ s$/gm, ' in … s');
    const check = 'check --scenario-file examples/scaled-tsc.ts --variant no-clamp';
    const c = await cliAsync(...check.split(' '));
    expect(timeless(shownOutput(`${check} | head -n 6`))).toBe(
      timeless(c.out.split('\n').slice(0, 6).join('\n')),
    );
    const verify = 'verify-fix --scenario-file examples/scaled-tsc.ts --variant global-clamp';
    const v = await cliAsync(...verify.split(' '));
    expect(v.code).toBe(0);
    const tail = v.out.trimEnd().split('\n').slice(-5).join('\n');
    const hashless = (text: string) => text.replace(/model sha256:[0-9a-f]+/, 'model sha256:…');
    expect(hashless(shownOutput(`${verify} | tail -n 5`))).toBe(hashless(tail));
  });
  it('masterclock-update: the step at 2.5 GHz and at 2.4 GHz is what check prints', async () => {
    for (const [khz, mark] of [
      ['2500000', '✗ kvmclock-step'],
      ['2400000', '✗'],
    ] as const) {
      const rate = khz === '2500000' ? '' : ` --param tscKhz=${khz}`;
      const command = `check masterclock-update --variant update-on-hotplug${rate} --param stepBoundNs=0`;
      const r = await cliAsync(...command.split(' '));
      expect(r.code).toBe(1);
      const lines = r.out.split('\n');
      const shown = lines.flatMap((l, i) => (l.includes(mark) ? [l, lines[i + 1]!] : []));
      expect(shownOutput(`${command} | grep -A1 '${mark}'`)).toBe(shown.join('\n'));
    }
  });

  it('"What each x86 variant models": one row per variant that names its kernel, as the scenario says', () => {
    const from = README.indexOf('## What each x86 variant models');
    const section = README.slice(from, README.indexOf('\n## ', from + 1));
    // Cells as the table holds them (prettier pads them; `\|` is a | inside a cell).
    const rows = section
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| scenario') && !l.startsWith('| -'))
      .map((l) =>
        l
          .slice(2, -2)
          .split(/ \| /)
          .map((c) => c.trim().replace(/\\\|/g, '|')),
      );
    const expected = SCENARIOS.flatMap((s) =>
      s.variants.flatMap((v) =>
        v.kernel === undefined
          ? []
          : [[`${s.name} / \`${v.name}\``, v.kernel.versions, v.kernel.functions.join('; ')]],
      ),
    );
    expect(expected.length).toBeGreaterThan(20);
    expect(rows).toEqual(expected);
  });
});
