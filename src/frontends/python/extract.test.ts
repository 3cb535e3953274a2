// Snippet -> facts: tells a frontend bug from a rule bug.
import { beforeAll, describe, expect, it } from 'vitest';
import { WasmBackend } from '../../parse/wasm-backend.js';
import { loadBuiltinModels } from '../../models/index.js';
import type { Acquisition, FileFacts } from '../../facts/types.js';
import { isTestPath, languageOf } from '../../discover/language.js';
import { extractPython } from './extract.js';

let backend: WasmBackend;
const models = loadBuiltinModels().filter((m) => m.language === 'python');

beforeAll(async () => {
  backend = await WasmBackend.create(['python']);
});

function facts(source: string, isTestFile = false, path = 'app/service.py'): FileFacts {
  const tree = backend.parse(source, 'python');
  try {
    return extractPython({ path, source, tree, models, isTestFile });
  } finally {
    tree.delete();
  }
}

function at(f: FileFacts, line: number): Acquisition {
  const a = f.acquisitions.find((x) => x.site.startLine === line);
  if (!a) throw new Error(`no acquisition on line ${line}: ${JSON.stringify(f.acquisitions.map((x) => x.site.startLine))}`);
  return a;
}

describe('python frontend', () => {
  it('reads .py and .pyi, and test code by its path', () => {
    expect(languageOf('app/main.py')).toEqual({ language: 'python', grammar: 'python' });
    expect(languageOf('stubs/x.pyi')?.language).toBe('python');
    for (const p of ['tests/test_api.py', 'app/test_api.py', 'app/api_test.py', 'conftest.py', 'pkg/conftest.py', 'chia/_tests/util.py', 't/integration/tasks.py']) expect(isTestPath(p), p).toBe(true);
    for (const p of ['app/testing_tools_x.py', 'app/contest.py', 'app/latest.py', 'art/app.py', 'app/t.py']) expect(isTestPath(p), p).toBe(false);
  });

  it('resolves import aliases and from-imports to the model call', () => {
    const f = facts(`import threading as th
from asyncio import create_task as spawn
import redis.asyncio as aioredis

def f():
    th.Thread(target=g).start()
    spawn(g())
    aioredis.Redis()
`);
    expect(f.acquisitions.map((a) => a.api)).toEqual(['threading.Thread', 'asyncio.create_task', 'redis.asyncio.Redis']);
  });

  it('follows the handle: with, async with, self field, module variable, returned, passed, closed, dropped', () => {
    const f = facts(`import asyncio, httpx, sqlite3
client = httpx.Client()

class S:
    def __init__(self):
        self.http = httpx.Client()

    async def a(self):
        async with httpx.AsyncClient() as c:
            pass
        with httpx.Client() as c2:
            pass

def b():
    return httpx.Client()

def c():
    use(httpx.Client())

def d():
    c = httpx.Client()
    c.get("x")
    c.close()

def e():
    httpx.Client()

def g():
    with sqlite3.connect("x") as conn:
        pass

def h():
    global client
    client = httpx.Client()
`);
    expect(at(f, 2).handle).toMatchObject({ kind: 'field', ownerType: 'app/service.py', field: 'client' });
    expect(at(f, 6).handle).toMatchObject({ kind: 'field', ownerType: 'S', field: 'http' });
    expect(at(f, 9).handle).toMatchObject({ kind: 'scoped', how: expect.stringContaining('async with') });
    expect(at(f, 11).handle.kind).toBe('scoped');
    expect(at(f, 15).handle.kind).toBe('returned');
    expect(at(f, 18).handle).toMatchObject({ kind: 'passed' });
    expect(at(f, 21).handle).toMatchObject({ kind: 'released-locally', local: 'c', api: 'close', onlyOnSuccess: { call: 'c.get', line: 22 } });
    expect(at(f, 26).handle.kind).toBe('discarded');
    // sqlite3's `with` ends a transaction, not the connection.
    expect(at(f, 29).handle).toMatchObject({ kind: 'local', local: 'conn' });
    expect(at(f, 34).handle).toMatchObject({ kind: 'field', ownerType: 'app/service.py', field: 'client' });
  });

  it('describes functions: __init__ and start-up hooks run once, main and the main guard are entry points, tests apart', () => {
    const f = facts(`import httpx
class K:
    def __init__(self):
        self.c = httpx.Client()
    def handle(self):
        return httpx.Client()

def main():
    httpx.Client()

if __name__ == "__main__":
    httpx.Client()

def test_thing():
    httpx.Client()
`);
    expect(at(f, 4).fn).toMatchObject({ name: '__init__', ownerType: 'K', constructOnce: true, isEntryPoint: false });
    expect(at(f, 6).fn).toMatchObject({ name: 'handle', ownerType: 'K', constructOnce: false });
    expect(at(f, 9).fn).toMatchObject({ name: 'main', isEntryPoint: true });
    expect(at(f, 12).fn).toMatchObject({ name: '<module>', isEntryPoint: true });
    expect(at(f, 15).fn).toMatchObject({ name: 'test_thing', isTest: true });
  });

  it('sees the body a task or thread runs, its loop, exits and period', () => {
    const f = facts(`import asyncio, threading, time
INTERVAL = 2 * 30

class W:
    def start(self):
        self.t = threading.Thread(target=self._loop, daemon=True)
        asyncio.create_task(client.run())
        threading.Thread(target=self._loop)

    def go(self):
        self.t.start()

    def _loop(self):
        while True:
            time.sleep(INTERVAL)

    def _stoppable(self):
        while not self._stop.is_set():
            pass

async def breaks(ws):
    while True:
        if ws.closed:
            break
        for x in ws:
            break
`);
    expect(at(f, 6).body).toMatchObject({ delegatesTo: '_loop' });
    expect(at(f, 7).body).toMatchObject({ delegatesTo: 'run', delegateOnOther: true });
    // A thread nothing starts is no acquisition.
    expect(f.acquisitions.map((a) => a.site.startLine)).toEqual([6, 7]);
    const loops = Object.fromEntries(f.loopingFunctions.map((l) => [l.name, l]));
    expect(loops['_loop']).toMatchObject({ ownerType: 'W', body: { longLived: true, loopKind: 'while True', periodMs: 60_000, exits: [] } });
    expect(loops['_stoppable']!.body.exits[0]).toMatchObject({ kind: 'cancellation' });
    // The inner for's break does not leave the while; the if's does.
    expect(loops['breaks']!.body.exits).toHaveLength(1);
    expect(loops['breaks']!.body.exits[0]).toMatchObject({ kind: 'cancellation', detail: 'break when ws.closed', line: 24 });
  });

  it('records releases on fields, through loops over a field, and registered for later', () => {
    const f = facts(`import asyncio, atexit
class P:
    def stop(self):
        self._task.cancel()
        for t in self._tasks:
            t.cancel()
        atexit.register(self._pool.shutdown)
`);
    expect(f.releases.map((r) => [r.api, r.target])).toEqual([
      ['cancel', { kind: 'field', field: '_task' }],
      ['cancel', { kind: 'field', field: '_tasks' }],
      ['shutdown', { kind: 'field', field: '_pool' }],
    ]);
    expect(f.owners[0]).toMatchObject({ name: 'P', methods: [{ name: 'stop', teardown: true }] });
  });

  it('records calls: self methods name the class, Cls() its __init__, module functions their module', () => {
    const f = facts(`import app.db as db
class K(base.Service):
    def run(self):
        self.step()
        Worker()
        db.connect()
        other.go()
        super().__init__()
        handle.__init__(1)
`);
    const calls = f.calls.map((c) => `${c.callee}|${c.calleeOwner ?? ''}|${c.calleeModule ?? ''}`);
    // `super().__init__()` runs the base class's; `handle.__init__()` constructs nothing.
    expect(calls).toEqual(['step|K|', '__init__|Worker|', 'constructor|Worker|', 'connect||db', 'go|?|', '__init__|Service|']);
  });

  it('reads suppressions in # comments and TaskGroup tasks as scoped', () => {
    const f = facts(`import asyncio
async def f():
    # leakaudit-ignore[task-unstoppable]: runs for the process
    asyncio.create_task(g())
    async with asyncio.TaskGroup() as tg:
        tg.create_task(g())
`);
    expect(f.suppressions).toEqual([{ line: 4, commentLine: 3, ruleIds: ['task-unstoppable'], reason: 'runs for the process' }]);
    expect(at(f, 6).handle).toMatchObject({ kind: 'scoped', how: expect.stringContaining('TaskGroup') });
  });
});

describe('python frontend: fields that guard a start once per instance', () => {
  it('takes a field of self set by what it guards for a once-per-instance guard, also under a lock', () => {
    const f = facts(`import asyncio, threading
class H:
    def a(self):
        if self._started:
            return
        self._started = True
        threading.Thread(target=self.run).start()
    async def b(self):
        async with self._lock:
            if self._task is None:
                self._task = asyncio.create_task(self.tick())
    def c(self):
        if self._thread is None:
            print("no thread")
        threading.Thread(target=self.run).start()
`);
    expect(f.acquisitions.map((a) => a.guardedOnce)).toEqual([
      { flag: 'self._started', line: 4, perInstance: true },
      { flag: 'self._task', line: 10, perInstance: true },
      undefined,
    ]);
  });
});
