import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../check/scenarioFile.ts';
import { resolveTarget } from '../../check/resolve.ts';
import { runCheck } from '../../check/runCheck.ts';
import { encodingOf } from '../model/reachable.ts';
import { cliAsync } from '../helpers.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures/threeVcpus.ts');
const tmp = () => mkdtempSync(join(tmpdir(), 'clockcheck-scenario-'));

/** A scenario file in a fresh directory, as a user's might be: `body` is its defineScenario({...}). */
function scenarioFile(body: string): string {
  const file = join(tmp(), 'mine.ts');
  writeFileSync(
    file,
    `import { defineScenario } from 'clockcheck';\nexport default defineScenario(${body});\n`,
  );
  return file;
}

/** The smallest scenario: one pCPU, one vCPU, one task reading twice; `extra` adds or overrides. */
const SMALL = (extra = '') => `{
  name: 'small',
  title: 'one task reading kvmclock',
  description: 'one pCPU, one vCPU, one task',
  params: { reads: { meaning: 'reads', default: 2, min: 0, max: 3 } },
  causeOff: { param: 'reads', value: 0 },
  invariants: ['guest-monotonic'],
  baseline: 'plain',
  variants: [{ name: 'plain', description: 'plain', expected: { 'guest-monotonic': 'violated' } }],
  configure: (p) => ({
    pcpus: [{ tscHz: 1000000000n, tscOffset: 0n }],
    vcpus: [{ pcpu: 0 }],
    tasks: [{ vcpu: 0 }],
    tscKhz: 1000000n,
    horizonNs: 1000,
    gapsNs: [1000],
    transitions: ['timeAdvance', 'guestRead'],
    limits: { readsPerTask: p.reads },
  }),
  ${extra}
}`;

describe('a scenario of the user’s own (defineScenario in their file)', () => {
  it('loads like a built-in one: parameters, cause-off parameter, invariants of its own, state of its own', async () => {
    const [s] = await loadScenarioFile(FIXTURE);
    expect(s!.name).toBe('three-vcpus');
    expect(s!.params.map((p) => [p.name, p.type, p.default])).toEqual([
      ['skewPpm', 'integer', 100],
      ['reads', 'integer', 2],
      ['migrations', 'integer', 1],
      ['horizonNs', 'integer', 1_000_000],
      ['boundNs', 'integer', 150],
    ]);
    expect(s!.causeOff).toEqual({ param: 'skewPpm', value: 0 });
    expect(s!.invariants.map((i) => i.name)).toEqual([
      'guest-monotonic',
      'read-near-every-kvmclock',
    ]);
    expect(s!.origin).toBe(FIXTURE);
    expect(s!.savedCounterexamples).toBe(
      join(import.meta.dirname, 'fixtures/counterexamples/three-vcpus'),
    );
  });

  it('its own invariant fails with its message, and its own state is encoded and written to the trace', async () => {
    const [s] = await loadScenarioFile(FIXTURE);
    const run = runCheck(resolveTarget({ scenario: s!, variant: 'no-clamp' }));
    expect(run.result.complete).toBe(true);
    const v = run.result.violations.find((x) => x.invariant === 'read-near-every-kvmclock')!;
    expect(v.depth).toBe(2);
    expect(v.message).toBe(
      "task 0 read 1001000199 at t=1000000ns while vCPU0's kvmclock was 1000999999: 200 ns apart, more than 150",
    );
    // The monitor wrote every vCPU's kvmclock at the read into the scenario's own field.
    expect(v.trace.states.at(-1)!.ext).toEqual({
      clocksAtRead: [1_000_999_999n, 1_001_000_099n, 1_001_000_199n],
    });
    // Two states that differ only there are two states to the explorer.
    const model = run.target.model;
    const last = v.trace.states.at(-1)!;
    const other = { ...last, ext: { clocksAtRead: [0n, 0n, 0n] } };
    expect(encodingOf(model, other)).not.toBe(encodingOf(model, last));
    // The cause switched off, the baseline holds (the negative control).
    const off = runCheck(
      resolveTarget({ scenario: s!, variant: 'no-clamp', params: { skewPpm: 0 } }),
    );
    expect(off.result.violations).toEqual([]);
  });

  it('check, replay, minimize and show take --scenario-file; replay compares its own state too', async () => {
    const dir = tmp();
    const checked = await cliAsync(
      'check',
      '--scenario-file',
      FIXTURE,
      '--variant',
      'no-clamp',
      '--out-dir',
      dir,
    );
    expect(checked.code).toBe(1);
    const file = join(dir, 'three-vcpus/no-clamp.read-near-every-kvmclock.itf.json');
    expect(checked.out).toContain(
      `replay it: npx clockcheck replay ${file} --scenario-file ${FIXTURE}`,
    );

    // The trace file carries the invariant's own message, and the scenario's own field per state.
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      '#meta': { invariant: string; message: string };
      vars: string[];
      states: { ext: { clocksAtRead: { '#bigint': string }[] } }[];
    };
    expect(doc['#meta']).toMatchObject({
      invariant: 'read-near-every-kvmclock',
      message:
        "task 0 read 1001000199 at t=1000000ns while vCPU0's kvmclock was 1000999999: 200 ns apart, more than 150",
    });
    expect(doc.vars).toContain('ext');
    expect(doc.states.at(-1)!.ext.clocksAtRead.map((c) => c['#bigint'])).toEqual([
      '1000999999',
      '1001000099',
      '1001000199',
    ]);

    const replayed = await cliAsync('replay', file, '--scenario-file', FIXTURE);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toContain('reproduced: read-near-every-kvmclock violated at step 2');
    const without = await cliAsync('replay', file);
    expect([without.code, without.err]).toEqual([
      2,
      "clockcheck: unknown scenario 'three-vcpus' (scenarios: tsc-deadline-ntp, masterclock-update, pvclock-read, unsynced-tsc, arm64-counter-offset; for a scenario of your own, give its file with --scenario-file)\n",
    ]);

    // A trace whose own field was recorded otherwise diverges there.
    const tampered = join(dir, 'tampered.itf.json');
    writeFileSync(tampered, readFileSync(file, 'utf8').replace('"1000999999"', '"1000999998"'));
    const diverged = await cliAsync('replay', tampered, '--scenario-file', FIXTURE);
    expect(diverged.code).toBe(1);
    expect(diverged.out).toContain(
      'diverged at step 2: ext.clocksAtRead[0] is 1000999999, the trace recorded 1000999998',
    );

    const min = await cliAsync('minimize', file, '--scenario-file', FIXTURE);
    expect(min.code).toBe(0);
    expect(min.out).toContain('parameters: skewPpm 100 → 76');
    expect(min.out).toContain(`--scenario-file ${FIXTURE}`);

    const shown = await cliAsync('show', file, '--scenario-file', FIXTURE);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('clocksAtRead[2] 0 →');
  });

  it('verify-fix takes one of the scenario’s own variants as the fix', async () => {
    const r = await cliAsync(
      'verify-fix',
      '--scenario-file',
      FIXTURE,
      '--variant',
      'global-clamp',
      '--quiet',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('Verdict: the fix holds within these bounds.');
    expect(r.out).toContain(
      '- without the fix (no-clamp): guest-monotonic is violated; shortest counterexample: 4 steps',
    );
  });

  it('a write outside the declared state is an error naming the field', async () => {
    const extra = await loadScenarioFile(
      scenarioFile(SMALL(`observe: (d) => { d.ext.seen = 1; },`)),
    );
    const a = runCheck(resolveTarget({ scenario: extra[0]!, variant: 'plain' }));
    expect(a.result.status).toBe('error');
    expect(a.result.error!.message).toMatch(
      /mine\.ts: state\.ext\.seen is not a declared field \(declared: none\) \(after timeAdvance to=1000\)$/,
    );
    const nested = await loadScenarioFile(
      scenarioFile(SMALL(`observe: (d) => { d.vcpus[0].sleepy = true; },`)),
    );
    const b = runCheck(resolveTarget({ scenario: nested[0]!, variant: 'plain' }));
    expect(b.result.error!.message).toMatch(
      /state\.vcpus\[0\]\.sleepy is not a field of the state/,
    );
    const typed = await loadScenarioFile(
      scenarioFile(
        SMALL(`state: { n: { type: 'int', initial: 0, min: 0, max: 1 } },
  observe: (d) => { d.ext.n += 1; },`),
      ),
    );
    const c = runCheck(resolveTarget({ scenario: typed[0]!, variant: 'plain' }));
    expect(c.result.error!.message).toMatch(/state\.ext\.n: 2 is outside its range 0 to 1/);
  });

  it('bad definitions: one line naming the file, the field and what is allowed', async () => {
    const cases: [string, RegExp][] = [
      [
        SMALL(`causeOff: { param: 'nope', value: 0 },`),
        /causeOff must be \{ param, value \} naming one of its parameters \(reads\)/,
      ],
      [SMALL(`invariants: ['guest-monotonous'],`), /no built-in invariant 'guest-monotonous'/],
      [SMALL(`baseline: 'other',`), /baseline "other" is not one of its variants \(plain\)/],
      [
        SMALL(
          `variants: [{ name: 'plain', description: 'p', expected: { 'no-lost-timer': 'holds' } }],`,
        ),
        /expected: small does not check 'no-lost-timer' \(it checks: guest-monotonic\)/,
      ],
      [
        SMALL(
          `variants: [{ name: 'plain', description: 'p', sometimes: ['never'], expected: { 'guest-monotonic': 'violated' } }],`,
        ),
        /sometimes: small has no property "never"/,
      ],
      [
        SMALL(`state: { x: { type: 'float', initial: 0 } },`),
        /state\.x\.type must be 'bool', 'int', 'u64' or 's64'/,
      ],
    ];
    for (const [body, message] of cases) {
      const file = scenarioFile(body);
      await expect(loadScenarioFile(file), body).rejects.toThrow(message);
    }
    // What configure returns is checked when a run is configured.
    const [bad] = await loadScenarioFile(
      scenarioFile(
        SMALL(
          `configure: () => ({ pcpus: [], vcpus: [], tasks: [], horizonNs: 1, transitions: [] }),`,
        ),
      ),
    );
    expect(() => resolveTarget({ scenario: bad!, variant: 'plain' })).toThrow(
      /configure: pcpus must list at least one pCPU/,
    );
    const r = await cliAsync(
      'check',
      '--scenario-file',
      scenarioFile(SMALL(`name: 'unsynced-tsc',`)),
    );
    expect([r.code, r.err]).toEqual([
      2,
      expect.stringMatching(
        /scenario 'unsynced-tsc' has the name of a built-in scenario: choose another\n$/,
      ),
    ]);
  });

  it('three interchangeable vCPUs and tasks: symmetry reduction applies to a user’s scenario too', async () => {
    const [s] = await loadScenarioFile(
      scenarioFile(`{
  name: 'three-alike',
  title: 'three alike vCPUs',
  description: 'three vCPUs on three pCPUs of one rate, a task on each, reading and migrating',
  params: { reads: { meaning: 'reads', default: 1, min: 0, max: 3 } },
  causeOff: { param: 'reads', value: 0 },
  invariants: ['guest-monotonic'],
  baseline: 'plain',
  variants: [{ name: 'plain', description: 'plain', expected: { 'guest-monotonic': 'violated' } }],
  configure: (p) => {
    const pcpu = { tscHz: 1000000000n, tscOffset: 0n };
    return {
      pcpus: [pcpu, pcpu, pcpu],
      vcpus: [{ pcpu: 0 }, { pcpu: 1 }, { pcpu: 2 }],
      tasks: [{ vcpu: 0 }, { vcpu: 1 }, { vcpu: 2 }],
      tscKhz: 1000000n,
      horizonNs: 1000,
      gapsNs: [1000],
      transitions: ['timeAdvance', 'guestRead', 'taskMigrate'],
      limits: { readsPerTask: p.reads, taskMigrations: 1 },
    };
  },
}`),
    );
    const reduced = runCheck(resolveTarget({ scenario: s!, variant: 'plain' })).result;
    const full = runCheck(resolveTarget({ scenario: s!, variant: 'plain' }), {
      symmetry: false,
    }).result;
    expect(reduced.stats.symmetry).toBe(true);
    expect([reduced.complete, full.complete]).toEqual([true, true]);
    // 3! = 6 renamings (all three vCPUs, with their tasks, are alike): about a sixth of the
    // states stored (those a renaming maps to themselves count once), the same verdicts.
    expect([reduced.stats.distinctStates, full.stats.distinctStates]).toEqual([1011, 6009]);
    expect(reduced.violations.map((v) => [v.invariant, v.depth])).toEqual(
      full.violations.map((v) => [v.invariant, v.depth]),
    );
  });

  it('check --all takes the scenario file’s scenarios beside the catalogue', async () => {
    const r = await cliAsync('check', '--all', '--scenario-file', FIXTURE);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^three-vcpus +no-clamp +guest-monotonic +✗ +✗ 4 /m);
    expect(r.out).toContain('30 variants');
  });
});
