import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../explorer/index.ts';
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
});
