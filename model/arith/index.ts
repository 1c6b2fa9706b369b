/** Kernel fixed-point clock arithmetic (BigInt, with the kernel's u64 wrap). */
export * from './u64.ts';
export * from './pvclock.ts';
export * from './kvmTimeScale.ts';
export * from './timekeeper.ts';
export * from './lapic.ts';
export * from './tscScaling.ts';
