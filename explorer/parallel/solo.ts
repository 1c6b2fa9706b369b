/**
 * The first levels of a parallel exploration, on the calling thread alone. A level of a few
 * thousand states takes a millisecond or less to expand, about what it costs to hand work to the
 * workers and gather it back; a model whose levels all stay that small (a long thin state graph:
 * thousands of levels) would spend its time synchronising. So the coordinator explores level by
 * level exactly as `explore` does on one thread, until a level reaches the size where workers pay
 * off; then it hands the frontier and the fingerprints seen so far to the workers, for good.
 */
import { Encoder } from '../encoder.ts';
import type { Findings } from '../findings.ts';
import { fingerprint } from '../fingerprint.ts';
import type { Model } from '../model.ts';
import type { StateLog } from '../stateLog.ts';
import { FingerprintSet } from '../visitedSet.ts';

/** How often (in expanded states) the time and memory limits are looked at. */
const CHECK_EVERY = 1024;

export class SoloLevels<S, A> {
  readonly visited = new FingerprintSet();
  /** The states of the current level, by id. */
  frontier: S[] = [];
  transitions = 0;
  generated = 0;
  private readonly enc = new Encoder();
  private readonly fp = new Uint32Array(2);
  private expanded = 0;

  constructor(
    private readonly model: Model<S, A>,
    private readonly symmetry: boolean,
    private readonly log: StateLog,
    private readonly findings: Findings<S, A>,
    private readonly maxStates: number,
    private readonly stopOnViolation: boolean,
    /** Looks at the time and memory limits (truncating the run in `findings`). */
    private readonly checkLimits: () => void,
  ) {}

  /** Whether `state` was not seen before (and now is). */
  private add(state: S): boolean {
    const enc = this.enc;
    enc.reset();
    if (this.symmetry) this.model.encodeCanonical!(state, enc);
    else this.model.encode(state, enc);
    fingerprint(enc.buffer, this.fp, enc.length);
    return this.visited.insert(this.fp[0]!, this.fp[1]!);
  }

  /** Numbers and checks the initial states. */
  init(): void {
    try {
      for (const [index, state] of this.model.init().entries()) {
        this.generated++;
        if (!this.add(state)) continue;
        if (this.log.size >= this.maxStates) {
          this.findings.truncate('states');
          break;
        }
        const id = this.log.pushInitial(index);
        this.frontier.push(state);
        this.findings.discovered(state, id, 0);
      }
    } catch (e) {
      this.findings.fail(e, -1);
    }
  }

  /**
   * Expands the frontier (ids from `firstId`, at `depth`) into the next level; false when it
   * stopped part way (an error, a limit, a violation with stopOnViolation), leaving the frontier.
   */
  level(firstId: number, depth: number): boolean {
    const { model, log, findings } = this;
    const next: S[] = [];
    const frontier = this.frontier;
    for (let k = 0; k < frontier.length; k++) {
      const state = frontier[k]!;
      const id = firstId + k;
      let action: A | undefined;
      try {
        const actions = model.actions(state);
        log.beginExpansion(id);
        if (actions.length === 0) findings.terminal(state, id, depth);
        for (let i = 0; i < actions.length; i++) {
          action = actions[i]!;
          const successor = model.next(state, action);
          this.transitions++;
          this.generated++;
          if (!this.add(successor)) continue;
          if (log.size >= this.maxStates) {
            findings.truncate('states');
            break;
          }
          next.push(successor);
          findings.discovered(successor, log.pushChild(i), depth + 1);
        }
      } catch (e) {
        findings.fail(e, id, action);
        return false;
      }
      if (++this.expanded % CHECK_EVERY === 0) this.checkLimits();
      if (findings.shouldStop(this.stopOnViolation)) return false;
    }
    this.frontier = next;
    return true;
  }

  /** Whether any state of the frontier has a successor not yet visited (the depth bound cut it). */
  anySuccessorUnseen(): boolean {
    const { model, enc, fp } = this;
    for (const state of this.frontier) {
      for (const action of model.actions(state)) {
        enc.reset();
        const successor = model.next(state, action);
        if (this.symmetry) model.encodeCanonical!(successor, enc);
        else model.encode(successor, enc);
        fingerprint(enc.buffer, fp, enc.length);
        if (!this.visited.contains(fp[0]!, fp[1]!)) return true;
      }
    }
    return false;
  }
}
