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

export function progressLine(quiet: boolean): ProgressLine {
  const stream = process.stderr;
  if (quiet || stream.isTTY !== true) return { update: undefined, done: () => {} };
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      const rate = p.elapsedMs > 0 ? Math.round((p.distinctStates / p.elapsedMs) * 1000) : 0;
      const mem = Math.round(process.memoryUsage().rss / 2 ** 20);
      stream.write(
        `\r\x1b[2K${p.distinctStates.toLocaleString('en-US')} states, ${rate.toLocaleString('en-US')} states/s, ` +
          `depth ${p.depth}, frontier ${p.frontier.toLocaleString('en-US')}, ${mem} MiB`,
      );
      shown = true;
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
