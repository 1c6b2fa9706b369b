/**
 * Terminal colours, decided as Node decides for its own output (util.styleText): FORCE_COLOR
 * set to anything but 0/false turns them on; otherwise only on a terminal whose colour depth,
 * from the environment (NO_COLOR, NODE_DISABLE_COLORS, TERM=dumb, CI, TERM, COLORTERM), is at
 * least 16 colours. `--no-color` always turns them off.
 */
import { WriteStream } from 'node:tty';
import pc from 'picocolors';

export type Style = ReturnType<typeof pc.createColors>;

/** Bits of colour Node would use for a terminal in `env` (1: none; 4: 16 colours; ...). */
function colorDepth(env: NodeJS.ProcessEnv): number {
  // Node's own detection; it reads only the environment it is given.
  return WriteStream.prototype.getColorDepth(env);
}

export function colorWanted(
  isTTY: boolean,
  flag: boolean | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (flag === false) return false;
  if (env['FORCE_COLOR'] !== undefined) return colorDepth(env) > 2;
  return isTTY && colorDepth(env) > 2;
}

export function makeStyle(enabled: boolean): Style {
  return pc.createColors(enabled);
}
