/**
 * clockcheck as a library: `import { checkScenario, defineScenario, defineVariant } from 'clockcheck'`.
 *
 * - defineScenario: declare a scenario of your own (what `--scenario-file` loads): topology,
 *   parameters, transitions and limits, invariants and `sometimes` properties, state of its own,
 *   and its variants with the verdicts they must have. The built-in scenarios are written with it.
 * - defineInvariant, defineSometimes: properties of your own, for a scenario or a variant.
 * - defineVariant: declare a variant of a scenario in your own file (what `clockcheck check
 *   --variant-file` and `clockcheck verify-fix` load), with the model's helpers and types below;
 *   defineReader and its building blocks (getcpu, readVersion, rdtsc, rdtscp, readFields,
 *   recheck, ...) make a guest clock reader of your own in a few lines.
 * - checkScenario: explore a built-in or your own variant and get the verdicts as data;
 *   `problems` is empty exactly when every verdict is as expected and the run complete.
 * - verifyFix: the four steps of `clockcheck verify-fix`, as data.
 */
export {
  defineVariant,
  type DefinedVariant,
  type DraftResult,
  type PolicyReplacements,
  type TransitionReplacement,
  type VariantDefinition,
} from './check/defineVariant.ts';
export {
  checkScenario,
  type CheckScenarioOptions,
  type InvariantOutcome,
  type ScenarioCheck,
} from './check/checkScenario.ts';
export {
  verifyFix,
  verificationJson,
  type CounterexampleReplay,
  type FixVerification,
} from './check/verifyFix.ts';
export {
  defineScenario,
  type BooleanParamDef,
  type CauseOff,
  type DefinedScenario,
  type DraftExt,
  type IntegerParamDef,
  type ParamDefs,
  type ParamsOf,
  type ScenarioDefinition,
  type ScenarioObserver,
  type ScenarioState,
  type ScenarioVariant,
  type SystemConfig,
  type VariantView,
} from './model/scenarios/defineScenario.ts';
export {
  defineInvariant,
  defineSometimes,
  type ClockInvariant,
  type ClockSometimes,
} from './invariants/invariant.ts';
export type { InvariantName } from './invariants/index.ts';
export type {
  ExtField,
  ExtOf,
  ExtState,
  ExtValue,
  StateExtension,
} from './model/stateExtension.ts';
export { resolveUserVariant } from './check/userVariant.ts';
export { loadVariantFile } from './check/variantFile.ts';
export { loadScenarioFile } from './check/scenarioFile.ts';
export type { Bounds } from './check/runCheck.ts';
export type { CustomVariant } from './check/resolve.ts';

// The model's vocabulary, for writing replacements.
export type * from './model/state.ts';
export type { ActionKind, ActionOf, ClockAction } from './model/actions.ts';
export type { ClockConfig, Limits, PcpuConfig } from './model/config.ts';
export type { ClockDraft } from './model/transition.ts';
export type { Policies, PolicyNames, PolicyPoint } from './model/policies/index.ts';
export { POLICY_LIBRARY } from './model/policies/index.ts';
export type {
  InvariantNameOf,
  KernelRef,
  ScenarioName,
  ScenarioRef,
  SometimesNameOf,
  VariantNameOf,
  Verdict,
} from './model/scenarios/index.ts';

// The kernel's fixed-point arithmetic and the model's helpers, the same ones the model uses.
export * from './model/arith/index.ts';
export {
  guestTsc,
  guestTscReachesAt,
  hostClocksourceCycles,
  hostTscAt,
  kvmclockOn,
  monoAt,
  monoNow,
  monoReachesAt,
  pvtiFor,
  rawNow,
  rawToMono,
} from './model/clocks.ts';
export {
  armForRemaining,
  blockAgain,
  clockeventInstant,
  deadlineReached,
  deliverNow,
  disarm,
  kick,
  latchPending,
  resumeGuest,
} from './model/timers.ts';

// A guest clock reader of your own: defineReader and the steps the kernel's readers are made of;
// a host page-write protocol of your own: definePvclockWrite and its steps.
export * from './model/readers/index.ts';
export {
  copyFields,
  copyAllFields,
  copyScaleAndFlags,
  copySystemTime,
  copyTscTimestamp,
  copyVisibleSubset,
  definePvclockWrite,
  PVTI_FIELDS,
  versionEven,
  versionOdd,
  versionPlus2,
  writeVersion,
  writeWholePage,
  type PvclockWriteProtocol,
  type PvtiField,
  type PvtiWriteStep,
} from './model/policies/pvclockWriteProtocol.ts';
