// Snippet -> facts: tells a frontend bug from a rule bug.
import { beforeAll, describe, expect, it } from 'vitest';
import { WasmBackend } from '../../parse/wasm-backend.js';
import { loadBuiltinModels } from '../../models/index.js';
import type { Acquisition, FileFacts } from '../../facts/types.js';
import { extractTypescript } from './extract.js';

let backend: WasmBackend;
const models = loadBuiltinModels().filter((m) => m.language === 'typescript');

beforeAll(async () => {
  backend = await WasmBackend.create(['typescript', 'tsx']);
});

function facts(source: string, opts: { tsx?: boolean; isTestFile?: boolean; path?: string } = {}): FileFacts {
  const tree = backend.parse(source, opts.tsx ? 'tsx' : 'typescript');
  try {
    return extractTypescript({ path: opts.path ?? 'src/app.ts', source, tree, models, isTestFile: opts.isTestFile ?? false });
  } finally {
    tree.delete();
  }
}

function at(f: FileFacts, line: number): Acquisition {
  const a = f.acquisitions.find((x) => x.site.startLine === line);
  if (!a) throw new Error(`no acquisition on line ${line}: ${f.acquisitions.map((x) => x.site.startLine).join(', ')}`);
  return a;
}

describe('typescript frontend: resolution', () => {
  it('resolves imports, requires, namespaces and globals to model calls', () => {
    const f = facts(`import { spawn as run } from 'node:child_process';
import * as http from 'http';
import pg from 'pg';
const { fork } = require('child_process');
const sqlite3 = require('sqlite3').verbose();
function a() { run('ls'); http.createServer(); new pg.Client(); fork('x.js'); new sqlite3.Database('f'); globalThis.setInterval(tick, 5); }
function tick() {}
`);
    expect(f.acquisitions.map((a) => [a.modelId, a.api])).toEqual([
      ['child_process.spawn', 'run'],
      ['net.createServer', 'http.createServer'],
      ['pg.Client', 'new pg.Client'],
      ['child_process.spawn', 'fork'],
      ['sqlite3.Database', 'new sqlite3.Database'],
      ['js.setInterval', 'globalThis.setInterval'],
    ]);
    expect(f.imports).toEqual(['child_process', 'http', 'pg', 'sqlite3']);
  });

  it('does not take a local class or function for a global of the same name', () => {
    const f = facts(`class Worker { run() {} }
function setInterval(fn: () => void) { fn(); }
export function go() { new Worker(); setInterval(() => undefined); }
`);
    expect(f.acquisitions).toEqual([]);
  });

  it('matches pool checkouts only on a pool receiver', () => {
    const f = facts(`import { Pool, Client } from 'pg';
const db = new Pool();
export async function a(client: Client) {
  const c = await db.connect();
  await client.connect();
  c.release();
}
`);
    expect(f.acquisitions.map((a) => [a.site.startLine, a.modelId])).toEqual([
      [2, 'pg.Pool'],
      [4, 'pg.Pool.connect'],
    ]);
  });
});

describe('typescript frontend: handle fates', () => {
  it('follows the handle into fields, module variables, collections, returns and releases', () => {
    const f = facts(`let timer: any;
export class S {
  t?: any; m = new Map<string, any>();
  a() { setInterval(f, 1); }
  b() { this.t = setInterval(f, 1); }
  c() { this.m.set('k', setInterval(f, 1)); }
  d() { timer = setInterval(f, 1); }
  e() { return setInterval(f, 1); }
  g() { const id = setInterval(f, 1); return () => clearInterval(id); }
  h() { register(setInterval(f, 1)); }
  i() { const id = setInterval(f, 1); console.log(id); }
  j() { const id = setInterval(f, 1).unref(); }
}
function f() {}
function register(x: unknown) {}
`);
    expect(at(f, 4).handle).toMatchObject({ kind: 'discarded' });
    expect(at(f, 5).handle).toMatchObject({ kind: 'field', ownerType: 'S', field: 't' });
    expect(at(f, 6).handle).toMatchObject({ kind: 'field', ownerType: 'S', field: 'm' });
    expect(at(f, 7).handle).toMatchObject({ kind: 'field', ownerType: 'src/app.ts', field: 'timer' });
    expect(at(f, 8).handle).toMatchObject({ kind: 'returned' });
    expect(at(f, 9).handle).toMatchObject({ kind: 'released-locally', local: 'id', api: 'clearInterval' });
    expect(at(f, 10).handle).toMatchObject({ kind: 'passed' });
    // Logging a handle is not handing it on.
    expect(at(f, 11).handle).toMatchObject({ kind: 'local', local: 'id' });
    expect(at(f, 12).unreferenced).toMatchObject({ line: 12 });
    expect(f.owners.map((o) => o.name)).toEqual(['S', 'src/app.ts']);
  });

  it('scopes `using`, `await using` and AbortSignal options', () => {
    const f = facts(`import { Pool } from 'pg';
import { watch } from 'node:fs';
const pool = new Pool();
export async function a(signal: AbortSignal) {
  await using c = await pool.connect();
  watch('.', { signal });
}
`);
    expect(at(f, 5).handle).toMatchObject({ kind: 'scoped' });
    expect(at(f, 6).handle).toMatchObject({ kind: 'scoped' });
  });

  it('names the call that can throw before a release outside finally', () => {
    const f = facts(`import { Pool } from 'pg';
const pool = new Pool();
export async function bad(id: string) {
  const c = await pool.connect();
  const r = await c.query('select', [id]);
  c.release();
  return r;
}
export async function good(id: string) {
  const c = await pool.connect();
  try { return await c.query('select', [id]); } finally { c.release(); }
}
export async function handled(id: string) {
  const c = await pool.connect();
  try { await c.query('select', [id]); } catch (e) { c.release(); throw e; }
  c.release();
}
`);
    expect(at(f, 4).handle).toEqual({ kind: 'released-locally', local: 'c', api: 'release', line: 6, onlyOnSuccess: { call: "c.query('select', [id])", line: 5 } });
    expect(at(f, 10).handle).toEqual({ kind: 'released-locally', local: 'c', api: 'release', line: 11 });
    expect(at(f, 14).handle).not.toHaveProperty('onlyOnSuccess');
  });

  it('treats a child process whose exit is awaited, or that has a completion callback, as awaited', () => {
    const f = facts(`import { spawn, exec } from 'node:child_process';
export function a() {
  const c = spawn('x');
  c.on('exit', () => undefined);
  exec('ls', () => undefined);
  const d = spawn('y');
  d.stdout.on('data', () => undefined);
}
`);
    expect(at(f, 3).handle).toMatchObject({ kind: 'awaited' });
    expect(at(f, 5).handle).toMatchObject({ kind: 'awaited' });
    expect(at(f, 6).handle).toMatchObject({ kind: 'local', local: 'd' });
  });
});

describe('typescript frontend: bodies', () => {
  it('reads the period of an interval from constants and arithmetic', () => {
    const f = facts(`const EVERY = 10_000;
class P { static readonly SLOW = 2 * 60 * 1000; go() { setInterval(f, EVERY); setInterval(f, P.SLOW); setInterval(f, 5 * 1000); } }
function f() {}
`);
    expect(f.acquisitions.map((a) => a.body?.periodMs)).toEqual([10_000, 120_000, 5_000]);
    expect(f.acquisitions[0]!.body).toMatchObject({ longLived: true, loopKind: 'setInterval', exits: [] });
  });

  it('recognises a self-re-arming setTimeout and the stop flag that ends it', () => {
    const f = facts(`export class Poller {
  private stopped = false;
  poll() {
    if (this.stopped) return;
    setTimeout(() => this.poll(), 5000);
  }
  once() { setTimeout(() => this.poll(), 10); }
}
function tick() { setTimeout(tick, 1000); }
`);
    expect(at(f, 5).body).toMatchObject({ longLived: true, loopKind: 'self-re-arming setTimeout', periodMs: 5000 });
    expect(at(f, 5).body!.exits[0]).toMatchObject({ kind: 'cancellation' });
    expect(at(f, 7).body).toMatchObject({ longLived: false });
    expect(at(f, 9).body).toMatchObject({ longLived: true, exits: [] });
  });

  it('finds async loops, their exits, period and swallowed errors, and the calls that start them', () => {
    const f = facts(`import { setTimeout as sleep } from 'node:timers/promises';
export class W {
  private ac = new AbortController();
  async spin() { while (true) { try { await this.work(); } catch {} await sleep(3000); } }
  async guarded() { while (!this.ac.signal.aborted) { await sleep(10); } }
  async breaks() { for (;;) { const x = await this.work(); switch (x) { case 1: break; } if (x === 2) break; } }
  start() { void this.spin(); this.guarded().catch(() => undefined); }
  async stop() { await this.spin(); }
  async work() { return 1; }
}
`);
    const spin = f.loopingFunctions.find((l) => l.name === 'spin')!;
    expect(spin.body).toMatchObject({ longLived: true, loopKind: 'while (true)', periodMs: 3000, exits: [] });
    expect(spin.body.ignoredErrors).toHaveLength(1);
    expect(f.loopingFunctions.find((l) => l.name === 'guarded')!.body.exits[0]).toMatchObject({ kind: 'cancellation' });
    // The `break` inside `switch` leaves the switch; the other one leaves the loop.
    expect(f.loopingFunctions.find((l) => l.name === 'breaks')!.body.exits).toEqual([expect.objectContaining({ kind: 'break', line: 6 })]);
    // Started without await in start(); awaited in stop() (not a task).
    expect(f.acquisitions.map((a) => [a.site.startLine, a.modelId, a.handle.kind])).toEqual([
      [7, 'js.async-loop', 'discarded'],
      [7, 'js.async-loop', 'discarded'],
    ]);
  });

  it('delegates a floating call of an imported function to the project', () => {
    const f = facts(`import { pollForever } from './poller';
export function start() { void pollForever(); }
`);
    expect(f.acquisitions[0]!.body).toMatchObject({ longLived: false, delegatesTo: 'pollForever' });
  });
});

describe('typescript frontend: listeners', () => {
  it('judges what a listener is attached to and whether it is removed', () => {
    const f = facts(`import { bus } from './bus';
import { EventEmitter } from 'node:events';
const local = new EventEmitter();
export class C {
  own = new EventEmitter();
  constructor(private readonly injected: EventEmitter) {
    process.on('exit', this.onExit);
    this.own.on('x', () => undefined);
    this.injected.on('y', this.onY);
  }
  onExit = () => undefined;
  onY = () => undefined;
  dispose() { this.injected.off('y', this.onY); process.off('exit', this.onExit); }
}
export function handler(req: EventEmitter) {
  const send = () => undefined;
  bus.on('e', send);
  req.on('close', () => bus.off('e', send));
  local.on('z', () => undefined);
}
`);
    expect(at(f, 7)).toMatchObject({ source: { text: 'process', lifetime: 'global', event: 'exit' }, handle: { kind: 'released-locally' } });
    expect(at(f, 8).source).toMatchObject({ lifetime: 'owned' });
    expect(at(f, 9).source).toMatchObject({ lifetime: 'injected' });
    expect(at(f, 17)).toMatchObject({ source: { lifetime: 'imported' }, handle: { kind: 'released-locally', api: 'off' } });
    expect(at(f, 18).source).toMatchObject({ lifetime: 'parameter' });
    expect(at(f, 19)).toMatchObject({ source: { lifetime: 'module' }, handle: { kind: 'field', ownerType: 'src/app.ts', field: 'local' } });
    expect(f.releases.filter((r) => r.fn.name === 'dispose').map((r) => r.target)).toEqual([
      { kind: 'field', field: 'injected' },
      { kind: 'field', field: 'onExit' },
    ]);
  });

  it('sees takeUntil and endless RxJS sources', () => {
    const f = facts(`import { interval, Subject, takeUntil } from 'rxjs';
export class A {
  private d$ = new Subject<void>();
  go() {
    interval(10).pipe(takeUntil(this.d$)).subscribe();
    interval(10).subscribe();
  }
}
`);
    expect(at(f, 5)).toMatchObject({ handle: { kind: 'scoped' }, source: { lifetime: 'endless' } });
    expect(at(f, 6)).toMatchObject({ handle: { kind: 'discarded' }, source: { lifetime: 'endless' } });
  });
});

describe('typescript frontend: functions and owners', () => {
  it('classifies enclosing functions: constructor, module entry, effect, route callback, test', () => {
    const f = facts(
      `import { useEffect } from 'react';
import express from 'express';
const app = express();
export class K { constructor() { setInterval(t, 1); } }
function main() { setInterval(t, 1); }
main();
export function View() { useEffect(() => { setInterval(t, 1); }, []); return null; }
app.get('/x', (req, res) => { setInterval(t, 1); });
describe('d', () => { it('i', () => { setInterval(t, 1); }); });
function t() {}
`,
      { tsx: true },
    );
    expect(at(f, 4).fn).toMatchObject({ name: 'constructor', ownerType: 'K', constructOnce: true, isEntryPoint: false });
    expect(at(f, 5).fn).toMatchObject({ name: 'main', constructOnce: true, isEntryPoint: true });
    expect(at(f, 7).fn).toMatchObject({ name: 'useEffect', ownerType: 'View', constructOnce: true });
    expect(at(f, 8).fn).toMatchObject({ name: '<app.get callback>', constructOnce: false, isTest: false });
    expect(at(f, 9).fn).toMatchObject({ isTest: true });
  });

  it('runs completion callbacks as part of the code that passes them', () => {
    const f = facts(`import pg from 'pg';
const client = new pg.Client();
client.connect(function (err) {
  setInterval(tick, 500);
});
export function handler(req: unknown) {
  fs.readFile('x', (err: Error | null) => { setInterval(tick, 1); });
  emitter.on('data', (chunk: Buffer) => { setInterval(tick, 1); });
}
function tick() {}
`);
    expect(at(f, 4).fn).toMatchObject({ name: '<module>', isEntryPoint: true });
    expect(at(f, 7).fn).toMatchObject({ name: 'handler' });
    // An event handler runs once per event, not once per call of `handler()`.
    expect(f.acquisitions.find((a) => a.site.startLine === 8 && a.kind === 'timer')!.fn).toMatchObject({ name: '<emitter.on callback>' });
  });

  it('reads `self` and `that` aliases of `this` as the owner', () => {
    const f = facts(`export class P {
  start() {
    var self = this;
    self.timer = setInterval(function () { self.poll(); }, 10);
  }
  stop() { var that = this; clearInterval(that.timer); }
}
`);
    expect(at(f, 4).handle).toMatchObject({ kind: 'field', ownerType: 'P', field: 'timer' });
    expect(f.releases[0]).toMatchObject({ api: 'clearInterval', target: { kind: 'field', field: 'timer' } });
  });

  it('collects owners, fields, teardown methods and the dispose protocol', () => {
    const f = facts(`export class R {
  private a = 1;
  constructor(private readonly b: number) { this.c = 2; }
  c: number;
  stopPolling() {}
  [Symbol.asyncDispose]() {}
  ngOnDestroy() {}
  query() {}
}
`);
    const owner = f.owners[0]!;
    expect(owner.fields.map((x) => x.name).sort()).toEqual(['a', 'b', 'c']);
    expect(owner.methods.filter((m) => m.teardown).map((m) => m.name)).toEqual(['stopPolling', '[Symbol.asyncDispose]', 'ngOnDestroy']);
    expect(owner.hasDropImpl).toBe(true);
  });

  it('finds the field a release reaches through loops, callbacks and aliases', () => {
    const f = facts(`export class T {
  close() {
    for (const t of this.timers.values()) clearInterval(t);
    [...this.workers.values()].forEach((w) => w.terminate());
    const s = this.server;
    s.close();
    const { watcher } = this;
    watcher.close();
    this.subs.get('k')?.unsubscribe();
  }
}
`);
    expect(f.releases.map((r) => [r.api, r.target])).toEqual([
      ['clearInterval', { kind: 'field', field: 'timers' }],
      ['terminate', { kind: 'field', field: 'workers' }],
      ['close', { kind: 'field', field: 'server' }],
      ['close', { kind: 'field', field: 'watcher' }],
      ['unsubscribe', { kind: 'field', field: 'subs' }],
    ]);
  });
});

describe('typescript frontend: module-level instances other files import', () => {
  it('records the instances a module exports, with the file of each class', () => {
    const f = facts(`import { JobController } from './jobs/controller';
import Store from '../store';
import { EventEmitter } from 'node:events';
class Local {}
export const jobs = new JobController();
const store = new Store();
export { store as default };
const bus = new EventEmitter();
exports.bus = bus;
module.exports.local = new Local();
export const count = 3;
let twice = new Local();
exports.twice = twice;
exports.twice = new Store();
`, { path: 'src/app/index.ts' });
    expect(f.moduleInstances).toEqual([
      { name: 'jobs', cls: 'JobController', clsFile: 'src/app/jobs/controller', line: 5 },
      { name: 'default', cls: 'Store', clsFile: 'src/store', line: 7 },
      { name: 'bus', cls: 'EventEmitter', external: true, line: 9 },
      { name: 'local', cls: 'Local', clsFile: 'src/app/index', line: 10 },
    ]);
  });

  it('records calls whose receiver is a binding imported by relative path', () => {
    const f = facts(`import { jobs } from './jobs';
import store from './store';
import * as services from './services';
import { pool } from 'pg-pool';
const { bus } = require('../bus');
export function run(jobs2: unknown) {
  jobs.start();
  store.load();
  services.mailer.verify();
  pool.connect();
  bus.attach();
}
export function shadowed() {
  const jobs = make();
  jobs.stop();
}
`, { path: 'src/app.ts' });
    const via = (callee: string) => f.calls.find((c) => c.callee === callee)?.receiverImport;
    expect(via('start')).toEqual({ name: 'jobs', file: 'src/jobs' });
    expect(via('load')).toEqual({ name: 'default', file: 'src/store' });
    expect(via('verify')).toEqual({ name: 'mailer', file: 'src/services' });
    expect(via('attach')).toEqual({ name: 'bus', file: 'bus' });
    expect(via('connect')).toBeUndefined();
    expect(via('stop')).toBeUndefined();
  });
});

describe('typescript frontend: robustness', () => {
  it('reads suppressions and counts parse errors without failing', () => {
    const f = facts(`export function a() {
  // leakaudit-ignore[task-unstoppable]: runs for the life of the worker
  setInterval(() => undefined, 10);
  const = ;
}
`);
    expect(f.suppressions).toEqual([{ line: 3, commentLine: 2, ruleIds: ['task-unstoppable'], reason: 'runs for the life of the worker' }]);
    expect(f.parseErrors).toBeGreaterThan(0);
    expect(f.acquisitions).toHaveLength(1);
  });

  it('walks very deep nesting without overflowing the stack', () => {
    const depth = 3000;
    const source = `export function a() { const x = ${'['.repeat(depth)}setInterval(() => undefined, 1)${']'.repeat(depth)}; }\n`;
    const f = facts(source);
    expect(f.acquisitions).toHaveLength(1);
    const sum = `const N = ${Array.from({ length: 20_000 }, () => '1').join(' + ')};\nexport function b() { setInterval(() => undefined, N); }\n`;
    expect(facts(sum).acquisitions).toHaveLength(1);
  });
});

describe('typescript frontend: run-once fields, waits and collections', () => {
  it('takes a lazy field initialiser for a once-per-instance guard', () => {
    const f = facts(`class S {
  a() { if (!this.io) { this.io = new Worker('a.js'); } }
  b() { this.t ??= setInterval(tick, 5); }
  c() { if (this.u != null) { return this.u; } this.u = setInterval(tick, 5); }
  d() { this.v = setInterval(tick, 5); }
}
function tick() {}
`);
    expect(f.acquisitions.map((a) => a.guardedOnce)).toEqual([
      { flag: 'this.io', line: 2, perInstance: true },
      { flag: 'this.t', line: 3, perInstance: true },
      { flag: 'this.u', line: 4, perInstance: true },
      undefined,
    ]);
  });

  it('takes a child kept in a field while the function awaits its exit for awaited, and records collections also holding a handle', () => {
    const f = facts(`import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
class R {
  async a() { this.p = spawn('x'); await once(this.p, 'exit'); }
  b() { this.q = spawn('x'); this.q.on('exit', () => {}); }
  c() { this.w = new Worker('a.js'); this.all.set(1, this.w); }
  d() { const w = new Worker('a.js'); this.last = w; this.pool.push(w); }
}
`);
    const kept = f.acquisitions.filter((a) => a.kind !== 'listener');
    expect(kept.map((a) => a.handle)).toEqual([
      { kind: 'awaited', local: 'this.p' },
      expect.objectContaining({ kind: 'field', field: 'q' }),
      expect.objectContaining({ kind: 'field', field: 'w', alsoIn: ['all'] }),
      expect.objectContaining({ kind: 'field', field: 'last', alsoIn: ['pool'] }),
    ]);
    expect(kept[1]!.handle).not.toHaveProperty('alsoIn');
  });
});
