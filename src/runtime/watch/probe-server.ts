// The watcher's side of the Node probe: a Unix socket in a private temporary
// directory, the preload file beside it, and a query that asks every probe of
// the watched tree for its counts at once, with a deadline.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeSource, type ProbeReply } from './node-probe.js';

const PROBE_FILE_MARK = 'leakaudit-probe';

export interface ProbeCounts {
  /** Metric name (`node:Timeout`, `node:process-listeners`) to the sum over the answering threads. */
  values: Record<string, number>;
  /** Pids whose probes answered. */
  answered: Set<number>;
  /** Probes of the tree that did not answer before the deadline. */
  missing: number;
  /** Answers from the tree: one probe socket each, an fd of the target's that is ours. */
  probeSockets: number;
}

export class NodeProbeServer {
  private readonly sockets = new Set<Socket>();
  private readonly replies = new Map<Socket, (reply: ProbeReply) => void>();
  private seq = 0;

  private constructor(
    private readonly dir: string,
    private readonly server: Server,
    readonly socketPath: string,
    readonly preloadPath: string,
  ) {}

  static async start(): Promise<NodeProbeServer> {
    const dir = await mkdtemp(join(tmpdir(), 'leakaudit-watch-'));
    const preloadPath = join(dir, `${PROBE_FILE_MARK}.cjs`);
    await writeFile(preloadPath, probeSource());
    const socketPath = join(dir, 'probe.sock');
    const server = createServer();
    const probe = new NodeProbeServer(dir, server, socketPath, preloadPath);
    server.on('connection', (socket) => probe.adopt(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    server.unref();
    return probe;
  }

  /** The environment for the target: our preload appended to NODE_OPTIONS (an outer watcher's removed). */
  environment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const kept = splitNodeOptions(base.NODE_OPTIONS ?? '').filter((_, i, all) => !isProbeRequire(all, i));
    const options = [...kept, '--require', quoteNodeOption(this.preloadPath)].join(' ');
    return { ...base, NODE_OPTIONS: options, LEAKAUDIT_PROBE_SOCKET: this.socketPath };
  }

  /** Ask every connected probe; sum the answers of those whose pid is in `pids`. */
  async query(pids: ReadonlySet<number>, timeoutMs: number): Promise<ProbeCounts> {
    const id = String(++this.seq);
    const sockets = [...this.sockets];
    const answers: ProbeReply[] = [];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              this.replies.set(socket, (reply) => {
                if (reply.id !== id) return;
                answers.push(reply);
                resolve();
              });
              socket.write(`${id}\n`, (err) => err && resolve());
            }),
        ),
      ),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    for (const socket of sockets) this.replies.delete(socket);
    const values: Record<string, number> = {};
    const answered = new Set<number>();
    let probeSockets = 0;
    for (const reply of answers) {
      if (!pids.has(reply.pid)) continue;
      answered.add(reply.pid);
      probeSockets++;
      for (const [type, count] of Object.entries(reply.resources)) values[`node:${type}`] = (values[`node:${type}`] ?? 0) + count;
      values['node:process-listeners'] = (values['node:process-listeners'] ?? 0) + (reply.threadId === 0 ? reply.processListeners : 0);
    }
    return { values, answered, missing: sockets.filter((s) => !s.destroyed).length - answers.length, probeSockets };
  }

  get connected(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private adopt(socket: Socket): void {
    this.sockets.add(socket);
    socket.setEncoding('utf8');
    let pending = '';
    socket.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        const reply = parseReply(line);
        if (reply) this.replies.get(socket)?.(reply);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.replies.delete(socket);
    });
  }
}

function parseReply(line: string): ProbeReply | undefined {
  try {
    const value = JSON.parse(line) as ProbeReply;
    return typeof value.pid === 'number' && typeof value.resources === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** NODE_OPTIONS words, honouring double quotes as Node does. */
export function splitNodeOptions(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) words.push(m[1] !== undefined ? `"${m[1]}"` : m[2]!);
  return words;
}

function isProbeRequire(words: readonly string[], i: number): boolean {
  if (words[i]!.includes(PROBE_FILE_MARK) && (words[i - 1] === '--require' || words[i - 1] === '-r')) return true;
  return (words[i] === '--require' || words[i] === '-r') && (words[i + 1] ?? '').includes(PROBE_FILE_MARK);
}

function quoteNodeOption(path: string): string {
  return /[\s"\\]/.test(path) ? `"${path.replace(/(["\\])/g, '\\$1')}"` : path;
}
