// Priorities and wording of task-unstoppable on small projects.
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../pipeline/run-audit.js';
import { makeTree } from '../../../test/helpers.js';

async function audit(files: Record<string, string>) {
  const root = makeTree(files);
  return (await runAudit({ paths: [root] })).findings.filter((f) => f.ruleId === 'task-unstoppable');
}

const LOOPING_THREAD = `
pub fn start_updater() {
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(60 * 60 * 24));
    });
}
`;

describe('task-unstoppable', () => {
  it('is P0 with period, growth and stackless impact for a tokio task per call', async () => {
    const [f] = await audit({
      'src/server.rs': `
impl Server {
    pub async fn restart(&self) {
        tokio::spawn(async move {
            loop { tokio::time::sleep(tokio::time::Duration::from_secs(30)).await; }
        });
    }
}
pub async fn on_request() { let server = Server::new(); server.restart().await; }`,
    });
    expect(f).toMatchObject({ priority: 'P0', severity: 'critical', confidence: 'high', kind: 'task', symbol: 'Server::restart' });
    expect(f!.message).toContain('every 30 s');
    expect(f!.growth).toBe('+1 task per call of `Server::restart()`');
    expect(f!.impact).toContain('stackless');
    expect(f!.impact).toContain('120 wake-ups per hour');
  });

  it('gives a std thread its 2 MiB stack in the impact', async () => {
    const [f] = await audit({ 'src/lib.rs': `${LOOPING_THREAD}\npub fn on_request() { start_updater(); }` });
    expect(f).toMatchObject({ priority: 'P0', kind: 'thread' });
    expect(f!.impact).toContain('2 MiB stack');
    expect(f!.impact).toContain('1 wake-up per day');
  });

  it('is P2 when the function is only started from main', async () => {
    const [f] = await audit({ 'src/lib.rs': LOOPING_THREAD, 'src/main.rs': 'fn main() { lib::start_updater(); }' });
    expect(f).toMatchObject({ priority: 'P2', messageId: 'entryPoint' });
    expect(f!.growth).toContain('started from `main()` via `start_updater()`');
  });

  it('is P1 at medium confidence when its only calls are through a receiver of unknown type', async () => {
    const [f] = await audit({
      'src/a.rs': `impl A { pub fn register(&self) { tokio::spawn(async move { loop { tokio::time::sleep(tokio::time::Duration::from_secs(1)).await; } }); } }`,
      'src/main.rs': 'pub fn on_message() { let a = make(); a.register(); }',
    });
    expect(f).toMatchObject({ priority: 'P1', confidence: 'medium' });
    expect(f!.evidence).toContain('`A::register()` is called only through receivers whose type leakaudit could not tell: how often it runs was not seen');
  });

  it('is P2 when its only call through a receiver of unknown type is made by the entry point: it runs once, whatever it reaches', async () => {
    const [f] = await audit({
      'src/a.rs': `impl A { pub fn register(&self) { tokio::spawn(async move { loop { tokio::time::sleep(tokio::time::Duration::from_secs(1)).await; } }); } }`,
      'src/main.rs': 'fn main() { let a = make(); a.register(); }',
    });
    expect(f).toMatchObject({ priority: 'P2', lifetime: 'process' });
  });

  it('does not say "nothing calls it" as a fact: P1, medium confidence, worded as not found', async () => {
    const [f] = await audit({
      'src/a.rs': `impl A { pub fn register(&self) { tokio::spawn(async move { loop { tokio::time::sleep(tokio::time::Duration::from_secs(1)).await; } }); } }`,
    });
    expect(f).toMatchObject({ priority: 'P1', confidence: 'medium' });
    expect(f!.evidence.some((e) => e.startsWith('no caller of `A::register()` was found in the files read'))).toBe(true);
  });

  it("words a missing teardown in the finding's language: Drop for Rust, never for JavaScript", async () => {
    const [rust] = await audit({
      'src/a.rs': `pub struct Ticker;\nimpl Ticker {\n    pub fn start(&self) {\n        tokio::spawn(async move { loop { tick().await; } });\n    }\n}\npub fn on_request() { Ticker::start(&Ticker); }\n`,
    });
    expect(rust!.evidence).toContain('`Ticker` has no Drop impl or teardown method (close/shutdown/stop)');
    const [js] = await audit({
      'src/a.js': `class Ticker {\n  begin() {\n    setInterval(() => tick(), 1000);\n  }\n}\nexport function onRequest() { new Ticker().begin(); }\n`,
    });
    expect(js!.evidence.some((e) => e.startsWith('`Ticker` has no teardown method (close/stop/dispose/destroy/disconnect'))).toBe(true);
    expect(js!.evidence.join(' ')).not.toContain('Drop');
  });

  it('does not name `this` as a type when the object it is cannot be read as an owner', async () => {
    const [f] = await audit({
      'src/widget.js': `export const widgets = [];\nwidgets.push({\n  show() {\n    this.timer = setInterval(() => this.draw(), 1000);\n  },\n  draw() {},\n});\n`,
    });
    expect(f!.evidence.some((e) => e.startsWith('the object `this` is here (not read as a class or owner'))).toBe(true);
    expect(f!.evidence.some((e) => e.startsWith('`this` has'))).toBe(false);
  });

  it('never says "nothing calls" a function handed over as a value (http.createServer(handle), thread::spawn(worker))', async () => {
    const ts = await audit({
      'src/server.js': `import http from 'node:http';
function handle(req, res) {
  setInterval(() => res.write('.'), 1000);
}
export function serve() { http.createServer(handle).listen(8080); }
`,
    });
    const rs = await audit({
      'src/lib.rs': `fn worker() { loop { std::thread::sleep(std::time::Duration::from_secs(1)); } }
pub fn start() {
    std::thread::spawn(worker);
    loop { std::thread::sleep(std::time::Duration::from_secs(1)); }
}
fn helper() { std::thread::spawn(move || loop { std::thread::sleep(std::time::Duration::from_secs(5)); }); }
pub fn run_all() { let _ = [1].iter().for_each(|_| ()); std::thread::spawn(helper); }
`,
    });
    const f = ts.find((x) => x.symbol === 'handle');
    expect(f?.evidence.some((e) => e.startsWith('nothing in this project calls'))).toBe(false);
    expect(f?.evidence).toContain('`handle()` is handed over as a value (a callback or handler) in `serve()`, and runs whenever what it was handed to calls it: how often is not known');
    const g = rs.find((x) => x.symbol === 'helper');
    expect(g?.evidence.some((e) => e.startsWith('nothing in this project calls'))).toBe(false);
    expect(g?.evidence).toContain('`helper()` is handed over as a value (a callback or handler) in `run_all()`, and runs whenever what it was handed to calls it: how often is not known');
  });
});
