// The event bus: every part of the service publishes here, the SSE endpoint
// and the dashboard listen.
import { EventEmitter } from 'node:events';

export type EventType = 'heartbeat' | 'memory-stored' | 'agent-event';

export interface BusEvent {
  /** Sequence number, increasing; SSE clients resume from it (Last-Event-ID). */
  seq: number;
  type: EventType;
  /** Who published it: an API instance id or an agent name. */
  source: string;
  at: string;
  data: Record<string, unknown>;
}

export type NewEvent = Omit<BusEvent, 'seq' | 'at'>;

/** One listener per open SSE stream, plus a few for the service itself. */
const MAX_SUBSCRIBERS = 100;

/**
 * A broadcast channel in the manner of tokio's `broadcast`: each subscriber sees
 * every event published while it is subscribed, and a ring of the last
 * `capacity` events lets a reconnecting client catch up. Whatever falls off the
 * ring is gone, so memory stays bounded however slow a client is.
 */
export class EventBroadcaster extends EventEmitter<{ event: [BusEvent] }> {
  private readonly ring: (BusEvent | undefined)[];
  private nextSeq = 1;

  constructor(readonly capacity: number) {
    super();
    this.ring = new Array<BusEvent | undefined>(capacity);
    this.setMaxListeners(MAX_SUBSCRIBERS);
  }

  broadcast(event: NewEvent): BusEvent {
    const published: BusEvent = { ...event, seq: this.nextSeq++, at: new Date().toISOString() };
    this.ring[published.seq % this.capacity] = published;
    this.emit('event', published);
    return published;
  }

  /** The events published after `seq` that are still in the ring, oldest first. */
  since(seq: number): BusEvent[] {
    const missed: BusEvent[] = [];
    for (let s = Math.max(seq + 1, this.nextSeq - this.capacity); s < this.nextSeq; s++) {
      const event = this.ring[s % this.capacity];
      if (event?.seq === s) missed.push(event);
    }
    return missed;
  }

  subscriberCount(): number {
    return this.listenerCount('event');
  }
}

export function heartbeat(source: string): NewEvent {
  return { type: 'heartbeat', source, data: {} };
}
