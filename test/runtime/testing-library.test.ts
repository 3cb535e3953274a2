// leakaudit/testing on real resources: survivors are found with the user
// frame that created them (and the static finding there); clean cycles pass;
// the check leaves no hook, timer or listener of its own behind.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoLeaks, checkLeaks, LeakError, type LeakReport } from '../../src/runtime/testing/index.js';
import { isTracking } from '../../src/runtime/testing/resource-tracker.js';
// @ts-expect-error plain JS fixture without types
import { Api as LeakyApi } from './fixtures/api-leaky.mjs';
// @ts-expect-error plain JS fixture without types
import { Api as FixedApi } from './fixtures/api-fixed.mjs';
// @ts-expect-error plain JS fixture without types
import { SignalAware } from './fixtures/process-listener.mjs';

interface ApiLike {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const FIXTURES = join(import.meta.dirname, 'fixtures');
const LEAKY_FILE = join(FIXTURES, 'api-leaky.mjs');
const work = mkdtempSync(join(tmpdir(), 'leakaudit-testing-'));
const logPath = join(work, 'api.log');
const leakyApis: ApiLike[] = [];

/** 1-based line of the first line containing `needle`. */
function lineOf(file: string, needle: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

function apiCycle(Api: new (log: string) => ApiLike, keep?: ApiLike[]) {
  return {
    start: async () => {
      const api = new Api(logPath);
      await api.start();
      keep?.push(api);
      return api;
    },
    stop: (api: ApiLike) => api.stop(),
  };
}

afterEach(async () => {
  // The leaky component's intervals and file handles, released by hand so later tests start clean.
  for (const api of leakyApis.splice(0) as Array<ApiLike & { heartbeat: NodeJS.Timeout; log: { close(): Promise<void> } }>) {
    clearInterval(api.heartbeat);
    await api.log.close().catch(() => undefined);
  }
});

describe('leakaudit/testing on the restartable API component', () => {
  it('fails on the leaky one, naming the creation site of the leaked interval and file handle', async () => {
    const error = await assertNoLeaks(apiCycle(LeakyApi, leakyApis), { cycles: 3 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LeakError);
    const report = (error as LeakError).report;
    const interval = report.survivors.find((s) => s.kind === 'interval');
    expect(interval).toMatchObject({ count: 3, site: { file: LEAKY_FILE, line: lineOf(LEAKY_FILE, 'setInterval(') } });
    const handle = report.survivors.find((s) => s.kind === 'file-handle');
    expect(handle).toMatchObject({ count: 3, site: { file: LEAKY_FILE, line: lineOf(LEAKY_FILE, 'await open(') } });
    expect(report.survivors.map((s) => s.kind).sort()).toEqual(['file-handle', 'interval']);
    const message = (error as LeakError).message;
    expect(message).toContain(`interval ×3 (1 per cycle) created at test/runtime/fixtures/api-leaky.mjs:${lineOf(LEAKY_FILE, 'setInterval(')}`);
    expect(message).toContain('in Api.start');
  });

  it('passes on the fixed one', async () => {
    const report = await assertNoLeaks(apiCycle(FixedApi), { cycles: 3 });
    expect(report.survivors).toEqual([]);
  });

  it('names the static finding reported at the survivor\'s line', async () => {
    const line = lineOf(LEAKY_FILE, 'setInterval(');
    const report = await checkLeaks(apiCycle(LeakyApi, leakyApis), {
      cycles: 2,
      settleMs: 100,
      report: {
        root: FIXTURES,
        findings: [
          {
            ruleId: 'task-unstoppable',
            fingerprint: '0123456789abcdef0123456789abcdef',
            priority: 'P0',
            message: '`setInterval` in `Api.start()` is never cleared',
            location: { path: 'api-leaky.mjs', startLine: line, endLine: line },
          },
        ],
      },
    });
    const interval = report.survivors.find((s) => s.kind === 'interval');
    expect(interval?.finding).toMatchObject({ ruleId: 'task-unstoppable', fingerprint: '0123456789abcdef0123456789abcdef' });
    expect(report.survivors.find((s) => s.kind === 'file-handle')?.finding).toBeUndefined();
  });

  it('runs the static audit itself when given `audit`, and links its finding', async () => {
    const report = await checkLeaks(apiCycle(LeakyApi, leakyApis), { cycles: 1, settleMs: 100, audit: LEAKY_FILE });
    expect(report.survivors.find((s) => s.kind === 'interval')?.finding).toMatchObject({ ruleId: 'task-unstoppable', priority: 'P1', path: LEAKY_FILE });
  });

  it('reads a report from a JSON file, and says so in one line when it cannot', async () => {
    const line = lineOf(LEAKY_FILE, 'setInterval(');
    const reportPath = join(work, 'leakaudit.json');
    writeFileSync(reportPath, JSON.stringify({ version: 1, root: FIXTURES, findings: [{ ruleId: 'task-unstoppable', fingerprint: 'f'.repeat(32), priority: 'P0', message: 'm', location: { path: 'api-leaky.mjs', startLine: line, endLine: line + 1 } }] }));
    const report = await checkLeaks(apiCycle(LeakyApi, leakyApis), { cycles: 1, settleMs: 100, report: reportPath });
    expect(report.survivors.find((s) => s.kind === 'interval')?.finding?.ruleId).toBe('task-unstoppable');
    await expect(checkLeaks(() => undefined, { report: join(work, 'missing.json') })).rejects.toThrow(/cannot read the leakaudit report .*missing\.json: ENOENT/);
  });
});

describe('kinds of survivors', () => {
  it('a listener left on process, with the site that added it', async () => {
    const leaked: Array<{ onSignal: () => void }> = [];
    const report = await checkLeaks(
      {
        start: () => {
          const c = new SignalAware({ leaky: true });
          c.start();
          leaked.push(c);
          return c;
        },
        stop: (c: { stop(): void }) => c.stop(),
      },
      { cycles: 2, fds: false, settleMs: 50 },
    );
    for (const c of leaked) process.off('SIGUSR2', c.onSignal);
    const file = join(FIXTURES, 'process-listener.mjs');
    expect(report.survivors).toEqual([expect.objectContaining({ kind: 'listener', count: 2, detail: "process.on('SIGUSR2')", site: expect.objectContaining({ file, line: lineOf(file, "process.on('SIGUSR2'") }) })]);
  });

  it('a listener left on an emitter the test names, and none when the component cleans up', async () => {
    const bus = new EventEmitter();
    const subscribe = (leaky: boolean) => () => {
      const handler = (): void => undefined;
      bus.on('tick', handler);
      if (!leaky) bus.off('tick', handler);
    };
    const leaky = await checkLeaks(subscribe(true), { cycles: 3, emitters: [{ emitter: bus, name: 'bus' }], fds: false, settleMs: 50 });
    expect(leaky.survivors).toEqual([expect.objectContaining({ kind: 'listener', count: 3, detail: "bus.on('tick')" })]);
    bus.removeAllListeners();
    expect((await checkLeaks(subscribe(false), { cycles: 3, emitters: [bus], fds: false })).ok).toBe(true);
  });

  it('a child process never killed', async () => {
    const children: ReturnType<typeof spawn>[] = [];
    const report = await checkLeaks(() => void children.push(spawn('sleep', ['30'], { stdio: 'ignore' })), { cycles: 1, warmup: 0, settleMs: 100 });
    await Promise.all(children.map((child) => new Promise((resolve) => (child.kill('SIGKILL'), child.once('close', resolve)))));
    expect(report.survivors.find((s) => s.kind === 'child-process')).toMatchObject({ count: 1, site: { file: join(import.meta.dirname, 'testing-library.test.ts') } });
  });

  it.runIf(process.platform === 'linux')('a raw file descriptor never closed, with its path', async () => {
    const fds: number[] = [];
    const path = join(work, 'raw.txt');
    writeFileSync(path, 'x');
    const report = await checkLeaks(() => void fds.push(openSync(path, 'r')), { cycles: 2, settleMs: 50 });
    for (const fd of fds) closeSync(fd);
    expect(report.survivors).toEqual([expect.objectContaining({ kind: 'fd', count: 2, detail: `${path} (file)` })]);
  });

  it('survivors created by dependencies only are counted, not listed, unless asked', async () => {
    const lib = join(work, 'node_modules', 'chatty-lib');
    mkdirSync(lib, { recursive: true });
    // The library starts its poller from its own setImmediate callback: no user frame on that stack.
    writeFileSync(join(lib, 'index.mjs'), 'export const timers = [];\nexport function pollSoon() { return new Promise((resolve) => setImmediate(() => { timers.push(setInterval(() => {}, 60_000)); resolve(); })); }\n');
    const { pollSoon, timers } = (await import(pathToFileURL(join(lib, 'index.mjs')).href)) as { pollSoon: () => Promise<void>; timers: NodeJS.Timeout[] };
    const fromLibraryOnly = () => pollSoon();
    const quiet = await checkLeaks(fromLibraryOnly, { cycles: 2, warmup: 0, settleMs: 50 });
    const loud = await checkLeaks(fromLibraryOnly, { cycles: 2, warmup: 0, settleMs: 50, includeThirdParty: true });
    for (const t of timers) clearInterval(t);
    expect(quiet).toMatchObject({ ok: true, thirdParty: 2 });
    expect(loud.survivors).toEqual([expect.objectContaining({ kind: 'interval', count: 2 })]);
    expect(loud.survivors[0]!.site).toBeUndefined();
  });

  it('counts without stacks when stacks: false', async () => {
    const timers: NodeJS.Timeout[] = [];
    const report = await checkLeaks(() => void timers.push(setInterval(() => undefined, 60_000)), { cycles: 2, stacks: false, fds: false, settleMs: 20 });
    for (const t of timers) clearInterval(t);
    expect(report.survivors).toEqual([expect.objectContaining({ kind: 'timer', type: 'Timeout', count: 2 })]);
  });
});

describe('the check itself leaves nothing behind', () => {
  /** Handles and timers by type (requests in flight come and go on their own), and listeners on process by event. */
  function footprint(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const type of process.getActiveResourcesInfo()) if (!type.includes('Req')) counts[type] = (counts[type] ?? 0) + 1;
    for (const name of process.eventNames()) counts[`process.on(${String(name)})`] = process.listenerCount(name);
    return counts;
  }

  /** What `after` has more of than `before`: what the check left behind. Earlier tests' timers may end meanwhile. */
  function grown(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
    return Object.fromEntries(Object.entries(after).filter(([k, n]) => n > (before[k] ?? 0)));
  }

  it('after a passing and a failing check: no hook, no timer, no listener of its own', async () => {
    const before = footprint();
    expect(isTracking()).toBe(false);
    const timers: NodeJS.Timeout[] = [];
    await checkLeaks(apiCycle(FixedApi), { cycles: 2 });
    const failed: LeakReport = await checkLeaks(() => void timers.push(setInterval(() => undefined, 60_000)), { cycles: 2, settleMs: 30 });
    expect(grown(before, footprint())).toEqual({ Timeout: expect.any(Number) }); // the test's own intervals, still running
    for (const t of timers) clearInterval(t);
    expect(failed.ok).toBe(false);
    expect(isTracking()).toBe(false);
    expect(grown(before, footprint())).toEqual({});
  });

  it('a cycle that throws still removes the hook, and the error is the cycle\'s', async () => {
    await expect(checkLeaks(() => Promise.reject(new Error('boom')), { warmup: 0 })).rejects.toThrow('boom');
    expect(isTracking()).toBe(false);
  });

  it('refuses overlapping checks in one process with a clear message', async () => {
    const slow = checkLeaks(() => new Promise((resolve) => setTimeout(resolve, 30)), { cycles: 1, warmup: 0 });
    await expect(checkLeaks(() => undefined, { warmup: 0 })).rejects.toThrow(/another leak check is already running/);
    await slow;
    expect(isTracking()).toBe(false);
  });
});
