/**
 * What the HTML timeline draws, as data: for each step its real time; per vCPU and for the host the
 * clock values after each step (as read by the kernel's own formulas, and as how far each is ahead
 * of real time); the events worth marking (reads, timer programming, hrtimer expiries,
 * deliveries, NTP changes, masterclock updates, migrations, ...) in the lane where they happen;
 * and the violation. States come from the file, typed back through the model's initial state.
 */
import { match } from 'ts-pattern';
import { fromItf, type ItfValue } from '../../../counterexamples/itf.ts';
import { replayTarget } from '../../../counterexamples/replay.ts';
import type { TraceFile } from '../../../counterexamples/traceFile.ts';
import { InputError } from '../../../check/inputError.ts';
import type { CustomVariant } from '../../../check/resolve.ts';
import type { Scenario } from '../../../model/scenarios/index.ts';
import { describeAction, type ClockAction } from '../../../model/actions.ts';
import { guestTsc, hostTscAt, kvmclockOn, monoNow, rawNow } from '../../../model/clocks.ts';
import type { ClockConfig } from '../../../model/config.ts';
import type { ClockState } from '../../../model/state.ts';

export type MarkKind =
  | 'read'
  | 'read-step'
  | 'timer-program'
  | 'hrtimer-expire'
  | 'delivery'
  | 'ntp'
  | 'timekeeping'
  | 'masterclock'
  | 'pvclock-write'
  | 'migration'
  | 'nohz'
  | 'block'
  | 'wake'
  | 'counter-restore';

export interface Mark {
  readonly step: number;
  /** 0 the host, 1 + n vCPU n. */
  readonly lane: number;
  readonly kind: MarkKind;
  readonly label: string;
  /** For a task migration, the lane it came from. */
  readonly fromLane?: number;
}

export interface Sample {
  readonly step: number;
  readonly value: bigint;
  /** Nanoseconds ahead of real time (negative: behind). */
  readonly ahead: number;
}

export interface Series {
  readonly lane: number;
  readonly name: string;
  readonly samples: readonly Sample[];
}

export interface Timeline {
  readonly title: string;
  readonly lanes: readonly string[];
  /** Real time (ns) after each step. */
  readonly times: readonly number[];
  readonly actions: readonly string[];
  /** What the vCPU series are: kvmclock, the guest TSC, or the arm64 virtual counter. */
  readonly guestClock: string;
  readonly series: readonly Series[];
  readonly marks: readonly Mark[];
  readonly violation: {
    readonly step: number;
    readonly invariant: string;
    readonly meaning: string;
    readonly message: string;
  };
}

type GuestClock = 'kvmclock' | 'guest TSC' | 'virtual counter';

function guestClockOf(cfg: ClockConfig): GuestClock {
  if (cfg.transitions.has('counterRestore')) return 'virtual counter';
  if (cfg.transitions.has('timerProgram')) return 'guest TSC';
  return 'kvmclock';
}

/** A vCPU's guest clock now, and how far ahead of real time it is in ns; undefined where it does not run yet. */
function guestSample(s: ClockState, cfg: ClockConfig, vcpu: number, kind: GuestClock) {
  const v = s.vcpus[vcpu]!;
  const t = BigInt(s.now);
  if (kind === 'virtual counter') {
    if (!v.counterRestored) return undefined;
    const value = hostTscAt(cfg, v.pcpu, s.now) - v.voffset;
    const hz = cfg.pcpus[v.pcpu]!.tscHz;
    return { value, ahead: ((value - cfg.savedCounter) * 1_000_000_000n) / hz - t };
  }
  if (kind === 'guest TSC') {
    const value = guestTsc(s, cfg, vcpu);
    const atZero = hostTscAt(cfg, v.pcpu, 0) + v.tscOffset;
    return { value, ahead: ((value - atZero) * 1_000_000n) / cfg.tscKhz - t };
  }
  if (v.pvti.version === 0) return undefined;
  const value = kvmclockOn(s, cfg, vcpu);
  return { value, ahead: value - cfg.bootNs - t };
}

function marksOf(
  action: ClockAction,
  p: ClockState,
  s: ClockState,
  step: number,
  cfg: ClockConfig,
): Mark[] {
  const lane = (vcpu: number) => 1 + vcpu;
  const mark = (l: number, kind: MarkKind, label: string): Mark[] => [
    { step, lane: l, kind, label },
  ];
  return match(action)
    .with({ kind: 'timeAdvance' }, () => [])
    .with({ kind: 'hostTimekeepingUpdate' }, () =>
      s.host.mono.mult !== p.host.mono.mult
        ? mark(0, 'ntp', `tick: NTP applied, mult ${p.host.mono.mult} → ${s.host.mono.mult}`)
        : mark(0, 'timekeeping', 'timekeeping tick'),
    )
    .with({ kind: 'ntpMultChange' }, (a) =>
      mark(0, 'ntp', `NTP asks mult ${a.adj > 0 ? '+' : ''}${a.adj}`),
    )
    .with({ kind: 'nohzIdleEnter' }, (a) => mark(0, 'nohz', `pCPU${a.pcpu} NOHZ idle`))
    .with({ kind: 'nohzIdleExit' }, (a) => mark(0, 'nohz', `pCPU${a.pcpu} leaves idle`))
    .with({ kind: 'masterclockUpdate' }, (a) =>
      mark(0, 'masterclock', `masterclock update (${a.trigger})`),
    )
    .with({ kind: 'pvclockWrite' }, (a) => {
      const w = s.vcpus[a.vcpu]!.pvtiWrite;
      return mark(
        lane(a.vcpu),
        'pvclock-write',
        w.active ? `pvclock write, part ${w.step}` : 'pvclock page written',
      );
    })
    .with({ kind: 'guestRead' }, { kind: 'guestCounterRead' }, (a) => {
      const t = s.tasks[a.task]!;
      if (t.reads > p.tasks[a.task]!.reads)
        return mark(lane(t.lastRead.vcpu), 'read', `task${a.task} read ${t.lastRead.value}`);
      const stepName = a.kind === 'guestRead' ? a.step : 'read';
      return mark(lane(t.vcpu), 'read-step', `task${a.task} ${stepName}`);
    })
    .with({ kind: 'vcpuMigrate' }, (a) =>
      mark(lane(a.vcpu), 'migration', `vCPU${a.vcpu} → pCPU${a.to}`),
    )
    .with({ kind: 'taskMigrate' }, (a) => [
      {
        step,
        lane: lane(a.to),
        kind: 'migration' as const,
        label: `task${a.task} from vCPU${p.tasks[a.task]!.vcpu}`,
        fromLane: lane(p.tasks[a.task]!.vcpu),
      },
    ])
    .with({ kind: 'timerProgram' }, (a) =>
      mark(lane(a.vcpu), 'timer-program', `deadline TSC ${s.vcpus[a.vcpu]!.timer.deadline}`),
    )
    .with({ kind: 'hrtimerExpire' }, (a) =>
      mark(lane(a.vcpu), 'hrtimer-expire', `hrtimer fires at TSC ${guestTsc(s, cfg, a.vcpu)}`),
    )
    .with({ kind: 'vcpuBlock' }, (a) => mark(lane(a.vcpu), 'block', 'HLT: blocks'))
    .with({ kind: 'vcpuWakeCheck' }, (a) =>
      mark(lane(a.vcpu), 'wake', s.vcpus[a.vcpu]!.halted ? 'woken, blocks again' : 'woken, runs'),
    )
    .with({ kind: 'timerInject' }, (a) =>
      mark(lane(a.vcpu), 'delivery', `interrupt at TSC ${s.vcpus[a.vcpu]!.timer.deliveredTsc}`),
    )
    .with({ kind: 'counterRestore' }, (a) =>
      mark(lane(a.vcpu), 'counter-restore', `counter restored`),
    )
    .exhaustive();
}

/** The user's variant and scenarios a trace may need (see UserFiles), for its model. */
export interface TraceContext {
  readonly variant?: CustomVariant;
  readonly scenarios?: readonly Scenario[];
}

export function timelineData(trace: TraceFile, context: TraceContext = {}): Timeline {
  const { meta } = trace;
  const { target } = replayTarget(meta, context.variant, context.scenarios);
  const cfg = target.config;
  const template = target.model.init()[0]!;
  let states: ClockState[];
  try {
    states = trace.steps.map((s) => fromItf(s.state as ItfValue, template) as ClockState);
  } catch (e) {
    throw new InputError(
      `${meta.scenario}: the trace's states do not fit today's model (${e instanceof Error ? e.message : String(e)}); replay it to see where`,
    );
  }
  const vcpus = states[0]!.vcpus.length;
  const kind = guestClockOf(cfg);
  const host = (name: string, read: (s: ClockState) => bigint): Series => ({
    lane: 0,
    name,
    samples: states.map((s, step) => {
      const value = read(s);
      return { step, value, ahead: Number(value - cfg.bootNs - BigInt(s.now)) };
    }),
  });
  const series: Series[] = [
    host('MONOTONIC', (s) => monoNow(s, cfg)),
    host('MONOTONIC_RAW', (s) => rawNow(s, cfg)),
    ...[...Array(vcpus).keys()].map((v) => ({
      lane: 1 + v,
      name: kind,
      samples: states.flatMap((s, step) => {
        const sample = guestSample(s, cfg, v, kind);
        return sample === undefined
          ? []
          : [{ step, value: sample.value, ahead: Number(sample.ahead) }];
      }),
    })),
  ];
  const marks = trace.steps.flatMap((step, i) =>
    i === 0 ? [] : marksOf(step.action!, states[i - 1]!, states[i]!, i, cfg),
  );
  return {
    title: `${meta.scenario} / ${meta.variant}: ${meta.invariant}`,
    lanes: ['host', ...[...Array(vcpus).keys()].map((v) => `vCPU${v}`)],
    times: states.map((s) => s.now),
    actions: trace.steps.map((s) =>
      s.action === null ? '(initial state)' : describeAction(s.action),
    ),
    guestClock: kind,
    series,
    marks,
    violation: {
      step: trace.steps.length - 1,
      invariant: meta.invariant,
      meaning: target.invariants.find((inv) => inv.name === meta.invariant)?.meaning ?? '',
      message: meta.message,
    },
  };
}
