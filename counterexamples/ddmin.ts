/**
 * Delta debugging (Zeller and Hildebrandt's ddmin): the smallest failing subsequence it can find
 * by removing chunks, coarse first and then finer, down to single items. The result is 1-minimal:
 * removing any one item makes the test pass. Knows nothing about what the items are.
 *
 * `fails(candidate)` returns undefined when the candidate does not fail, or the failing sequence
 * to continue from: the candidate itself, or a prefix of it when the failure came earlier (a
 * trace that breaks its invariant before its last action is truncated there).
 */
export function ddmin<T>(
  items: readonly T[],
  fails: (candidate: readonly T[]) => readonly T[] | undefined,
): readonly T[] {
  let current = items;
  let n = 2;
  while (current.length >= 2) {
    n = Math.min(n, current.length);
    const chunks = split(current, n);
    const subset = firstFailing(chunks, fails);
    if (subset !== undefined) {
      current = subset;
      n = 2;
      continue;
    }
    const complements = chunks.map((_, i) => chunks.filter((_, j) => j !== i).flat());
    const complement = n > 2 ? firstFailing(complements, fails) : undefined;
    if (complement !== undefined) {
      current = complement;
      n = Math.max(n - 1, 2);
      continue;
    }
    if (n >= current.length) break;
    n = Math.min(n * 2, current.length);
  }
  return current;
}

function firstFailing<T>(
  candidates: readonly (readonly T[])[],
  fails: (candidate: readonly T[]) => readonly T[] | undefined,
): readonly T[] | undefined {
  for (const c of candidates) {
    const result = fails(c);
    if (result !== undefined) return result;
  }
  return undefined;
}

/** `items` in `n` contiguous chunks whose sizes differ by at most one. */
function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks;
}
