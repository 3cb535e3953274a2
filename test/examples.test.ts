// The reference example (examples/): both versions of the audited service really
// start, serve, restart and shut down. The leaky one grows one timer per API
// restart and needs process.exit to leave; the fixed one grows nothing and exits
// by itself.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const EXAMPLES = resolve(import.meta.dirname, '..', 'examples');
const SERVICES = ['orchestrator-leaky', 'orchestrator-fixed'] as const;
type ServiceName = (typeof SERVICES)[number];

/** How long a service may take to leave after SIGTERM, or to reach a state, before the test calls it hung. */
const EXIT_DEADLINE_MS = 10_000;
const STATE_DEADLINE_MS = 10_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface RunningService {
  url: string;
  child: ChildProcess;
  dataDir: string;
  output(): string;
  exited: Promise<Exit>;
}

interface JsonResponse {
  status: number;
  body: any;
}

const running: RunningService[] = [];

beforeAll(() => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', ...SERVICES.map((name) => join(EXAMPLES, name))], { stdio: 'pipe' });
}, 120_000);

afterEach(() => {
  for (const service of running.splice(0)) {
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    rmSync(service.dataDir, { recursive: true, force: true });
  }
});

describe.each(SERVICES)('%s', (name) => {
  it('serves health, memories and the event stream, restarts, and shuts down on SIGTERM', async () => {
    const service = await startService(name);
    const health = await call('GET', `${service.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', generation: 0, subscribers: 0 });

    // SSE: one subscription while the client is connected, none after it leaves (Finding 3).
    const stream = await openEventStream(`${service.url}/events`);
    expect((await call('GET', `${service.url}/health`)).body.subscribers).toBe(1);
    const first = await call('POST', `${service.url}/memories`, { content: 'first memory', embedding: [0.5, -0.25, 1] });
    const second = await call('POST', `${service.url}/memories`, { content: 'second memory', namespace: 'notes', embedding: [2, 4] });
    expect(first).toMatchObject({ status: 201, body: { dimensions: 3 } });
    expect(second).toMatchObject({ status: 201, body: { dimensions: 2 } });
    const events = await stream.readUntil(second.body.id);
    expect(events).toContain(': connected');
    expect(events).toMatch(new RegExp(`event: memory-stored\\ndata: .*"id":"${first.body.id}"`));
    stream.close();
    await until('the SSE subscription to be dropped', async () => (await call('GET', `${service.url}/health`)).body.subscribers === 0);

    const stored = await call('GET', `${service.url}/memories/${first.body.id}`);
    expect(stored).toMatchObject({ status: 200, body: { content: 'first memory', namespace: 'default', embedding: [0.5, -0.25, 1] } });
    expect((await call('GET', `${service.url}/memories/no-such-id`)).status).toBe(404);
    expect((await call('POST', `${service.url}/memories`, { content: '', embedding: [1] })).status).toBe(400);

    const timersBefore = await activeTimers(service.url);
    for (let generation = 1; generation <= 3; generation++) {
      expect((await call('POST', `${service.url}/restart`)).status).toBe(202);
      await until(
        `restart ${generation}`,
        async () => (await call('GET', `${service.url}/health`).catch(() => undefined))?.body.generation === generation,
      );
    }
    const timersAfter = await activeTimers(service.url);
    if (name === 'orchestrator-leaky') expect(timersAfter).toBe(timersBefore + 3); // one orphaned heartbeat per restart
    else expect(timersAfter).toBe(timersBefore);

    service.child.kill('SIGTERM');
    const exit = await exitWithin(service, EXIT_DEADLINE_MS);
    expect(exit, service.output()).toEqual({ code: 0, signal: null });
    expect(service.output()).toContain('SIGTERM: shutting down');
  });
});

it('the fixed service leaves without process.exit: nothing it starts outlives shutdown', () => {
  const sources = listFiles(join(EXAMPLES, 'orchestrator-fixed', 'src')).filter((file) => file.endsWith('.ts'));
  expect(sources.length).toBeGreaterThan(5);
  for (const file of sources) expect(readFileSync(file, 'utf8'), file).not.toContain('process.exit(');
});

async function startService(name: ServiceName): Promise<RunningService> {
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-test-`));
  const child = spawn(process.execPath, [join(EXAMPLES, name, 'dist', 'main.js')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const service: RunningService = { url: '', child, dataDir, output: () => output, exited };
  running.push(service);
  service.url = await new Promise<string>((resolve, reject) => {
    const onData = (): void => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((exit) => reject(new Error(`${name} exited (${JSON.stringify(exit)}) before listening:\n${output}`)));
  });
  return service;
}

/** One request on its own connection, so a restart never meets a pooled socket. */
function call(method: string, url: string, body?: unknown): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      readBody(res).then((text) => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }), reject);
    });
    req.once('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function readBody(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res.setEncoding('utf8')) text += chunk;
  return text;
}

async function openEventStream(url: string): Promise<{ readUntil(text: string): Promise<string>; close(): void }> {
  let received = '';
  const waiters: (() => void)[] = [];
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { agent: false }, resolve);
    req.once('error', reject);
    req.end();
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/event-stream');
  res.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  const readUntil = async (text: string): Promise<string> => {
    while (!received.includes(text)) await new Promise<void>((wake) => waiters.push(wake));
    return received;
  };
  await readUntil(': connected');
  return { readUntil, close: () => res.destroy() };
}

async function activeTimers(url: string): Promise<number> {
  const { body } = await call('GET', `${url}/debug/handles`);
  return body.resources.Timeout ?? 0;
}

/** Polls for a state the service reaches by itself (a restart, a dropped subscription). */
async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STATE_DEADLINE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${STATE_DEADLINE_MS} ms`);
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

async function exitWithin(service: RunningService, deadlineMs: number): Promise<Exit | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), deadlineMs);
  });
  try {
    return await Promise.race([service.exited, hung]);
  } finally {
    clearTimeout(timer);
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
