// A handle on an actor running in its own worker thread.
import { Worker } from 'node:worker_threads';
import type { ActorMessage, ActorReply, ActorRole } from './messages.js';

const ACTOR_ENTRY = new URL('./actor-worker.js', import.meta.url);

export class ActorRef {
  private readonly worker: Worker;

  constructor(readonly role: ActorRole) {
    this.worker = new Worker(ACTOR_ENTRY, { workerData: { role }, name: role });
    this.worker.on('error', (err) => console.error(`actor ${role} failed:`, err));
  }

  /** Sends a message without waiting for an answer. */
  cast(message: ActorMessage): void {
    this.worker.postMessage(message);
  }

  onReply(handler: (reply: ActorReply) => void): void {
    this.worker.on('message', handler);
  }
}
