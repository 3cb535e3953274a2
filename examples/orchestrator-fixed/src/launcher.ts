// Wires the service together: storage, the event bus, the agents and the API,
// and takes them down again in the reverse order.
import { join } from 'node:path';
import { ApiServer } from './api/server.js';
import { EventBroadcaster } from './api/events.js';
import type { Config } from './config.js';
import { OrchestrationEngine } from './orchestration/engine.js';
import { Storage } from './storage/storage.js';

const EVENT_CAPACITY = 1000;
/** Within the usual 30 s between SIGTERM and SIGKILL, with room for the rest of shutdown. */
const ACTOR_STOP_TIMEOUT_MS = 10_000;

export class Launcher {
  private readonly events = new EventBroadcaster(EVENT_CAPACITY);
  private readonly storage: Storage;
  private readonly engine: OrchestrationEngine;
  private api: ApiServer | undefined;
  private port: number;
  private generation = 0;
  private restarting: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(private readonly config: Config) {
    this.storage = new Storage(join(config.dataDir, 'orchestrator.db'));
    this.engine = new OrchestrationEngine(this.events);
    this.port = config.port;
  }

  async start(): Promise<void> {
    this.engine.launch();
    await this.startApi();
  }

  /** Restarts the API server in place, on the same port. Requests for it queue up. */
  restartApi(): Promise<void> {
    this.restarting = this.restarting.then(async () => {
      if (this.stopping) return;
      await this.api?.stop();
      this.generation++;
      await this.startApi();
    });
    return this.restarting;
  }

  /** Stops everything the launcher started; safe to call more than once. */
  shutdown(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    await this.restarting.catch(() => undefined);
    await this.api?.stop();
    this.api = undefined;
    await this.engine.stop(ACTOR_STOP_TIMEOUT_MS);
    this.storage.close();
  }

  private async startApi(): Promise<void> {
    const api = new ApiServer({
      events: this.events,
      storage: this.storage,
      engine: this.engine,
      generation: this.generation,
      onRestartRequested: () => {
        this.restartApi().catch((err: unknown) => {
          console.error('API restart failed:', err);
          process.exitCode = 1;
          void this.shutdown();
        });
      },
    });
    this.port = await api.start(this.config.host, this.port);
    this.api = api;
    console.log(`listening on http://${this.config.host}:${this.port}`);
  }
}
