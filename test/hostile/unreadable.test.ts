// Directories that cannot be listed and files that vanish: one line each, the
// rest of the run goes on. (Tests run as root in CI, where permissions cannot
// deny a read, so the failure is injected at the fs boundary.)
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const denied = new Set<string>();
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    readdirSync: ((path: string, opts?: unknown) => {
      if (denied.has(String(path))) throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(path)}'`), { code: 'EACCES' });
      return fs.readdirSync(path, opts as never);
    }) as typeof fs.readdirSync,
  };
});

const { runAudit } = await import('../../src/pipeline/run-audit.js');
const { extractFile } = await import('../../src/parse/extract-file.js');
const { discover } = await import('../../src/discover/walk.js');
const { WasmBackend } = await import('../../src/parse/wasm-backend.js');
const { loadBuiltinModels } = await import('../../src/models/index.js');
const { makeTree } = await import('../helpers.js');

const LEAK = 'pub fn start() { tokio::spawn(async move { loop { tokio::time::sleep(tokio::time::Duration::from_secs(1)).await; } }); }\n';

describe('unreadable input', () => {
  it('a directory that cannot be listed is skipped with the reason', async () => {
    const root = makeTree({ 'src/leak.rs': LEAK, 'secret/inner.rs': LEAK });
    denied.add(join(root, 'secret'));
    const result = await runAudit({ paths: [root], jobs: 0, cacheDir: join(root, '.c') });
    expect(result.skipped).toContainEqual({ relPath: 'secret', reason: 'cannot list directory: EACCES' });
    expect(result.findings.map((f) => f.location.path)).toEqual(['src/leak.rs']);
  });

  it('a file deleted between discovery and read is skipped with the reason', async () => {
    const root = makeTree({ 'src/leak.rs': LEAK, 'src/gone.rs': LEAK });
    const discovery = await discover({ root, paths: [root], maxFileBytes: 1 << 20 });
    rmSync(join(root, 'src', 'gone.rs'));
    const backend = await WasmBackend.create(['rust']);
    const outcomes = await Promise.all(discovery.files.map((f) => extractFile(f, backend, loadBuiltinModels())));
    expect(outcomes.filter((o) => !o.ok)).toEqual([{ ok: false, relPath: 'src/gone.rs', reason: 'cannot read: ENOENT' }]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  });
});
