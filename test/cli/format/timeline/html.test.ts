import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import type { TraceFile } from '../../../../counterexamples/traceFile.ts';
import { MAX_TSC_LEAD } from '../../../../model/causalTime.ts';
import { cli } from '../../../helpers.ts';
import {
  COUNTEREXAMPLES,
  committedFiles,
  loadCommitted,
} from '../../../counterexamples/committed.ts';

/** Writes the page with the CLI, reads it back from disk and parses it. */
function page(file: string): { html: string; doc: HTMLElement } {
  const out = join(mkdtempSync(join(tmpdir(), 'clockcheck-')), 'view.html');
  const r = cli('show', join(COUNTEREXAMPLES, file), '--html', out);
  expect(r.code).toBe(0);
  const html = readFileSync(out, 'utf8');
  return { html, doc: parse(html) };
}

type Itf = { '#bigint': string };
const big = (v: unknown) => (v as Itf)['#bigint'];
const state = (trace: TraceFile, step: number) => trace.steps[step]!.state as Record<string, any>;

function marks(doc: HTMLElement, kind: string) {
  return doc.querySelectorAll(`g.mark[data-kind="${kind}"]`).map((g) => ({
    step: Number(g.getAttribute('data-step')),
    lane: g.getAttribute('data-lane'),
    label: g.querySelector('text')!.text,
    violation: g.getAttribute('data-violation') === 'true',
  }));
}

function points(doc: HTMLElement, lane: string, clock: string) {
  const g = doc.querySelector(`g.series[data-lane="${lane}"][data-clock="${clock}"]`)!;
  return g.querySelectorAll('circle').map((c) => ({
    step: Number(c.getAttribute('data-step')),
    value: c.getAttribute('data-value'),
    ahead: Number(c.getAttribute('data-ahead')),
    cx: Number(c.getAttribute('cx')),
    cy: Number(c.getAttribute('cy')),
  }));
}

describe('show --html', () => {
  it.each(committedFiles())(
    '%s: self-contained, one point per step and series, the violation explained',
    (file) => {
      const trace = loadCommitted(file);
      const { html, doc } = page(file);
      expect(html).not.toMatch(/http/i);
      expect(html).not.toMatch(/src=/i);
      expect(doc.querySelectorAll('script, link, img, iframe, object')).toHaveLength(0);
      expect(doc.querySelectorAll('svg')).toHaveLength(1);
      const host = points(doc, 'host', 'MONOTONIC');
      expect(host.map((p) => p.step)).toEqual(trace.steps.map((_, i) => i));
      // Real time runs left to right.
      for (let i = 1; i < host.length; i++) expect(host[i]!.cx).toBeGreaterThan(host[i - 1]!.cx);
      const last = trace.steps.length - 1;
      const band = doc.querySelector('g.violation')!;
      expect(band.getAttribute('data-step')).toBe(String(last));
      expect(band.text).toContain(`${trace.meta.invariant} violated at step ${last}`);
      const rect = band.querySelector('rect')!;
      const middle = Number(rect.getAttribute('x')) + Number(rect.getAttribute('width')) / 2;
      expect(middle).toBeCloseTo(host[last]!.cx, 0);
      expect(doc.querySelector('.violation-text')!.text).toContain(trace.meta.message);
      expect(doc.querySelectorAll('table.steps tbody tr')).toHaveLength(trace.steps.length);
      expect(doc.querySelector('table.steps tr.violated td')!.text).toBe(String(last));
      const times = doc.querySelectorAll('text.time-label').map((t) => t.getAttribute('data-now'));
      expect(times[0]).toBe(big(state(trace, 0)['now']));
    },
  );

  it('unsynced-tsc: each vCPU’s kvmclock, the reads with their values, the migration, the backwards read in red', () => {
    const file = 'unsynced-tsc/no-clamp.guest-monotonic.itf.json';
    const trace = loadCommitted(file);
    const { doc } = page(file);
    // Without a clamp a read returns its vCPU's kvmclock: the point after a read is the value read,
    // a cycle on (1 GHz: 0 or 1 ns, as the page's scale floors), since a step's clocks are drawn
    // as the next read would see them and the read itself moved that a cycle on (causal time).
    const read2 = big(state(trace, 2)['tasks'][0].lastRead.value);
    const read4 = big(state(trace, 4)['tasks'][0].lastRead.value);
    const drawn = (lane: string, step: number) =>
      BigInt(points(doc, lane, 'kvmclock').find((p) => p.step === step)!.value!);
    for (const [lane, step, read] of [
      ['vCPU0', 2, read2],
      ['vCPU1', 4, read4],
    ] as const)
      expect([0n, 1n]).toContain(drawn(lane, step) - BigInt(read!));
    // pCPU0 runs 100 ppm fast: after 1 ms vCPU0's kvmclock is 100 ns ahead of real time, vCPU1's is not,
    // and the higher value is drawn higher.
    const v0 = points(doc, 'vCPU0', 'kvmclock').find((p) => p.step === 1)!;
    const v1 = points(doc, 'vCPU1', 'kvmclock').find((p) => p.step === 1)!;
    expect(v0.ahead - v1.ahead).toBe(100);
    expect(v0.cy).toBeLessThan(v1.cy);
    expect(marks(doc, 'read')).toEqual([
      { step: 2, lane: 'vCPU0', label: `task0 read ${read2}`, violation: false },
      { step: 4, lane: 'vCPU1', label: `task0 read ${read4}`, violation: true },
    ]);
    expect(marks(doc, 'migration')).toEqual([
      { step: 3, lane: 'vCPU1', label: 'task0 from vCPU0', violation: false },
    ]);
    expect(doc.querySelectorAll('text.lane-label').map((t) => t.text)).toEqual([
      'host',
      'vCPU0',
      'vCPU1',
    ]);
  });

  it('tsc-deadline-ntp: NTP request and application, timer programming, hrtimer expiry and the early delivery', () => {
    const file = 'tsc-deadline-ntp/pending-latch.timer-not-early.itf.json';
    const trace = loadCommitted(file);
    const { doc } = page(file);
    const timer = (step: number) => state(trace, step)['vcpus'][0].timer;
    const mono = (step: number) => big(state(trace, step)['host'].mono.mult);
    expect(marks(doc, 'ntp')).toEqual([
      { step: 1, lane: 'host', label: 'NTP asks mult +4194', violation: false },
      {
        step: 4,
        lane: 'host',
        label: `tick: NTP applied, mult ${mono(3)} → ${mono(4)}`,
        violation: false,
      },
    ]);
    expect(marks(doc, 'timer-program')).toEqual([
      { step: 2, lane: 'vCPU0', label: `deadline TSC ${big(timer(2).deadline)}`, violation: false },
    ]);
    expect(marks(doc, 'hrtimer-expire').map((m) => [m.step, m.lane])).toEqual([[6, 'vCPU0']]);
    expect(marks(doc, 'delivery')).toEqual([
      {
        step: 7,
        lane: 'vCPU0',
        label: `interrupt at TSC ${big(timer(7).deliveredTsc)}`,
        violation: true,
      },
    ]);
    // NTP sped MONOTONIC up by 500 ppm from t=1 ms: it is ahead of real time afterwards, RAW is not.
    const monoAhead = points(doc, 'host', 'MONOTONIC').find((p) => p.step === 7)!.ahead;
    expect(monoAhead).toBeGreaterThan(400);
    // RAW is ahead only by the cycles (1 GHz: ns) of causal time the instant's reads add.
    const rawAhead = points(doc, 'host', 'MONOTONIC_RAW').find((p) => p.step === 7)!.ahead;
    expect(rawAhead).toBeGreaterThanOrEqual(0);
    expect(rawAhead).toBeLessThan(MAX_TSC_LEAD);
    expect(doc.querySelector('.params')!.text).toContain('vCPU clocks: guest TSC');
  });

  it('masterclock-update: the update on the host lane, the page write on the vCPU lane, kvmclock stepping back', () => {
    const file = 'masterclock-update/update-on-hotplug.kvmclock-step.itf.json';
    const trace = loadCommitted(file);
    const { doc } = page(file);
    expect(marks(doc, 'masterclock')).toEqual([
      { step: 3, lane: 'host', label: 'masterclock update (hotplug)', violation: false },
    ]);
    expect(marks(doc, 'pvclock-write').map((m) => [m.step, m.lane, m.violation])).toEqual([
      [4, 'vCPU0', true],
    ]);
    const kvmclock = points(doc, 'vCPU0', 'kvmclock');
    const step = Number(big(state(trace, 4)['vcpus'][0].lastClockStep));
    expect(kvmclock[4]!.ahead - kvmclock[3]!.ahead).toBe(step);
    expect(step).toBe(-119);
  });
});
