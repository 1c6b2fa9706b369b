/**
 * Start-up: how long the installed command takes, as a whole process (node started, clockcheck
 * loaded, the work done, the process gone), for `--version`, `list` and `check unsynced-tsc`,
 * against `node -e 0`. Each is run RUNS times after one warm-up run (the file cache), and the
 * median is kept. The goal (issue 16): within twice node's own start plus the work itself; for
 * `check`, the work is the exploration, as its `--json -` report times it; `--version` and
 * `list` are counted as no work at all. Runs the compiled command (dist/, built first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface StartupFigures {
  readonly command: string;
  /** Median wall time of the whole process, ms. */
  readonly medianMs: number;
  /** Median time of the work itself (the exploration), ms; 0 for commands counted as none. */
  readonly workMs: number;
  /** 2 × node -e 0 + the work: the goal. */
  readonly goalMs: number;
  readonly runs: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function timed(args: readonly string[]): { ms: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return { ms: performance.now() - start, stdout: r.stdout };
}

/** The exploration time in a `check ... --json -` report, ms. */
function workOf(stdout: string): number {
  const report = JSON.parse(stdout) as { runs: { seconds: number }[] };
  return report.runs.reduce((ms, r) => ms + r.seconds * 1000, 0);
}

export function measureStartup(root: string, runs: number): StartupFigures[] {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.ts'],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
  const bin = join(root, 'dist/cli/bin.js');
  const commands: { name: string; args: string[]; work?: boolean }[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'clockcheck --version', args: [bin, '--version'] },
    { name: 'clockcheck list', args: [bin, 'list'] },
    {
      name: 'clockcheck check unsynced-tsc',
      args: [bin, 'check', 'unsynced-tsc', '--json', '-'],
      work: true,
    },
  ];
  const samples = commands.map(() => ({ ms: [] as number[], work: [] as number[] }));
  // Interleaved, so that a slow spell of the machine spreads over every command alike.
  for (let i = 0; i <= runs; i++) {
    commands.forEach((c, k) => {
      const t = timed(c.args);
      if (i === 0) return; // warm-up
      samples[k]!.ms.push(t.ms);
      if (c.work === true) samples[k]!.work.push(workOf(t.stdout));
    });
  }
  const node = median(samples[0]!.ms);
  return commands.map((c, k) => {
    const workMs = c.work === true ? median(samples[k]!.work) : 0;
    return {
      command: c.name,
      medianMs: Number(median(samples[k]!.ms).toFixed(1)),
      workMs: Number(workMs.toFixed(1)),
      goalMs: Number((k === 0 ? node : 2 * node + workMs).toFixed(1)),
      runs,
    };
  });
}

export function startupLines(figures: readonly StartupFigures[]): string[] {
  return figures.map((f, k) =>
    k === 0
      ? `  ${f.command.padEnd(31)} ${f.medianMs.toFixed(0).padStart(5)} ms`
      : `  ${f.command.padEnd(31)} ${f.medianMs.toFixed(0).padStart(5)} ms` +
        (f.workMs > 0 ? ` (the exploration ${f.workMs.toFixed(0)} ms)` : '') +
        `; goal <= ${f.goalMs.toFixed(0)} ms: ${f.medianMs <= f.goalMs ? 'met' : 'not met'}`,
  );
}
