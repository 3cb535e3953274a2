// SIGINT / SIGTERM in the middle of an audit: a short note, exit 130 / 143,
// and a cache the next run can still use.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, makeTree, runCli } from '../helpers.js';

function bigTree(): string {
  const files: Record<string, string> = {};
  const body = Array.from({ length: 200 }, (_, i) => `pub fn f${i}(x: u64) -> u64 { let y = x * ${i}; if y > 10 { y - 1 } else { y + 1 } }`).join('\n');
  // Big enough that a cold run lasts well past the signal, even on an idle machine.
  for (let i = 0; i < 1200; i++) files[`src/m${i}.rs`] = body;
  files['src/leak.rs'] = 'pub fn start() { tokio::spawn(async move { loop { tokio::time::sleep(tokio::time::Duration::from_secs(1)).await; } }); }';
  return makeTree(files);
}

function interruptAfterStart(root: string, cacheDir: string, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, root, '--cache-dir', cacheDir, '--jobs', '1'], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Signal once the process is clearly inside the audit (the WASM grammar loads first).
    setTimeout(() => child.kill(signal), 2500);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('interrupting an audit', () => {
  const root = bigTree();
  const cacheDir = join(root, '.cache-test');

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s ends the run with exit %i and a note', { timeout: 120_000 }, async (signal, code) => {
    const r = await interruptAfterStart(root, `${cacheDir}-${signal}`, signal);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(`interrupted by ${signal}`);
  });

  // A full cold-ish run of the big tree: generous on a loaded 2-core machine.
  it('leaves a cache the next run reads without error', { timeout: 180_000 }, () => {
    const r = runCli([root, '--cache-dir', `${cacheDir}-SIGTERM`, '-f', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { location: { path: string } }) => f.location.path)).toEqual(['src/leak.rs']);
    expect(report.skipped).toEqual([]);
  });
});
