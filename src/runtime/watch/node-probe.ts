// The probe that `watch -- CMD` preloads (NODE_OPTIONS=--require) into every
// Node process of the target: it connects to the watcher's Unix socket and,
// when asked, answers with process.getActiveResourcesInfo() counted by type
// and the number of listeners on `process` the target added (Node's own and
// other preloads' ones, there when the probe loads before the target's code,
// are not the target's). It owns no timer, its socket is unref'd (so it never
// keeps the target alive and is not counted among its handles; the watcher
// takes its fd out of the target's fds), and any error silently disables it:
// the target must never notice it.
//
// The function below is serialised with Function.prototype.toString into a
// standalone .cjs file, so it must not reference anything outside its body.

export interface ProbeReply {
  id: string;
  pid: number;
  threadId: number;
  resources: Record<string, number>;
  processListeners: number;
}

export function nodeProbeMain(load: (id: string) => unknown, socketPath: string | undefined): void {
  if (!socketPath) return;
  try {
    const before = new Map<string | symbol, number>();
    for (const name of process.eventNames()) before.set(name, process.listenerCount(name));
    const net = load('node:net') as typeof import('node:net');
    const threads = load('node:worker_threads') as typeof import('node:worker_threads');
    const socket = net.connect(socketPath);
    socket.unref();
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    let pending = '';
    socket.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const id = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        try {
          const resources: Record<string, number> = {};
          for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
          let processListeners = 0;
          for (const name of process.eventNames()) processListeners += Math.max(0, process.listenerCount(name) - (before.get(name) ?? 0));
          const reply: ProbeReply = { id, pid: process.pid, threadId: threads.threadId, resources, processListeners };
          socket.write(`${JSON.stringify(reply)}\n`);
        } catch {
          socket.destroy();
        }
      }
    });
  } catch {
    // A probe that cannot start stays silent.
  }
}

/** The preload file's text. */
export function probeSource(): string {
  return `'use strict';\n// leakaudit watch probe (see src/runtime/watch/node-probe.ts)\n(${nodeProbeMain.toString()})(require, process.env.LEAKAUDIT_PROBE_SOCKET);\n`;
}
