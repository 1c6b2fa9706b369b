/** Which page a reader reads, and whether a page is half-written. */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../../../model/policies/index.ts';
import {
  copyScaleAndFlags,
  copySystemTime,
  copyTscTimestamp,
  definePvclockWrite,
  versionPlus2,
} from '../../../model/policies/pvclockWriteProtocol.ts';
import {
  currentVcpuPage,
  getcpuPage,
  pageHalfWritten,
  policyPage,
  vcpu0Page,
  type ReadContext,
} from '../../../model/readers/index.ts';
import { config, state } from '../fixtures.ts';

const cfg = config({ vcpus: [{ pcpu: 0 }, { pcpu: 0 }, { pcpu: 0 }], tasks: [{ vcpu: 2 }] });
const s = state(cfg);
const ctx = (cpu: number, c = cfg): ReadContext => ({
  s,
  cfg: c,
  task: 0,
  vcpu: 2,
  read: { ...s.tasks[0]!.read, cpu },
});

describe('page choices', () => {
  it('getcpu’s vCPU, vCPU0, the task’s vCPU now, or the readPage policy’s', () => {
    expect(getcpuPage(ctx(1))).toBe(1);
    expect(vcpu0Page(ctx(1))).toBe(0);
    expect(currentVcpuPage(ctx(1))).toBe(2);
    expect(policyPage(ctx(1))).toBe(2);
    expect(policyPage(ctx(1, { ...cfg, policies: resolvePolicies({ readPage: 'vcpu0' }) }))).toBe(
      0,
    );
  });

  it('getcpu’s page before any getcpu is a mistake in the reader, and says so', () => {
    expect(() => getcpuPage(ctx(-1))).toThrow(
      "guestRead: the reader takes getcpu's page before any getcpu or rdtscp (task 0)",
    );
  });
});

describe('pageHalfWritten', () => {
  // A bulk copy in struct order (steps whose half-writtenness is fixed).
  const inOrder = definePvclockWrite({
    steps: [versionPlus2, copyTscTimestamp, copySystemTime, copyScaleAndFlags],
  });
  const bulk = { ...cfg, policies: resolvePolicies({ pvclockWrite: inOrder }) };
  const writing = (step: number) =>
    produce(s, (d) => {
      d.vcpus[1]!.pvtiWrite.active = true;
      d.vcpus[1]!.pvtiWrite.step = step;
    });

  it('after a step of the write protocol that leaves some fields new and some old', () => {
    // version, tsc_timestamp, system_time, then mul/shift/flags.
    expect([1, 2, 3].map((step) => pageHalfWritten(writing(step), bulk, 1))).toEqual([
      false,
      true,
      true,
    ]);
    expect(pageHalfWritten(writing(2), bulk, 0)).toBe(false);
    expect(pageHalfWritten(s, bulk, 1)).toBe(false);
  });
});
