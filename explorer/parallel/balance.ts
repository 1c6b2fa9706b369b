/**
 * Keeping the levels balanced. A worker keeps the new states it generated, so its share of the
 * next level is its share of this level's winners: about its share of this level's expansions,
 * but the shares drift (nothing pulls them back), and a worker with twice the states of another
 * makes the level take twice as long. So when a worker holds more than its fair share by more than
 * a small slack, it hands the surplus (its highest-id states, encoded) to workers short of theirs.
 * The slack keeps small imbalances, which cost less than moving states, where they are.
 */

/** Surplus below this many states, or this fraction of the fair share, stays where it is. */
const SLACK_STATES = 64;
const SLACK_FRACTION = 0.02;

/**
 * moves[p][q]: how many states worker p hands to worker q, given how many each holds. Only
 * workers above their fair share give, only workers below it take.
 */
export function balance(counts: readonly number[]): number[][] {
  const n = counts.length;
  const moves = counts.map(() => new Array<number>(n).fill(0));
  const total = counts.reduce((a, b) => a + b, 0);
  const fair = total / n;
  const slack = Math.max(SLACK_STATES, fair * SLACK_FRACTION);
  const target = counts.map(
    (_, w) => Math.floor((total * (w + 1)) / n) - Math.floor((total * w) / n),
  );
  const surplus = counts.map((c, w) => (c - target[w]! > slack ? c - target[w]! : 0));
  const deficit = counts.map((c, w) => Math.max(0, target[w]! - c));
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n && surplus[p]! > 0; q++) {
      const m = Math.min(surplus[p]!, deficit[q]!);
      if (m === 0) continue;
      moves[p]![q] = m;
      surplus[p]! -= m;
      deficit[q]! -= m;
    }
  }
  return moves;
}
