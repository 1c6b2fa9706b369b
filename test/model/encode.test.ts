import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../explorer/index.ts';
import { decodeState } from '../../model/decode.ts';
import { encodeState } from '../../model/encode.ts';
import { initialState } from '../../model/initialState.ts';
import type { ClockState } from '../../model/state.ts';
import { target } from '../helpers.ts';

type Path = (string | number)[];

function leafPaths(value: unknown, path: Path = []): Path[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      leafPaths(v, [...path, Array.isArray(value) ? Number(k) : k]),
    );
  }
  return [path];
}

function changed(v: unknown): unknown {
  if (typeof v === 'bigint') return v + 1n;
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  if (v === 'mono') return 'raw';
  if (v === 'raw') return 'mono';
  throw new Error(`no change for ${String(v)}`);
}

function encoded(s: ClockState): string {
  const enc = new Encoder();
  encodeState(s, enc);
  return Array.from(enc.words()).join(',');
}

describe('encodeState', () => {
  const s0 = initialState(target('unsynced-tsc', 'no-clamp').config);

  it('changes when any single field of the state changes (no field is forgotten)', () => {
    const base = encoded(s0);
    const paths = leafPaths(s0);
    expect(paths.length).toBeGreaterThan(100);
    for (const path of paths) {
      const mutated = produce(s0, (d) => {
        let at: Record<string | number, unknown> = d as never;
        for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
        const last = path.at(-1)!;
        at[last] = changed(at[last]);
      });
      expect(encoded(mutated), path.join('.')).not.toBe(base);
    }
  });

  it('is the same for equal states built separately', () => {
    expect(encoded(initialState(target('unsynced-tsc', 'no-clamp').config))).toBe(encoded(s0));
  });

  // Small fields share words (flags and step counters, a page's shift and flags): the extremes of
  // each share come back as they went in, and a value too wide for its share is refused.
  const cfg = target('unsynced-tsc', 'no-clamp').config;
  const extreme = produce(s0, (d) => {
    const v = d.vcpus[1]!;
    v.pvti.tscShift = -128;
    v.pvti.flags = 0xff;
    v.pvtiWrite = { ...v.pvtiWrite, active: true, step: 0xffff };
    v.pvtiWrite.target.tscShift = 127;
    v.clockUpdateRequested = true;
    v.timer.programmed = true;
    v.timer.hrtimer.armed = true;
    v.timer.hrtimer.clock = 'raw';
    v.timer.pending = true;
    v.timer.delivered = true;
    v.halted = true;
    v.kicked = true;
    v.counterRestored = true;
    d.kvm.useMasterClock = true;
    d.kvm.vmOffsetSet = true;
    const t = d.tasks[0]!;
    t.read.active = true;
    t.read.torn = true;
    t.read.step = 0xffff;
    t.read.pageVcpu = 0xffff;
    t.read.cpu = 0xfffe;
    t.read.fields.tscShift = -1;
    t.prevRead.valid = true;
    t.prevRead.torn = true;
    t.lastRead.torn = true;
  });

  it('decodes the extremes of the small fields that share a word', () => {
    const enc = new Encoder();
    encodeState(extreme, enc);
    expect(decodeState(enc.words(), cfg)).toStrictEqual(extreme);
  });

  it.each([
    [
      'tsc_shift',
      (d: ClockState) => void ((d.vcpus[0]!.pvti as { tscShift: number }).tscShift = 128),
      /tsc_shift 128 is not an s8/,
    ],
    [
      'flags',
      (d: ClockState) => void ((d.vcpus[0]!.pvti as { flags: number }).flags = 256),
      /flags 256 is not a u8/,
    ],
    [
      'read page vCPU',
      (d: ClockState) => void ((d.tasks[0]!.read as { pageVcpu: number }).pageVcpu = 0x10000),
      /read page vCPU 65536 is not a 16-bit vCPU/,
    ],
    [
      'read getcpu vCPU',
      (d: ClockState) => void ((d.tasks[0]!.read as { cpu: number }).cpu = -2),
      /read getcpu vCPU -2 is not -1 or a 16-bit vCPU/,
    ],
    [
      'read step',
      (d: ClockState) => void ((d.tasks[0]!.read as { step: number }).step = 0x10000),
      /read step 65536/,
    ],
  ])('refuses a %s too wide for its share of a word', (_what, mutate, message) => {
    const bad = produce(s0, (d) => mutate(d as ClockState));
    expect(() => encodeState(bad, new Encoder())).toThrow(message);
  });
});
