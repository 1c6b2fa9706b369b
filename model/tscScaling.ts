/**
 * Each vCPU's TSC scaling as KVM sets it up from the configuration (kvm_set_tsc_khz /
 * set_tsc_khz in arch/x86/kvm/x86.c, see model/arith/tscScaling.ts), worked out once per
 * configuration, and the conversions that use it:
 *
 * - the guest TSC is kvm_read_l1_tsc: l1_tsc_offset + kvm_scale_tsc(host_tsc, ratio), and
 *   kvm_scale_tsc skips the multiply when the ratio is the default (so does the model: an
 *   unscaled vCPU's TSC is computed exactly as before scaling existed, at the same cost);
 * - the LAPIC's TSC-deadline conversion (start_sw_tscdeadline) divides by virtual_tsc_khz, the
 *   rate the vCPU was given (the host's when none was);
 * - nsec_to_cycles (kvm_synchronize_tsc, compute_guest_tsc) scales by kvm_get_time_scale(
 *   virtual_tsc_khz * 1000, NSEC_PER_SEC);
 * - the pvclock page's mul/shift come from the scaled host rate (cfg.pvclockRate).
 */
import {
  defaultTscScalingRatio,
  kvmGetTimeScale,
  kvmScaleTsc,
  kvmTscScalingRatio,
  pvclockScaleDelta,
  u64,
  type TimeScale,
  type TscFracBits,
} from './arith/index.ts';
import type { ClockConfig } from './config.ts';

const NS_PER_SEC = 1_000_000_000n;

export const DEFAULT_TSC_FRAC_BITS: TscFracBits = 48;
export const DEFAULT_TSC_TOLERANCE_PPM = 250;

/** One vCPU's TSC setup. */
export interface VcpuTsc {
  /** l1_tsc_scaling_ratio; undefined when it is the default (no scaling). */
  readonly ratio: bigint | undefined;
  readonly fracBits: TscFracBits;
  /** virtual_tsc_khz. */
  readonly virtualKhz: bigint;
  /** The pvclock page's (shift, mul). */
  readonly pvclockScale: TimeScale;
  /** nsec_to_cycles' (shift, mul): ns to guest cycles at virtual_tsc_khz. */
  readonly nsToCycles: TimeScale;
}

const setups = new WeakMap<ClockConfig, readonly VcpuTsc[]>();
let lastConfig: ClockConfig | undefined;
let lastSetup: readonly VcpuTsc[] = [];

/** Every vCPU's TSC setup for `cfg`. Throws when KVM would refuse a configured rate. */
export function vcpuTscSetups(cfg: ClockConfig): readonly VcpuTsc[] {
  if (cfg === lastConfig) return lastSetup;
  let setup = setups.get(cfg);
  if (setup === undefined) {
    setup = cfg.vcpus.map((v, i) => setupOf(cfg, v.tscKhz, i));
    setups.set(cfg, setup);
  }
  lastConfig = cfg;
  lastSetup = setup;
  return setup;
}

export function vcpuTsc(cfg: ClockConfig, vcpu: number): VcpuTsc {
  const t = vcpuTscSetups(cfg)[vcpu];
  if (t === undefined) throw new RangeError(`no vCPU ${vcpu}`);
  return t;
}

function setupOf(cfg: ClockConfig, userKhz: bigint | undefined, vcpu: number): VcpuTsc {
  const fracBits = cfg.tscFracBits ?? DEFAULT_TSC_FRAC_BITS;
  const tolerancePpm = cfg.tscTolerancePpm ?? DEFAULT_TSC_TOLERANCE_PPM;
  const virtualKhz = userKhz ?? cfg.tscKhz;
  let ratio: bigint | undefined;
  try {
    const r = kvmTscScalingRatio(virtualKhz, cfg.tscKhz, { fracBits, tolerancePpm });
    ratio = r === defaultTscScalingRatio(fracBits) ? undefined : r;
  } catch (e) {
    throw new RangeError(`vCPU ${vcpu}: ${(e as Error).message}`);
  }
  return {
    ratio,
    fracBits,
    virtualKhz,
    pvclockScale: pvclockScaleOf(cfg, ratio, fracBits, virtualKhz),
    nsToCycles: kvmGetTimeScale(virtualKhz * 1000n, NS_PER_SEC),
  };
}

/** kvm_guest_time_update's mul/shift for a vCPU (see PvclockRate in config.ts). */
function pvclockScaleOf(
  cfg: ClockConfig,
  ratio: bigint | undefined,
  fracBits: TscFracBits,
  virtualKhz: bigint,
): TimeScale {
  const rate = cfg.pvclockRate ?? 'scaled-khz';
  if (rate === 'virtual-khz') return kvmGetTimeScale(NS_PER_SEC / 1000n, virtualKhz);
  if (ratio === undefined) return kvmGetTimeScale(NS_PER_SEC, cfg.tscKhz * 1000n);
  if (rate === 'scaled-hz') {
    const hz = kvmScaleTsc(cfg.tscKhz * 1000n, ratio, fracBits);
    return kvmGetTimeScale(NS_PER_SEC, hz === 0n ? 1n : hz);
  }
  // tgt_tsc_khz = kvm_scale_tsc(tgt_tsc_khz, ratio) ?: 1, then times 1000.
  const khz = kvmScaleTsc(cfg.tscKhz, ratio, fracBits);
  return kvmGetTimeScale(NS_PER_SEC, (khz === 0n ? 1n : khz) * 1000n);
}

/** kvm_scale_tsc(hostTsc, l1_tsc_scaling_ratio) for `vcpu`: the identity without scaling. */
export function scaleHostTsc(cfg: ClockConfig, vcpu: number, hostTsc: bigint): bigint {
  if (cfg.vcpus[vcpu]!.tscKhz === undefined) return hostTsc;
  const t = vcpuTsc(cfg, vcpu);
  return t.ratio === undefined ? hostTsc : kvmScaleTsc(hostTsc, t.ratio, t.fracBits);
}

/**
 * The smallest host TSC value at which kvm_scale_tsc reaches `scaled` (for the first instant a
 * guest TSC reaches a deadline): ceil(scaled * 2^frac / ratio) with scaling, `scaled` without.
 */
export function hostTscReaching(cfg: ClockConfig, vcpu: number, scaled: bigint): bigint {
  if (cfg.vcpus[vcpu]!.tscKhz === undefined) return scaled;
  const t = vcpuTsc(cfg, vcpu);
  if (t.ratio === undefined || scaled <= 0n) return scaled;
  const shifted = scaled << BigInt(t.fracBits);
  return (shifted + t.ratio - 1n) / t.ratio;
}

/** virtual_tsc_khz of `vcpu`. */
export function virtualTscKhz(cfg: ClockConfig, vcpu: number): bigint {
  return cfg.vcpus[vcpu]!.tscKhz ?? cfg.tscKhz;
}

/** nsec_to_cycles(vcpu, ns): pvclock_scale_delta by the vCPU's ns-to-cycles scale (u64). */
export function nsecToCycles(cfg: ClockConfig, vcpu: number, ns: bigint): bigint {
  const { mul, shift } = vcpuTsc(cfg, vcpu).nsToCycles;
  return pvclockScaleDelta(u64(ns), mul, shift);
}

/** Whether any vCPU of `cfg` has its own TSC rate (then vCPUs may not be interchangeable). */
export function hasTscRates(cfg: ClockConfig): boolean {
  return cfg.vcpus.some((v) => v.tscKhz !== undefined);
}
