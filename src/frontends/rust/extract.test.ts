// Snippet -> facts: tells a frontend bug from a rule bug.
import { beforeAll, describe, expect, it } from 'vitest';
import { WasmBackend } from '../../parse/wasm-backend.js';
import { loadBuiltinModels } from '../../models/index.js';
import type { FileFacts } from '../../facts/types.js';
import { extractRust } from './extract.js';

let backend: WasmBackend;
const models = loadBuiltinModels().filter((m) => m.language === 'rust');

beforeAll(async () => {
  backend = await WasmBackend.create(['rust']);
});

function facts(source: string, isTestFile = false, path = 'lib.rs'): FileFacts {
  const tree = backend.parse(source, 'rust');
  try {
    return extractRust({ path, source, tree, models, isTestFile });
  } finally {
    tree.delete();
  }
}

describe('rust frontend', () => {
  it('reads an impl for a tuple type without failing (its type name holds a parenthesis)', () => {
    const f = facts(`
impl Into<SessionInfo> for (EndpointDescription, client::IdentityToken) {
    fn into(self) -> SessionInfo { SessionInfo::new(self.0, self.1) }
}
`);
    expect(f.parseErrors).toBe(0);
  });

  it('names the type or the module a path call goes to, and the module of each free function', () => {
    const f = facts(
      `
fn build() {
    let _a = cache::memory::new();
    let _b = crate::db::Pool::new(4);
    let _c = crc::Crc::<u32>::new(7);
    let _d = Vec::<u8>::with_capacity(3);
    super::helpers::tidy();
}
mod inner {
    pub fn start() { tokio::spawn(async {}); }
}
trait Id: Sized {
    fn new(raw: u64) -> Self;
    fn zero() -> Self { Self::new(0) }
}
`,
      false,
      'src/store/mod.rs',
    );
    const call = (callee: string) => f.calls.find((c) => c.callee === callee);
    expect(call('new')).toMatchObject({ calleeModule: 'memory', caller: 'build', callerModule: 'store' });
    expect(f.calls.filter((c) => c.callee === 'new' && c.caller === 'build').map((c) => c.calleeOwner ?? c.calleeModule)).toEqual(['memory', 'Pool', 'Crc']);
    expect(call('with_capacity')).toMatchObject({ calleeOwner: 'Vec' });
    expect(call('tidy')).toMatchObject({ calleeModule: 'helpers' });
    // A trait's default method calls whichever type implements it: not a free `new`.
    expect(f.calls.find((c) => c.caller === 'zero')).toMatchObject({ callee: 'new', calleeOwner: '?' });
    expect(f.acquisitions[0]!.fn).toMatchObject({ name: 'start', module: 'inner' });
    expect(facts('fn main() { tokio::spawn(async {}); }', false, 'src/main.rs').acquisitions[0]!.fn.module).toBeUndefined();
    expect(facts('fn go() { tokio::spawn(async {}); }', false, 'src/jobs/sweep.rs').acquisitions[0]!.fn.module).toBe('sweep');
  });

  it('resolves spawn through use lists, aliases and globs', () => {
    const f = facts(`
use tokio::{spawn, task as t};
use std::thread::*;
fn a() { spawn(async {}); t::spawn(async {}); spawn_blocking_not_a_model(); }
fn b() { std::thread::spawn(|| {}); }
`);
    expect(f.acquisitions.map((a) => [a.modelId, a.api])).toEqual([
      ['tokio.spawn', 'spawn'],
      ['tokio.spawn', 't::spawn'],
      ['std.thread.spawn', 'std::thread::spawn'],
    ]);
    expect(f.imports).toEqual(expect.arrayContaining(['std', 'tokio']));
  });

  it('reads the period, loop kind, ignored errors and captures of a spawned body', () => {
    const f = facts(`
const EVERY: Duration = Duration::from_millis(2 * 500);
fn start(tx: Sender<u8>) {
    let name = String::new();
    tokio::spawn(async move {
        let mut i = tokio::time::interval(EVERY);
        loop {
            i.tick().await;
            let _ = tx.send(1);
            println!("{}", name);
        }
    });
}`);
    const body = f.acquisitions[0]!.body!;
    expect(body).toMatchObject({ longLived: true, loopKind: 'loop ticking an interval', periodMs: 1000, exits: [] });
    expect(body.ignoredErrors).toEqual(['let _ = tx.send(1)']);
    expect(body.captures).toEqual(['name', 'tx']);
  });

  it('classifies loop exits', () => {
    const f = facts(`
fn a(mut rx: Receiver<u8>, tx: Sender<u8>, token: CancellationToken) {
    tokio::spawn(async move { while let Some(x) = rx.recv().await { drop(x); } });
    tokio::spawn(async move { loop { tx.send(1).await?; } });
    tokio::spawn(async move { loop { tokio::select! { _ = token.cancelled() => break, } } });
    tokio::spawn(async move { loop { for i in 0..3 { if i == 2 { break; } } } });
}`);
    const exits = f.acquisitions.map((a) => a.body!.exits.map((e) => e.kind));
    expect(exits).toEqual([['channel-closed'], ['send-failed'], ['cancellation'], []]);
  });

  it('follows the handle: discarded, field, released, awaited, returned, passed', () => {
    const f = facts(`
impl S {
    fn a(&mut self) { tokio::spawn(async {}); }
    fn b(&mut self) { let h = tokio::spawn(async {}); self.task = Some(h); }
    fn c(&mut self) { let h = tokio::spawn(async {}); h.abort(); }
    async fn d(&mut self) { let h = tokio::spawn(async {}); h.await.ok(); }
    fn e(&mut self) -> JoinHandle<()> { tokio::spawn(async {}) }
    fn f(&mut self) { self.handles.push(tokio::spawn(async {})); }
    fn g(&mut self) { let h = { tokio::spawn(async {}) }; consume(h); }
    fn h(&mut self) { let _unused = tokio::spawn(async {}); }
}`);
    expect(f.acquisitions.map((a) => a.handle.kind)).toEqual(['discarded', 'field', 'released-locally', 'awaited', 'returned', 'field', 'passed', 'discarded']);
    expect(f.acquisitions[1]!.handle).toMatchObject({ ownerType: 'S', field: 'task' });
  });

  it('records owners, teardown methods and releases of fields through locals', () => {
    const f = facts(`
struct Server { task: Option<JoinHandle<()>>, workers: Vec<JoinHandle<()>> }
impl Drop for Server {
    fn drop(&mut self) {
        if let Some(h) = self.task.take() { h.abort(); }
        for w in self.workers.drain(..) { w.abort(); }
    }
}`);
    expect(f.owners).toEqual([
      expect.objectContaining({ name: 'Server', hasDropImpl: true, fields: [{ name: 'task', type: 'Option<JoinHandle<()>>' }, { name: 'workers', type: 'Vec<JoinHandle<()>>' }] }),
    ]);
    expect(f.releases.filter((r) => r.api === 'abort').map((r) => [r.api, r.target])).toEqual([
      ['abort', { kind: 'field', field: 'task' }],
      ['abort', { kind: 'field', field: 'workers' }],
    ]);
  });

  it('records the chain of fields a release goes through, past accessors without arguments', () => {
    const f = facts(`
struct Server { inner: Inner, state: Mutex<State> }
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.inner.child.kill();
        let _ = self.state.lock().unwrap().proc.child.wait();
        if let Some(h) = self.inner.pump.take() { h.abort(); }
    }
}`);
    expect(f.releases.map((r) => [r.api, r.target])).toEqual([
      ['kill', { kind: 'field', field: 'inner', path: ['inner', 'child'] }],
      ['wait', { kind: 'field', field: 'state', path: ['state', 'proc', 'child'] }],
      ['abort', { kind: 'field', field: 'inner', path: ['inner', 'pump'] }],
    ]);
  });

  it('marks what runs in the one-time initialiser of a static as once per process', () => {
    const f = facts(`
static T: LazyLock<()> = LazyLock::new(|| { std::thread::spawn(|| loop {}); });
const C: Lazy<()> = Lazy::new(|| { std::thread::spawn(|| loop {}); });
static CELL: OnceCell<()> = OnceCell::new();
fn per_call() {
    CELL.get_or_init(|| { std::thread::spawn(|| loop {}); });
    let local = OnceCell::new();
    local.get_or_init(|| { std::thread::spawn(|| loop {}); });
}`);
    expect(f.acquisitions.map((a) => a.guardedOnce)).toEqual([
      { flag: 'T', line: 2, lazyStatic: true },
      undefined,
      { flag: 'CELL', line: 6, lazyStatic: true },
      undefined,
    ]);
  });

  it('marks test code and constructors', () => {
    const f = facts(`
impl Store { pub fn new(p: &str) -> Result<Self> { let c = rusqlite::Connection::open(p)?; Ok(Self { c }) } }
fn op(p: &str) { let c = rusqlite::Connection::open(p).unwrap(); }
#[cfg(test)]
mod tests { #[test] fn t() { let c = rusqlite::Connection::open_in_memory().unwrap(); } }
`);
    expect(f.acquisitions.map((a) => [a.fn.name, a.fn.constructOnce, a.fn.isTest, a.handle.kind])).toEqual([
      ['new', true, false, 'field'],
      ['op', false, false, 'discarded'],
      ['t', false, true, 'discarded'],
    ]);
  });

  it('reads an impl for a tuple type, whose name holds pattern characters', () => {
    // The impl's type name here is `Token)`: it must be matched literally, not compiled as a pattern.
    const f = facts(`
impl Into<Info> for (Endpoint, client::Token) {
    fn into(self) -> Info { Info::new(self.0, self.1) }
}
impl From<(u8, client::Token)> for Info {
    fn from(pair: (u8, client::Token)) -> Self { tokio::spawn(async {}); Info::default() }
}
`);
    expect(f.acquisitions.map((a) => [a.modelId, a.fn.name])).toEqual([['tokio.spawn', 'from']]);
  });

  it('parses suppressions and survives syntax errors', () => {
    const f = facts(`
// leakaudit-ignore[task-unstoppable]: lives as long as the process
fn main() { tokio::spawn(async { loop {} }); }
fn broken( { let x = ; }
fn after() { tokio::spawn(async {}); }
`);
    expect(f.suppressions).toEqual([{ line: 3, commentLine: 2, ruleIds: ['task-unstoppable'], reason: 'lives as long as the process' }]);
    expect(f.parseErrors).toBeGreaterThan(0);
    expect(f.acquisitions.map((a) => a.fn.name)).toContain('after');
  });
});
