// Wires the service together: storage, the event bus, the agents and the API.
import { join } from 'node:path';
import { ApiServer } from './api/server.js';
import { EventBroadcaster } from './api/events.js';
import type { Config } from './config.js';
import { OrchestrationEngine } from './orchestration/engine.js';
import { MemoryStore } from './storage/libsql.js';
import { VectorStorage } from './storage/vectors.js';

const EVENT_CAPACITY = 1000;

export class Launcher {
  private readonly events = new EventBroadcaster(EVENT_CAPACITY);
  private readonly memories: MemoryStore;
  private readonly vectors: VectorStorage;
  private readonly engine: OrchestrationEngine;
  private api: ApiServer | undefined;
  private port: number;
  private generation = 0;
  private restarting: Promise<void> = Promise.resolve();

  constructor(private readonly config: Config) {
    this.memories = new MemoryStore(join(config.dataDir, 'memories.db'));
    this.vectors = new VectorStorage(join(config.dataDir, 'vectors.db'));
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
      await this.api?.stop();
      this.generation++;
      await this.startApi();
    });
    return this.restarting;
  }

  async shutdown(): Promise<void> {
    await this.restarting.catch(() => undefined);
    await this.api?.stop();
    this.api = undefined;
    this.memories.close();
  }

  private async startApi(): Promise<void> {
    const api = new ApiServer({
      events: this.events,
      memories: this.memories,
      vectors: this.vectors,
      engine: this.engine,
      generation: this.generation,
      onRestartRequested: () => {
        this.restartApi().catch((err: unknown) => {
          console.error('API restart failed:', err);
          process.exitCode = 1;
        });
      },
    });
    this.port = await api.start(this.config.host, this.port);
    this.api = api;
    console.log(`listening on http://${this.config.host}:${this.port}`);
  }
}
