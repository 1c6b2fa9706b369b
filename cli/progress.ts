/**
 * A single updating progress line on standard error for long runs: only on a terminal, at most
 * every 200 ms, erased when the run ends. Nothing when output is piped or --quiet is given.
 */
import { performance } from 'node:perf_hooks';
import type { Progress } from '../explorer/index.ts';

export interface ProgressLine {
  readonly update: ((p: Progress) => void) | undefined;
  readonly done: () => void;
}

/** Where the line goes: standard error, or a test's stand-in. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export const PROGRESS_INTERVAL_MS = 200;

export function progressLine(
  quiet: boolean,
  stream: ProgressStream = process.stderr,
  now: () => number = () => performance.now(),
  memoryBytes: () => number = () => process.memoryUsage.rss(),
): ProgressLine {
  if (quiet || stream.isTTY !== true) return { update: undefined, done: () => {} };
  let last = -Infinity;
  let shown = false;
  return {
    update: (p) => {
      const t = now();
      if (t - last < PROGRESS_INTERVAL_MS) return;
      last = t;
      const rate = p.elapsedMs > 0 ? Math.round((p.distinctStates / p.elapsedMs) * 1000) : 0;
      const mem = Math.round(memoryBytes() / 2 ** 20);
      stream.write(
        `\r\x1b[2K${p.distinctStates.toLocaleString('en-US')} state${p.distinctStates === 1 ? '' : 's'}, ${rate.toLocaleString('en-US')} states/s, ` +
          `depth ${p.depth}, frontier ${p.frontier.toLocaleString('en-US')}, ${mem} MiB`,
      );
      shown = true;
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
