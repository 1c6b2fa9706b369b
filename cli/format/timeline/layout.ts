/**
 * Where each step goes across the timeline. Real time runs left to right, with gaps proportional
 * to the time that passed; steps at the same instant (most of a trace: time stands still while
 * reads, writes and migrations happen) each get a slot of their own, side by side, so that every
 * step stays visible.
 */
export interface XLayout {
  /** x of each step. */
  readonly x: readonly number[];
  /** The first step of each distinct instant, with its time. */
  readonly instants: readonly { readonly step: number; readonly now: number }[];
  readonly slot: number;
}

export function layoutSteps(times: readonly number[], left: number, width: number): XLayout {
  const steps = times.length;
  const instants: { step: number; now: number }[] = [];
  times.forEach((now, step) => {
    if (step === 0 || now !== times[step - 1]) instants.push({ step, now });
  });
  const slot = Math.min(64, (width * 0.6) / Math.max(1, steps));
  const minGap = 10;
  const span = times[steps - 1]! - times[0]!;
  const spare = Math.max(0, width - slot * steps - minGap * (instants.length - 1));
  const x: number[] = [];
  let pos = left + slot / 2;
  times.forEach((now, step) => {
    if (step > 0) {
      const passed = now - times[step - 1]!;
      pos += slot + (passed > 0 ? minGap + (span > 0 ? (spare * passed) / span : 0) : 0);
    }
    x.push(pos);
  });
  return { x, instants, slot };
}
