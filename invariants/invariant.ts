/** The shape of a clock invariant: a named predicate over a state, with the configuration at hand for its bounds. */
import type { ClockConfig } from '../model/config.ts';
import type { ClockState } from '../model/state.ts';

export interface ClockInvariant {
  readonly name: string;
  /** One line: what must hold. */
  readonly meaning: string;
  /** `terminal`: checked only where no action is enabled (bounded response over the horizon). */
  readonly when: 'always' | 'terminal';
  /** undefined when the state is fine; otherwise the numbers that broke it, in one line. */
  readonly check: (s: ClockState, cfg: ClockConfig) => string | undefined;
}
