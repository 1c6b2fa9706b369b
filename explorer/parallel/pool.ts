/**
 * The worker threads of a parallel exploration, driven synchronously: `send` posts each worker a
 * command (and wakes it: workers sleep on their mail slot, not on an event loop, which answers in
 * microseconds rather than a fraction of a millisecond), and `collect` sleeps on the shared control
 * block (Atomics.wait) until every worker has reported, waking every tick to let the coordinator
 * look at its limits and report progress. Each pair of workers gets a channel of its own.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ModelDescriptor } from './descriptor.ts';
import {
  CONTROL,
  controlSlots,
  heartbeatSlot,
  mailSlot,
  type Command,
  type Report,
} from './protocol.ts';

type Of<T extends Report['type']> = Extract<Report, { type: T }>;

/** node:worker_threads, loaded by the first pool: a run on one thread never loads it. */
const threads = () => process.getBuiltinModule('node:worker_threads');

/**
 * What a worker thread runs. A worker starts with plain Node whatever its parent runs under, so from
 * the TypeScript sources it goes through workerEntry.mjs, which registers tsx first; compiled
 * (dist/), it runs worker.js itself.
 */
const WORKER_ENTRY = new URL(import.meta.url).pathname.endsWith('.ts')
  ? new URL('./workerEntry.mjs', import.meta.url)
  : new URL('./worker.js', import.meta.url);

/** How long the coordinator sleeps between looks at the clock, the memory and the progress. */
export const TICK_MS = 200;
export const SILENCE_MS = 60_000;
const STEP: Record<Report['type'], string> = {
  ready: 'start-up',
  inserted: 'start-up',
  kept: 'check',
  level: 'expand',
  failed: 'failure',
};

export class Pool {
  private readonly control: Int32Array;
  private readonly threads: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private done = 0;

  constructor(
    readonly count: number,
    descriptor: ModelDescriptor,
    symmetry: boolean,
    private readonly tick: () => void,
    private readonly silenceMs: number,
  ) {
    const buffer = new SharedArrayBuffer(4 * controlSlots(count));
    this.control = new Int32Array(buffer);
    const peers: (MessagePort | null)[][] = Array.from({ length: count }, () =>
      new Array<MessagePort | null>(count).fill(null),
    );
    for (let a = 0; a < count; a++) {
      for (let b = a + 1; b < count; b++) {
        const { port1, port2 } = new (threads().MessageChannel)();
        peers[a]![b] = port1;
        peers[b]![a] = port2;
      }
    }
    for (let index = 0; index < count; index++) {
      const { port1, port2 } = new (threads().MessageChannel)();
      const setup = { index, workers: count, descriptor, symmetry, control: buffer };
      const mine = peers[index]!;
      const thread = new (threads().Worker)(WORKER_ENTRY, {
        workerData: { setup, port: port2, peers: mine },
        transferList: [port2, ...mine.filter((p): p is MessagePort => p !== null)],
        execArgv: [],
      });
      thread.unref();
      this.threads.push(thread);
      this.ports.push(port1);
    }
  }

  /** Posts one command to each worker. */
  send(commands: readonly Command[], transfer: (w: number) => ArrayBuffer[] = () => []): void {
    commands.forEach((c, w) => {
      this.ports[w]!.postMessage(c, transfer(w));
      Atomics.add(this.control, mailSlot(this.count, w), 1);
      Atomics.notify(this.control, mailSlot(this.count, w));
    });
  }

  /** Sends one command to each worker and returns their reports, in worker order. */
  round<T extends Report['type']>(
    type: T,
    commands: readonly Command[],
    transfer?: (w: number) => ArrayBuffer[],
  ): Of<T>[] {
    this.send(commands, transfer);
    return this.collect(type);
  }

  /** Waits for the next report of every worker (of type `type`), in worker order. */
  collect<T extends Report['type']>(type: T): Of<T>[] {
    this.await(1, type);
    return this.read(type);
  }

  /**
   * Waits until every worker has posted `reports` more reports (read them with `read`); `step`
   * names what they are doing, should one stop responding.
   */
  await(reports: number, step: Report['type']): void {
    this.done += reports * this.count;
    const beats = this.threads.map((_, w) =>
      Atomics.load(this.control, heartbeatSlot(this.count, w)),
    );
    let silentTicks = 0;
    for (;;) {
      const now = Atomics.load(this.control, CONTROL.done);
      if (now >= this.done) break;
      const waited = Atomics.wait(this.control, CONTROL.done, now, TICK_MS);
      this.tick();
      const latest = this.threads.map((_, w) =>
        Atomics.load(this.control, heartbeatSlot(this.count, w)),
      );
      if (waited !== 'timed-out' || latest.some((b, w) => b !== beats[w])) {
        latest.forEach((b, w) => (beats[w] = b));
        silentTicks = 0;
      } else if (++silentTicks * TICK_MS > this.silenceMs) {
        throw new Error(
          `a worker thread stopped responding during the ${STEP[step]} step (out of memory?)`,
        );
      }
    }
  }

  /** The next report of every worker, which must be of type `type` (see `await`). */
  read<T extends Report['type']>(type: T): Of<T>[] {
    return this.ports.map((port, w) => {
      let received = threads().receiveMessageOnPort(port);
      // The report is posted before the counter moves; wait for it should it lag behind.
      while (received === undefined) {
        Atomics.wait(this.control, CONTROL.done, Atomics.load(this.control, CONTROL.done), 1);
        received = threads().receiveMessageOnPort(port);
      }
      const report = received.message as Report;
      if (report.type === 'failed') throw new Error(`worker ${w}: ${report.message}`);
      if (report.type !== type)
        throw new Error(`worker ${w}: expected ${type}, got ${report.type}`);
      return report as Of<T>;
    });
  }

  stop(): void {
    Atomics.store(this.control, CONTROL.stop, 1);
  }

  resetExpanded(): void {
    for (let w = 0; w < this.count; w++) Atomics.store(this.control, CONTROL.expanded + w, 0);
  }

  expanded(): number {
    let n = 0;
    for (let w = 0; w < this.count; w++) n += Atomics.load(this.control, CONTROL.expanded + w);
    return n;
  }

  close(): void {
    this.send(this.ports.map(() => ({ type: 'stop' }) satisfies Command));
    for (const port of this.ports) port.close();
    for (const thread of this.threads) void thread.terminate();
  }
}
