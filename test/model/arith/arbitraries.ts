/** Shared fast-check arbitraries for the arith tests: u64 values weighted towards the edges. */
import fc from 'fast-check';

export const TWO_64 = 1n << 64n;
export const MAX_U64 = TWO_64 - 1n;
export const MAX_U32 = 0xffff_ffff;

/** Reference wrap, written with % instead of BigInt.asUintN. */
export function mod64(x: bigint): bigint {
  return ((x % TWO_64) + TWO_64) % TWO_64;
}

/** Floor division for any sign (BigInt `/` truncates towards zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** u64 values, with the interesting boundaries over-represented. */
export const u64Arb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX_U64 }),
  fc.constantFrom(0n, 1n, 2n, (1n << 32n) - 1n, 1n << 32n, (1n << 63n) - 1n, 1n << 63n, MAX_U64),
  fc.bigInt({ min: MAX_U64 - (1n << 20n), max: MAX_U64 }),
  fc.bigInt({ min: 0n, max: 1n << 40n }),
);

/** Any delta a caller might hand over, including negative ones that must wrap. */
export const deltaArb: fc.Arbitrary<bigint> = fc.oneof(
  u64Arb,
  fc.bigInt({ min: -(1n << 40n), max: -1n }),
  fc.bigInt({ min: -TWO_64, max: -1n }),
);

/** u32 multipliers with 0, 1, 2^31 and 0xffffffff over-represented. */
export const mulArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: MAX_U32 }),
  fc.constantFrom(0, 1, 0x8000_0000, MAX_U32),
);
