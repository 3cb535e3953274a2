// The orchestrator's main-thread side: it announces itself on the event bus and
// keeps asking its actor for work that is ready to run, until stopped.
import { heartbeat, type EventBroadcaster } from '../api/events.js';
import type { ActorRef } from './actor-ref.js';

const AGENT_ID = 'orchestrator';
const HEARTBEAT_INTERVAL_MS = 30_000;
const READY_WORK_INTERVAL_MS = 10_000;

export class Orchestrator {
  private heartbeat: NodeJS.Timeout | undefined;
  private readyWorkChecker: NodeJS.Timeout | undefined;

  constructor(
    private readonly actor: ActorRef,
    private readonly events: EventBroadcaster,
  ) {}

  start(): void {
    this.registerEventBroadcaster();
    this.startReadyWorkChecker();
  }

  stop(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.readyWorkChecker);
    this.heartbeat = undefined;
    this.readyWorkChecker = undefined;
  }

  /** Heartbeat now, so the dashboard sees the agent at once, then every 30 s. */
  private registerEventBroadcaster(): void {
    this.events.broadcast(heartbeat(AGENT_ID));
    this.heartbeat = setInterval(() => {
      this.events.broadcast(heartbeat(AGENT_ID));
    }, HEARTBEAT_INTERVAL_MS);
  }

  /** Work submitted between checks waits for the next one: also catches work stuck behind a dependency. */
  private startReadyWorkChecker(): void {
    this.readyWorkChecker = setInterval(() => {
      this.actor.cast({ type: 'get-ready-work' });
    }, READY_WORK_INTERVAL_MS);
  }
}
