// A handle on an actor running in its own worker thread.
import { Worker } from 'node:worker_threads';
import type { ActorMessage, ActorReply, ActorRole } from './messages.js';

const ACTOR_ENTRY = new URL('./actor-worker.js', import.meta.url);

export class ActorRef {
  private readonly worker: Worker;
  private readonly exited: Promise<number>;

  constructor(readonly role: ActorRole) {
    this.worker = new Worker(ACTOR_ENTRY, { workerData: { role }, name: role });
    this.worker.on('error', (err) => console.error(`actor ${role} failed:`, err));
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
  }

  /** Sends a message without waiting for an answer. */
  cast(message: ActorMessage): void {
    this.worker.postMessage(message);
  }

  onReply(handler: (reply: ActorReply) => void): void {
    this.worker.on('message', handler);
  }

  /** Lets the actor drain its mailbox and exit; terminates it if it has not exited within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.worker.postMessage({ type: 'stop' } satisfies ActorMessage);
    const deadline = setTimeout(() => {
      console.error(`actor ${this.role} did not stop within ${timeoutMs} ms: terminating it`);
      void this.worker.terminate();
    }, timeoutMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(deadline);
    }
  }
}
