// A generated Rust tree for the extraction tests: enough files, of mixed
// sizes, with every kind of fact and every awkward input (syntax errors,
// invalid UTF-8, UTF-16, a binary file, suppressions), so that worker
// scheduling, ordering and the cache all have something to get wrong.
import { makeTree } from '../helpers.js';

const LEAKY_TASK = (n: number): string => `
pub struct Poller${n} {
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl Poller${n} {
    pub fn start(&mut self) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(${n + 1}));
            loop {
                tick.tick().await;
                refresh_${n}().await;
            }
        });
    }
}
`;

const CLEAN_TASK = (n: number): string => `
pub struct Worker${n} {
    task: tokio::task::JoinHandle<()>,
}

impl Worker${n} {
    pub fn new(mut rx: tokio::sync::mpsc::Receiver<u32>) -> Self {
        let task = tokio::spawn(async move {
            while let Some(v) = rx.recv().await {
                handle_${n}(v).await;
            }
        });
        Self { task }
    }
}

impl Drop for Worker${n} {
    fn drop(&mut self) {
        self.task.abort();
    }
}
`;

const CONNECTION = (n: number): string => `
pub fn lookup_${n}(path: &str, id: i64) -> rusqlite::Result<String> {
    let conn = rusqlite::Connection::open(path)?;
    conn.query_row("SELECT name FROM t WHERE id = ?1", [id], |r| r.get(0))
}
`;

const SUPPRESSED = (n: number): string => `
pub fn heartbeat_${n}() {
    // leakaudit-ignore[task-unstoppable]: runs for the life of the process by design
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_millis(${100 * (n + 1)}));
    });
}
`;

const FILLER = (n: number): string => `
/// Plain code with no resources: most of a real tree looks like this.
pub fn compute_${n}(values: &[u64]) -> u64 {
    let mut total = 0;
    for v in values.iter() {
        if v % 3 == 0 {
            total += v * ${n};
        } else {
            total = total.wrapping_sub(*v);
        }
    }
    total
}
`;

const PIECES = [LEAKY_TASK, CLEAN_TASK, CONNECTION, SUPPRESSED, FILLER];

/** Module `i`: a different mix and size for every file; a few are large. */
function moduleSource(i: number): string {
  const parts: string[] = ['use std::sync::Arc;\n'];
  const count = i % 9 === 0 ? 160 : 2 + (i % 7);
  for (let k = 0; k < count; k++) parts.push(PIECES[(i + k) % PIECES.length]!(i * 1000 + k));
  return parts.join('');
}

/** With `crates`, one Cargo package per name (crates/NAME), each holding the whole tree. */
export function makeGeneratedTree(moduleCount = 48, crates: string[] = []): string {
  const files: Record<string, string | Uint8Array> = {};
  for (const base of crates.length > 0 ? crates.map((c) => `crates/${c}/`) : ['']) {
    if (base) files[`${base}Cargo.toml`] = `[package]\nname = "${base.split('/')[1]}"\nversion = "0.1.0"\n`;
    for (let i = 0; i < moduleCount; i++) files[`${base}src/m${String(i).padStart(3, '0')}/mod.rs`] = moduleSource(i);
    files[`${base}src/broken.rs`] = 'fn broken( {\n  let x = ;\n}\nfn fine() { tokio::spawn(async { loop {} }); }\n';
    files[`${base}src/latin1.rs`] = Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\nfn f() { tokio::spawn(async { loop {} }); }\n')]);
    files[`${base}src/utf16.rs`] = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('fn g() { std::thread::spawn(|| loop {}); }\n', 'utf16le')]);
    files[`${base}src/blob.rs`] = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]);
    files[`${base}tests/integration.rs`] = `#[tokio::test]\nasync fn t() { tokio::spawn(async { loop {} }); }\n`;
    files[`${base}src/empty.rs`] = '';
  }
  return makeTree(files);
}
