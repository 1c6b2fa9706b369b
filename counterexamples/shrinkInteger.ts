/**
 * The smallest integer in [min, current] for which a test still fails, found as property-based
 * testing tools shrink: try `min` first, then bisect between the largest value known to pass and
 * the smallest known to fail. Failure need not be monotone in the value, so the answer is a
 * boundary, not necessarily the global minimum; it is never larger than `current`, and the same
 * inputs always give the same answer.
 */
export function shrinkInteger<R>(
  min: number,
  current: number,
  fails: (value: number) => R | undefined,
): { readonly value: number; readonly result: R } | undefined {
  if (current <= min) return undefined;
  const atMin = fails(min);
  if (atMin !== undefined) return { value: min, result: atMin };
  let passes = min;
  let failing: { value: number; result: R } | undefined;
  let hi = current;
  while (hi - passes > 1) {
    const mid = passes + Math.floor((hi - passes) / 2);
    const result = fails(mid);
    if (result === undefined) passes = mid;
    else {
      hi = mid;
      failing = { value: mid, result };
    }
  }
  return failing;
}
