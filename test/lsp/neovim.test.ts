// A real editor: Debian's Neovim, headless, with its built-in LSP client,
// opens a fixture; the test reads back the diagnostics and hover it received
// and checks that the server ended when Neovim quit. .ci/run installs neovim;
// locally the test skips when it is absent.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers.js';

const NVIM = '/usr/bin/nvim';
const SKIP_REASON = existsSync(NVIM) || process.env.CI ? undefined : `${NVIM} is not installed (apt-get install -y neovim); the Neovim test is skipped`;
if (SKIP_REASON) console.warn(`leakaudit: ${SKIP_REASON}`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(SKIP_REASON !== undefined)('Neovim as the LSP client', () => {
  it('shows the findings of the opened file as diagnostics, hovers them, and stops the server on quit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'leakaudit-nvim-'));
    cpSync(join(import.meta.dirname, 'fixtures', 'workspace'), root, { recursive: true });
    const out = join(root, 'nvim-result.json');
    const r = spawnSync(NVIM, ['--headless', '--clean', '-u', join(import.meta.dirname, 'nvim-init.lua'), join(root, 'src', 'service.ts')], {
      cwd: root,
      env: { ...process.env, LEAKAUDIT_BIN: BIN, LEAKAUDIT_ROOT: root, LEAKAUDIT_OUT: out, XDG_CACHE_HOME: join(root, '.xdg-cache'), XDG_STATE_HOME: join(root, '.xdg-state') },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      pid: number;
      diagnostics: { lnum: number; col: number; severity: number; source: string; message: string; code: string; related: number }[];
      hover: string;
    };
    expect(result.diagnostics).toEqual([
      {
        lnum: 8,
        col: 4,
        severity: 1,
        source: 'leakaudit',
        code: 'task-unstoppable',
        message: '`processQueue()` in `QueueService::enqueue()` starts a `for (;;)` every 250 ms that never stops: its promise is dropped (P0, high confidence)',
        related: 5,
      },
    ]);
    expect(result.hover).toContain('**Growth:** +1 task per call of `QueueService::enqueue()`');
    expect(result.hover).toContain('**Fix:** Give the loop an `AbortSignal`');
    // Neovim sent shutdown and exit on quit: the server is gone.
    const deadline = Date.now() + 10_000;
    while (alive(result.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(result.pid)).toBe(false);
  });
});
