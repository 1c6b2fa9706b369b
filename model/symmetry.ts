/**
 * Symmetry reduction: pCPUs, vCPUs and guest tasks with identical configuration are
 * interchangeable. Renumbering them (and renaming every field that names one) maps a reachable
 * state to a state that behaves the same way, with the same verdict for every invariant, so the
 * explorer need store only one state per class: the one whose encoding is smallest over the
 * renamings that leave the configuration as it is.
 *
 * Those renamings are the permutations of pCPUs (of equal TSC rate and offset, both busy or both
 * not), of vCPUs (whose initial pCPUs correspond) and of tasks (whose initial vCPUs correspond).
 * The transitions never single out a component by its number, with these exceptions, which the
 * group respects: pCPU 0's TSC is the host clocksource (its twin must have the same rate and
 * offset), the `vcpu0` read-page policy reads vCPU 0's page (vCPU 0 then stays put). A policy or
 * transition that is not one of the model's own (a user's) could single out anything, so with one
 * the group is the identity alone, unless the user declares their code symmetric
 * (ClockConfig.userCode). The scenario's own per-component fields (`ext`) are permuted with their
 * components (stateExtension.ts).
 */
import { Encoder } from '../explorer/index.ts';
import type { ClockConfig } from './config.ts';
import { encodeState } from './encode.ts';
import { POLICY_LIBRARY, type PolicyPoint } from './policies/index.ts';
import type { ClockState } from './state.ts';

/** A renumbering of the components: name[old] = new, order[new] = old. */
export interface Renaming {
  readonly pcpuName: readonly number[];
  readonly pcpuOrder: readonly number[];
  readonly vcpuName: readonly number[];
  readonly vcpuOrder: readonly number[];
  readonly taskName: readonly number[];
  readonly taskOrder: readonly number[];
}

/** Beyond this many components of one kind the group is not enumerated (n! renamings). */
const MAX_PERMUTED = 6;

/** Every renaming that leaves `cfg` unchanged, the identity first. */
export function symmetryGroup(cfg: ClockConfig): Renaming[] {
  const identity = renaming(
    range(cfg.pcpus.length),
    range(cfg.vcpus.length),
    range(cfg.tasks.length),
  );
  const counts = [cfg.pcpus.length, cfg.vcpus.length, cfg.tasks.length];
  if (!onlyModelPolicies(cfg) || counts.some((n) => n > MAX_PERMUTED)) return [identity];
  const fixVcpu0 = cfg.policies.readPage === POLICY_LIBRARY.readPage.vcpu0;

  const group: Renaming[] = [];
  for (const p of permutations(cfg.pcpus.length)) {
    const pcpusFit = cfg.pcpus.every((c, i) => {
      const image = cfg.pcpus[p[i]!]!;
      return (
        image.tscHz === c.tscHz &&
        image.tscOffset === c.tscOffset &&
        cfg.busyPcpus.includes(i) === cfg.busyPcpus.includes(p[i]!)
      );
    });
    if (!pcpusFit) continue;
    for (const v of permutations(cfg.vcpus.length)) {
      if (fixVcpu0 && v.length > 0 && v[0] !== 0) continue;
      if (!cfg.vcpus.every((c, j) => cfg.vcpus[v[j]!]!.pcpu === p[c.pcpu])) continue;
      for (const t of permutations(cfg.tasks.length)) {
        if (!cfg.tasks.every((c, k) => cfg.tasks[t[k]!]!.vcpu === v[c.vcpu])) continue;
        group.push(renaming(p, v, t));
      }
    }
  }
  // The identity passes every test above and comes first in each enumeration.
  return group;
}

/**
 * The model's encodeCanonical for `cfg`: the smallest encoding over the symmetry group. Undefined
 * when the group is the identity alone (nothing to reduce, nothing to pay).
 */
export function canonicalEncoder(
  cfg: ClockConfig,
): ((s: ClockState, out: Encoder) => void) | undefined {
  const group = symmetryGroup(cfg);
  if (group.length <= 1) return undefined;
  const [identity, ...others] = group;
  const scratch = new Encoder();
  return (s, out) => {
    encodeState(s, out, identity, cfg.ext);
    for (const r of others) {
      scratch.reset();
      encodeState(s, scratch, r, cfg.ext);
      if (scratch.compare(out) < 0) out.copyFrom(scratch);
    }
  };
}

function onlyModelPolicies(cfg: ClockConfig): boolean {
  // The user's word that their code treats interchangeable components alike.
  if (cfg.userCode?.symmetric === true) return true;
  // A user's replacement transition could single out any component, as a user's policy could.
  if (cfg.transitionOverrides !== undefined || cfg.observe !== undefined) return false;
  return (Object.keys(POLICY_LIBRARY) as PolicyPoint[]).every((point) =>
    Object.values(POLICY_LIBRARY[point]).some((impl) => impl === cfg.policies[point]),
  );
}

function renaming(p: number[], v: number[], t: number[]): Renaming {
  return {
    pcpuName: p,
    pcpuOrder: inverse(p),
    vcpuName: v,
    vcpuOrder: inverse(v),
    taskName: t,
    taskOrder: inverse(t),
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function inverse(p: readonly number[]): number[] {
  const inv = new Array<number>(p.length);
  p.forEach((to, from) => (inv[to] = from));
  return inv;
}

/** All permutations of 0..n-1, the identity first. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let at = rest.length; at >= 0; at--) {
      out.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
    }
  }
  return out;
}
