// The HTTP API: health, the event stream, memories, and an in-process restart.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OrchestrationEngine } from '../orchestration/engine.js';
import type { MemoryStore } from '../storage/libsql.js';
import type { VectorStorage } from '../storage/vectors.js';
import { heartbeat, type EventBroadcaster } from './events.js';
import { BadRequest, readJson, sendJson } from './http-json.js';
import { parseMemoryInput } from './memory-input.js';
import { streamEvents } from './sse.js';

const HEARTBEAT_INTERVAL_MS = 10_000;

export interface ApiDependencies {
  events: EventBroadcaster;
  memories: MemoryStore;
  vectors: VectorStorage;
  engine: OrchestrationEngine;
  /** How many times the API has been restarted in this process. */
  generation: number;
  /** Called once the response to POST /restart has been sent. */
  onRestartRequested(): void;
}

export class ApiServer {
  readonly instanceId = `api-${randomUUID().slice(0, 8)}`;
  private server: Server | undefined;

  constructor(private readonly deps: ApiDependencies) {}

  /** Listens on `port` (0: any free port) and starts the heartbeat; resolves with the port it got. */
  async start(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.listen(port, host);
    await once(server, 'listening');
    this.server = server;

    setInterval(() => {
      this.deps.events.broadcast(heartbeat(this.instanceId));
    }, HEARTBEAT_INTERVAL_MS);

    return (server.address() as AddressInfo).port;
  }

  /** Stops accepting connections and closes the open ones (SSE streams included). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (req.method === 'GET' && pathname === '/health') return this.health(res);
      if (req.method === 'GET' && pathname === '/events') return streamEvents(req, res, this.deps.events);
      if (req.method === 'POST' && pathname === '/memories') return await this.storeMemory(req, res);
      if (req.method === 'GET' && pathname.startsWith('/memories/')) return this.getMemory(decodeURIComponent(pathname.slice('/memories/'.length)), res);
      if (req.method === 'POST' && pathname === '/restart') return this.restart(res);
      if (req.method === 'GET' && pathname === '/debug/handles') return this.activeHandles(res);
      sendJson(res, 404, { error: `no route for ${req.method} ${pathname}` });
    } catch (err) {
      if (err instanceof BadRequest) {
        sendJson(res, err.status, { error: err.message });
        return;
      }
      console.error(`${req.method} ${pathname} failed:`, err);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    }
  }

  private health(res: ServerResponse): void {
    sendJson(res, 200, {
      status: 'ok',
      instanceId: this.instanceId,
      generation: this.deps.generation,
      subscribers: this.deps.events.subscriberCount(),
      uptimeSeconds: Math.round(process.uptime()),
    });
  }

  private async storeMemory(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const input = parseMemoryInput(await readJson(req));
    const id = randomUUID();
    this.deps.memories.insert({ id, namespace: input.namespace, content: input.content, createdAt: new Date().toISOString() });
    this.deps.vectors.storeVector(id, input.embedding);
    this.deps.engine.submitIndexing(id);
    this.deps.events.broadcast({ type: 'memory-stored', source: this.instanceId, data: { id, namespace: input.namespace } });
    sendJson(res, 201, { id, dimensions: input.embedding.length });
  }

  private getMemory(id: string, res: ServerResponse): void {
    const memory = this.deps.memories.get(id);
    if (!memory) {
      sendJson(res, 404, { error: `no memory ${id}` });
      return;
    }
    const vector = this.deps.vectors.getVector(id);
    sendJson(res, 200, { ...memory, embedding: vector ? Array.from(vector) : null });
  }

  private restart(res: ServerResponse): void {
    res.setHeader('connection', 'close');
    res.once('finish', () => this.deps.onRestartRequested());
    sendJson(res, 202, { restarting: true });
  }

  /** What keeps the event loop busy, by type: timers, sockets, servers. */
  private activeHandles(res: ServerResponse): void {
    const resources: Record<string, number> = {};
    for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
    sendJson(res, 200, { resources });
  }
}
