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
    new Orchestrator(actors.orchestrator, this.events).start();
  }

  /** Queues indexing of a stored memory; the orchestrator hands it out on its next check. */
  submitIndexing(memoryId: string): void {
    this.launched().orchestrator.cast({
      type: 'submit-work',
      work: { id: randomUUID(), kind: 'index-memory', memoryId, submittedAt: new Date().toISOString() },
    });
  }

  private route(from: ActorRole, reply: ActorReply): void {
    const actors = this.launched();
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
    if (!this.actors) throw new Error('the orchestration engine has not been launched');
    return this.actors;
  }
}
