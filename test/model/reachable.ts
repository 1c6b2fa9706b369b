/** Every state a model can reach, by a plain breadth-first search keyed on the full encoding. */
import { Encoder, type Model } from '../../explorer/index.ts';

export function encodingOf<S, A>(model: Model<S, A>, s: S): string {
  const enc = new Encoder();
  model.encode(s, enc);
  return Array.from(enc.words()).join(',');
}

export function reachableStates<S, A>(model: Model<S, A>): S[] {
  const seen = new Set<string>();
  const states: S[] = [];
  let frontier = model.init();
  while (frontier.length > 0) {
    const next: S[] = [];
    for (const s of frontier) {
      const key = encodingOf(model, s);
      if (seen.has(key)) continue;
      seen.add(key);
      states.push(s);
      for (const a of model.actions(s)) next.push(model.next(s, a));
    }
    frontier = next;
  }
  return states;
}
