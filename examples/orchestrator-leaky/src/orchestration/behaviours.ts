// What each actor does with a message. Runs inside the actor's worker thread.
import type { ActorMessage, ActorReply, ActorRole, WorkItem } from './messages.js';

export type Behaviour = (message: ActorMessage) => ActorReply | undefined;

export function behaviourFor(role: ActorRole): Behaviour {
  switch (role) {
    case 'orchestrator':
      return orchestrator();
    case 'executor':
      return (message) =>
        message.type === 'execute'
          ? { type: 'work-executed', work: message.work, output: `indexed memory ${message.work.memoryId}` }
          : undefined;
    case 'reviewer':
      return (message) =>
        message.type === 'review' ? { type: 'work-reviewed', work: message.work, approved: message.output.length > 0 } : undefined;
    case 'optimizer':
      return (message) => (message.type === 'optimize' ? { type: 'context-optimized', work: message.work } : undefined);
  }
}

/** Queues submitted work and hands it out when asked for ready work. */
function orchestrator(): Behaviour {
  const pending: WorkItem[] = [];
  return (message) => {
    if (message.type === 'submit-work') pending.push(message.work);
    else if (message.type === 'get-ready-work' && pending.length > 0) return { type: 'ready-work', work: pending.splice(0) };
    return undefined;
  };
}
