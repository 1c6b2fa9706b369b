/**
 * A worker thread's blocking mail: it sleeps on its mail slot of the shared control block
 * (Atomics.wait) and reads messages with receiveMessageOnPort, so a command or a peer's candidates
 * wake it within microseconds; an event loop would add a fraction of a millisecond per message,
 * which a model with thousands of small levels pays thousands of times. Whoever posts to a worker
 * bumps its slot afterwards (see `post`).
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { CONTROL, mailSlot } from './protocol.ts';

/** CONTROL.stop when a worker hit a bug and will not send what its peers wait for. */
export const BROKEN = 2;

export class Mailbox {
  private readonly slot: number;

  constructor(
    private readonly control: Int32Array,
    workers: number,
    me: number,
  ) {
    this.slot = mailSlot(workers, me);
  }

  /**
   * The next message on `port`, waiting for it; with `unlessBroken`, undefined when the run is
   * broken (another worker failed) and nothing is there.
   */
  receive(port: MessagePort, unlessBroken: boolean): unknown {
    for (;;) {
      const seen = Atomics.load(this.control, this.slot);
      const got = receiveMessageOnPort(port);
      if (got !== undefined) return got.message;
      if (unlessBroken && Atomics.load(this.control, CONTROL.stop) === BROKEN) return undefined;
      Atomics.wait(this.control, this.slot, seen, 100);
    }
  }
}

/** Posts `message` to the worker `to` on `port` and wakes it. */
export function post(
  control: Int32Array,
  workers: number,
  to: number,
  port: MessagePort,
  message: unknown,
  transfer: ArrayBuffer[] = [],
): void {
  port.postMessage(message, transfer);
  const slot = mailSlot(workers, to);
  Atomics.add(control, slot, 1);
  Atomics.notify(control, slot);
}

/** Marks the run broken and wakes every worker, so that none waits for a message never sent. */
export function breakRun(control: Int32Array, workers: number): void {
  Atomics.store(control, CONTROL.stop, BROKEN);
  for (let w = 0; w < workers; w++) {
    Atomics.add(control, mailSlot(workers, w), 1);
    Atomics.notify(control, mailSlot(workers, w));
  }
}
