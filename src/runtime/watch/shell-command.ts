// Runs a user's shell command (a restart cycle, a readiness check) in its own
// process group, with a timeout that kills the whole group, keeping the tail
// of its output for error messages.
import { spawn } from 'node:child_process';
import { exitStatus, type ExitStatus } from './exit-status.js';
import { OutputTail } from './output-tail.js';

export interface ShellOutcome {
  ok: boolean;
  exit?: ExitStatus;
  timedOut: boolean;
  /** Could not start (e.g. no /bin/sh). */
  error?: string;
  durationMs: number;
  output: string[];
}

export function runShell(command: string, options: { env: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string; signal?: AbortSignal }): Promise<ShellOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const tail = new OutputTail(10);
    const child = spawn('/bin/sh', ['-c', command], { env: options.env, cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    // The watch is ending: the command's whole group goes with it.
    const abort = (): void => void killGroup(child.pid, 'SIGTERM');
    options.signal?.addEventListener('abort', abort, { once: true });
    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
    };
    child.once('error', (err) => {
      cleanup();
      resolve({ ok: false, timedOut, error: err.message, durationMs: performance.now() - started, output: tail.lines() });
    });
    child.once('close', (code, signal) => {
      cleanup();
      killGroup(child.pid, 'SIGKILL'); // anything the command left running in the background
      const exit = exitStatus(code, signal);
      resolve({ ok: !timedOut && exit.status === 0, exit, timedOut, durationMs: performance.now() - started, output: tail.lines() });
    });
  });
}

/** Signal a whole process group; false when it no longer exists. */
export function killGroup(pgid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pgid) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
