// `leakaudit watch` on a Python target (Debian's python3): a worker thread
// restarted per cycle, leaked when nothing stops it, stable when an Event does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, readWatchJson, runWatchCli } from './watch-cli.js';

const SERVICE = join(FIXTURES, 'thread-service.py');
const PYTHON = '/usr/bin/python3';

function hasPython(): boolean {
  try {
    execFileSync(PYTHON, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function restartArgs(dir: string, mode: 'leaky' | 'fixed'): string[] {
  const port = join(dir, 'port');
  return [
    '--interval', '100ms',
    '--cycle', `curl -fsS -X POST http://127.0.0.1:$(cat ${port})/restart`,
    '--cycles', '8',
    '--settle', '150ms',
    '--ready', `test -s ${port}`,
    '--fail-on-growth',
    '--json', join(dir, 'watch.json'),
    '--', 'env', `PORT_FILE=${port}`, `MODE=${mode}`, PYTHON, SERVICE,
  ];
}

describe.runIf(process.platform === 'linux' && hasPython())('leakaudit watch on a Python service', () => {
  it('reports one leaked thread per cycle when the old worker is never stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-py-leaky-'));
    const run = await runWatchCli(restartArgs(dir, 'leaky'));
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const json = readWatchJson(join(dir, 'watch.json'));
    expect(json.metrics.find((m) => m.name === 'threads')).toMatchObject({ verdict: 'growing', perCycle: 1 });
    expect(run.stdout).toMatch(/LEAKING: .*threads \+1 per cycle/);
  });

  it('reports the service as stable when each worker is stopped before the next starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-py-fixed-'));
    const run = await runWatchCli(restartArgs(dir, 'fixed'));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const json = readWatchJson(join(dir, 'watch.json'));
    expect(json.metrics.filter((m) => m.verdict === 'growing').map((m) => m.name)).toEqual([]);
    expect(json.metrics.find((m) => m.name === 'threads')?.max).toBeGreaterThan(1);
  });
});
