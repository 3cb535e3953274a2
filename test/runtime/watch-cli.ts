// Runs the built `leakaudit watch` as a user would, asynchronously, so a test
// can act on the target while the watch runs (kill it, signal the watcher).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
/** LEAKAUDIT_TEST_BIN runs another build (e.g. a clean copy of HEAD while the shared tree is mid-edit). */
export const BIN = process.env.LEAKAUDIT_TEST_BIN ?? join(REPO, 'bin', 'leakaudit.js');
export const FIXTURES = join(import.meta.dirname, 'fixtures');

export interface WatchRun {
  child: ChildProcess;
  /** Resolves once stderr contains a line matching `re`, with the match. */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function startWatch(args: string[], env: Record<string, string> = {}): WatchRun {
  if (!process.env.LEAKAUDIT_TEST_BIN && !existsSync(join(REPO, 'dist', 'cli', 'watch-command.js'))) throw new Error('run `npm run build` first: the watch tests run the built CLI');
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    for (const w of [...waiters]) {
      const m = stderr.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    done,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const m = stderr.match(re);
        if (m) return resolve(m);
        waiters.push({ re, resolve });
        void done.then(() => reject(new Error(`watch ended before printing ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
      }),
  };
}

export async function runWatchCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return startWatch(args, env).done;
}

export interface WatchJson {
  end: { reason: string; early: boolean; message: string; exit: { code: number | null; signal: string | null; status: number } | null; stop: { how: string } | null };
  metrics: Array<{ name: string; verdict: string; perCycle: number | null; perMinute: number; reason: string; max: number }>;
  samples: unknown[];
  cycles: { done: number; planned: number | null };
}

export function readWatchJson(path: string): WatchJson {
  return JSON.parse(readFileSync(path, 'utf8')) as WatchJson;
}

/** True while a process with this pid exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}
