/** Guest clock readers as lists of steps, and the building blocks they are made of. */
export {
  defineReader,
  readerProblem,
  type ReadChanges,
  type ReadContext,
  type Reader,
  type ReaderStep,
  type ReadNext,
  type ReadReturn,
  type StepResult,
} from './reader.ts';
export {
  recheck,
  choosePage,
  combine,
  computeValue,
  getcpu,
  pvclockValue,
  rdtsc,
  rdtscp,
  readFields,
  readVersion,
  swingCappedRead,
  syscallRead,
  wholeRead,
} from './steps.ts';
export {
  cpuChanged,
  fieldsNotStable,
  pageNotStable,
  tscBeforeTimestamp,
  versionChanged,
  versionOdd,
  type ReadCondition,
} from './conditions.ts';
export {
  currentVcpuPage,
  getcpuPage,
  pageHalfWritten,
  policyPage,
  vcpu0Page,
  type PageChoice,
} from './pages.ts';
