import { describe, expect, it } from 'vitest';
import { formatShowText } from '../../../cli/format/showText.ts';
import { stepTable } from '../../../cli/format/stepCells.ts';
import { makeStyle } from '../../../cli/style.ts';
import { committedFiles, loadCommitted } from '../../counterexamples/committed.ts';

const plain = makeStyle(false);
const squash = (s: string) => s.replace(/\s+/g, ' ');

describe('show as text', () => {
  it.each(committedFiles())('%s: fits 120 columns, has every column and the message', (file) => {
    const trace = loadCommitted(file);
    const text = formatShowText(trace, stepTable(trace), plain);
    const lines = text.split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
    const vcpus = (trace.steps[0]!.state['vcpus'] as unknown[]).length;
    const header = lines.find((l) => l.startsWith('step'))!;
    const names = header.split('│').map((c) => c.trim());
    expect(names).toEqual([
      'step',
      't (ns)',
      'action',
      'host',
      ...Array.from({ length: vcpus }, (_, v) => `vCPU${v}`),
    ]);
    // One row per step: each step number starts a row.
    const last = trace.steps.length - 1;
    for (let step = 0; step <= last; step++)
      expect(lines.some((l) => l.startsWith(`${String(step).padStart(4)} │`))).toBe(true);
    expect(squash(text)).toContain(squash(`✗ ${trace.meta.invariant} violated at step ${last}`));
    expect(squash(text)).toContain(squash(trace.meta.message));
  });

  /** The text of one column of one step's row, its wrapped lines joined. */
  function cellOf(text: string, step: number, name: string): string {
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('step'))!;
    const i = header.split('│').findIndex((c) => c.trim() === name);
    const start = lines.findIndex((l) => l.startsWith(`${String(step).padStart(4)} │`));
    const rows = [lines[start]!];
    for (const l of lines.slice(start + 1)) {
      if (!l.startsWith('     │')) break;
      rows.push(l);
    }
    return squash(rows.map((l) => (l.split('│')[i] ?? '').trim()).join(' ')).trim();
  }

  it('puts each read in the column of the vCPU it ran on, with the value it returned', () => {
    const trace = loadCommitted('unsynced-tsc/no-clamp.guest-monotonic.itf.json');
    const text = formatShowText(trace, stepTable(trace), plain);
    expect(cellOf(text, 2, 'vCPU0')).toMatch(/^task0 read 1001000099 /);
    expect(cellOf(text, 4, 'vCPU1')).toMatch(/^task0 read 1000999999 /);
    expect(cellOf(text, 4, 'vCPU0')).toBe('');
    // The migration's fields show on the vCPU the task moved to, old → new.
    expect(cellOf(text, 3, 'vCPU1')).toBe('task0: vcpu 0 → 1, migrations 0 → 1');
    expect(cellOf(text, 3, 't (ns)')).toBe('1000000');
  });

  it('shows a page write in its vCPU’s column and KVM’s counters in the host column', () => {
    const trace = loadCommitted('masterclock-update/update-on-hotplug.kvmclock-step.itf.json');
    const text = formatShowText(trace, stepTable(trace), plain);
    expect(cellOf(text, 4, 'vCPU0')).toMatch(/^pvti: version 2 → 4, /);
    expect(cellOf(text, 4, 'vCPU0')).toContain('lastClockStep 0 → -119');
    expect(cellOf(text, 3, 'host')).toContain('masterclockUpdates 0 → 1');
    expect(cellOf(text, 0, 'vCPU0')).toBe('on pCPU0, task0');
  });

  it('colours only when asked', () => {
    const trace = loadCommitted('unsynced-tsc/no-clamp.guest-monotonic.itf.json');
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(formatShowText(trace, stepTable(trace), plain)).not.toMatch(ansi);
    const coloured = formatShowText(trace, stepTable(trace), makeStyle(true));
    expect(coloured).toMatch(ansi);
    // eslint-disable-next-line no-control-regex
    for (const line of coloured.replace(/\u001b\[\d+m/g, '').split('\n'))
      expect(line.length).toBeLessThanOrEqual(120);
  });
});
