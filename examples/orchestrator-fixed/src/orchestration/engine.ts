// The four agents and the routing between them: orchestrator -> executor ->
// reviewer -> optimizer, with every step published on the event bus.
import { randomUUID } from 'node:crypto';
import type { EventBroadcaster } from '../api/events.js';
import { ActorRef } from './actor-ref.js';
import type { ActorReply, ActorRole } from './messages.js';
import { Orchestrator } from './orchestrator.js';

type Actors = Record<ActorRole, ActorRef>;

export class OrchestrationEngine {
  private actors: Actors | undefined;
  private orchestrator: Orchestrator | undefined;

  constructor(private readonly events: EventBroadcaster) {}

  launch(): void {
    const actors: Actors = {
      orchestrator: new ActorRef('orchestrator'),
      optimizer: new ActorRef('optimizer'),
      reviewer: new ActorRef('reviewer'),
      executor: new ActorRef('executor'),
    };
    for (const actor of Object.values(actors)) actor.onReply((reply) => this.route(actor.role, reply));
    this.actors = actors;
    this.orchestrator = new Orchestrator(actors.orchestrator, this.events);
    this.orchestrator.start();
  }

  /** Stops the orchestrator's timers first (no new work), then every actor, each within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.orchestrator?.stop();
    this.orchestrator = undefined;
    const actors = this.actors;
    this.actors = undefined;
    if (actors) await Promise.all(Object.values(actors).map((actor) => actor.stop(timeoutMs)));
  }

  /** Queues indexing of a stored memory; the orchestrator hands it out on its next check. */
  submitIndexing(memoryId: string): void {
    this.launched().orchestrator.cast({
      type: 'submit-work',
      work: { id: randomUUID(), kind: 'index-memory', memoryId, submittedAt: new Date().toISOString() },
    });
  }

  private route(from: ActorRole, reply: ActorReply): void {
    // Replies still in flight while the engine stops are dropped.
    const actors = this.actors;
    if (!actors) return;
    this.events.broadcast({ type: 'agent-event', source: from, data: { ...reply } });
    switch (reply.type) {
      case 'ready-work':
        for (const work of reply.work) actors.executor.cast({ type: 'execute', work });
        break;
      case 'work-executed':
        actors.reviewer.cast({ type: 'review', work: reply.work, output: reply.output });
        break;
      case 'work-reviewed':
        if (reply.approved) actors.optimizer.cast({ type: 'optimize', work: reply.work });
        break;
      case 'context-optimized':
        break;
    }
  }

  private launched(): Actors {
    if (!this.actors) throw new Error('the orchestration engine is not running');
    return this.actors;
  }
}
