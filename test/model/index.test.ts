/**
 * model/index.ts is the model's public surface. The arithmetic the issue names is exported from it
 * under the kernel's names and gives the known answers of DESIGN.md section 2 through it; the rest
 * of the surface (transitions, policies, scenarios, buildModel) is enough to build and step a model.
 */
import { scenarioNamed, variantNamed } from '../../check/scenarios.ts';
import { describe, expect, it } from 'vitest';
import * as arith from '../../model/arith/index.ts';
import * as model from '../../model/index.ts';

const ARITH_NAMES = [
  'mulU64U32Shr',
  'pvclockScaleDelta',
  'pvclockReadCycles',
  'kvmGetTimeScale',
  'clocksCalcMultShift',
  'kvmScaleTsc',
  'timekeeperRead',
  'timekeeperApplyAdjustment',
  'lapicDeadlineNs',
] as const;

describe('model/index.ts: the kernel arithmetic', () => {
  it.each(ARITH_NAMES)('exports %s, the arith implementation itself', (name) => {
    expect(typeof model[name]).toBe('function');
    expect(model[name]).toBe(arith[name]);
  });

  it('kvmGetTimeScale gives the known (shift, mul) for 2.5, 1.5 and 1 GHz', () => {
    expect(model.kvmGetTimeScale(1_000_000_000n, 2_500_000_000n)).toEqual({
      shift: -1,
      mul: 3435973836,
    });
    expect(model.kvmGetTimeScale(1_000_000_000n, 1_500_000_000n)).toEqual({
      shift: 0,
      mul: 2863311530,
    });
    expect(model.kvmGetTimeScale(1_000_000_000n, 1_000_000_000n)).toEqual({
      shift: 1,
      mul: 2147483648,
    });
  });

  it('pvclockScaleDelta: one second at 2.5 GHz, one lost cycle, and bits shifted out', () => {
    expect(model.pvclockScaleDelta(2_500_000_000n, 3435973836, -1)).toBe(999_999_999n);
    expect(model.pvclockScaleDelta(1n, 3435973836, -1)).toBe(0n);
    expect(model.pvclockScaleDelta(2n ** 63n, 2 ** 31, 1)).toBe(0n);
  });

  it('mulU64U32Shr keeps the full 96-bit product before the shift', () => {
    expect(model.mulU64U32Shr(2n ** 40n + 12345n, 0x9999999a, 32)).toBe(659_706_984_175n);
  });

  it('pvclockReadCycles: system_time + scale(tsc - tsc_timestamp), wrapping a TSC behind the stamp', () => {
    const page: model.Pvti = {
      version: 2,
      tscTimestamp: 1000n,
      systemTime: 5_000_000_000n,
      tscToSystemMul: 3435973836,
      tscShift: -1,
      flags: model.PVCLOCK_TSC_STABLE_BIT,
    };
    expect(model.pvclockReadCycles(page, 1000n + 2_500_000_000n)).toBe(5_999_999_999n);
    // tsc - tsc_timestamp = -1 wraps to 2^64 - 1: (2^63 - 1) * 0.8 ns, about 7.4e18 ns ahead.
    expect(model.pvclockReadCycles(page, 999n)).toBe(
      5_000_000_000n + ((2n ** 63n - 1n) * 3435973836n) / 2n ** 32n,
    );
  });

  it('clocksCalcMultShift for a 2.5 GHz TSC, and timekeeperRead of one second of it', () => {
    const { mult, shift } = model.clocksCalcMultShift(2_500_000n, 1_000_000n, 600_000n);
    expect({ mult, shift }).toEqual({ mult: 6710886, shift: 24 });
    const raw: model.TkClock = { cycleLast: 0n, mult, shift, xtimeNsec: 0n, base: 0n };
    expect(model.timekeeperRead(raw, 2_500_000_000n)).toBe(999_999_940n);
  });

  it('timekeeperApplyAdjustment: NTP mult + 1 keeps the time at the offset and changes only the slope', () => {
    const tk: model.TkClock = {
      cycleLast: 0n,
      mult: 6710886,
      shift: 24,
      xtimeNsec: 123_456_789n << 24n,
      base: 0n,
    };
    const offset = 1_000_000n;
    const adjusted = model.timekeeperApplyAdjustment(tk, 1, offset);
    expect(adjusted.mult).toBe(6710887);
    expect(model.timekeeperRead(tk, offset)).toBe(123_856_788n);
    expect(model.timekeeperRead(adjusted, offset)).toBe(123_856_788n);
    expect(model.timekeeperRead(tk, offset + 2_500_000_000n)).toBe(1_123_856_729n);
    expect(model.timekeeperRead(adjusted, offset + 2_500_000_000n)).toBe(1_123_856_878n);
  });

  it('kvmScaleTsc: the default ratio is the identity; 1.5 in 32 fractional bits scales by 1.5', () => {
    expect(model.kvmScaleTsc(123_456_789n, 1n << 48n, 48)).toBe(123_456_789n);
    expect(model.kvmScaleTsc(1001n, 3n << 31n, 32)).toBe(1501n);
  });

  it('lapicDeadlineNs floors (deadline - tsc) * 1e6 / tsc_khz', () => {
    expect(model.lapicDeadlineNs(2_500_001_000n, 1000n, 2_500_000n)).toBe(1_000_000_000n);
    // 3 cycles at 2.5 GHz are 1.2 ns: armed for 1 ns.
    expect(model.lapicDeadlineNs(3n, 0n, 2_500_000n)).toBe(1n);
  });
});

describe('model/index.ts: the rest of the surface', () => {
  it('has a transition for every action kind, under its own kind', () => {
    expect(Object.keys(model.TRANSITIONS).sort()).toEqual([...model.ACTION_KINDS].sort());
    for (const kind of model.ACTION_KINDS) expect(model.TRANSITIONS[kind].kind).toBe(kind);
  });

  it('resolves policies by name from the library it exports', () => {
    const p = model.resolvePolicies({ readClamp: 'last-value', pvclockWrite: 'odd-even' });
    expect(p.readClamp).toBe(model.POLICY_LIBRARY.readClamp['last-value']);
    expect(p.pvclockWrite).toBe(model.POLICY_LIBRARY.pvclockWrite['odd-even']);
    expect(p.readPage).toBe(model.POLICY_LIBRARY.readPage[model.DEFAULT_POLICIES.readPage]);
  });

  it('builds and steps a catalogued scenario with buildModel', () => {
    const scenario = scenarioNamed('pvclock-read');
    expect(scenario).toBeDefined();
    const variant = variantNamed(scenario!, 'host-odd-even')!;
    const cfg = scenario!.configure(model.defaultParams(scenario!), variant);
    const m = model.buildModel(cfg, []);
    const [s0] = m.init();
    expect(s0).toEqual(model.initialState(cfg));
    const actions = m.actions(s0!);
    expect(actions).toEqual(model.enabledActions(s0!, cfg));
    expect(actions.map(model.describeAction)).toContain('guestRead task=0 step=version');
    const read = m.next(s0!, { kind: 'guestRead', task: 0, step: 'version' });
    expect(read.tasks[0]!.read).toMatchObject({ active: true, step: 1, version: 2 });
  });
});
