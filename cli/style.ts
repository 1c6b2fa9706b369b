/**
 * Terminal colours: only when standard output is a terminal, never with NO_COLOR set or
 * --no-color given (FORCE_COLOR forces them on).
 */
import pc from 'picocolors';

export type Style = ReturnType<typeof pc.createColors>;

export function colorWanted(isTTY: boolean, flag: boolean | undefined): boolean {
  if (flag === false || 'NO_COLOR' in process.env) return false;
  if ('FORCE_COLOR' in process.env) return true;
  return isTTY;
}

export function makeStyle(enabled: boolean): Style {
  return pc.createColors(enabled);
}
