// Test helpers: run the built CLI as a user would, make throwaway trees.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const REPO = join(import.meta.dirname, '..');
export const BIN = join(REPO, 'bin', 'leakaudit.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '1', ...opts.env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temp directory filled from a map of relative path -> content. */
export function makeTree(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'leakaudit-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

/** A Rust server whose `start()` spawns a loop it keeps in a field: leaky as is, fixed by a `Drop` that aborts it. */
export const RUST_SERVER_LEAKY = `
pub struct Server { task: Option<tokio::task::JoinHandle<()>> }
impl Server {
    pub fn start(&mut self) {
        self.task = Some(tokio::spawn(async move { loop { tokio::time::sleep(tokio::time::Duration::from_secs(1)).await; } }));
    }
}
`;
export const RUST_SERVER_FIXED = `${RUST_SERVER_LEAKY}
impl Drop for Server {
    fn drop(&mut self) { if let Some(t) = self.task.take() { t.abort(); } }
}
`;
