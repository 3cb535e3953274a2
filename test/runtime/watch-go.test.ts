// `leakaudit watch` on a Go target: a service built from
// fixtures/go-socket-service with Debian's `go` (standard library only, so it
// builds offline) leaks one goroutine-held socket per cycle in MODE=leaky and
// none in MODE=fixed. Skipped where no Go toolchain is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, readWatchJson, runWatchCli } from './watch-cli.js';

const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
let binary = '';

function cycleArgs(dir: string, cycles: number): string[] {
  const port = join(dir, 'port');
  return [
    '--interval', '100ms',
    '--cycle', `curl -fsS -X POST http://127.0.0.1:$(cat ${port})/cycle`,
    '--cycles', String(cycles),
    '--settle', '100ms',
    '--ready', `test -s ${port}`,
    '--fail-on-growth',
    '--json', join(dir, 'watch.json'),
    '--', 'env', `PORT_FILE=${port}`,
  ];
}

describe.runIf(process.platform === 'linux' && hasGo)('leakaudit watch on a Go service', () => {
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-go-build-'));
    binary = join(dir, 'go-socket-service');
    // Offline and outside any module: a single file importing only the standard library.
    execFileSync('go', ['build', '-o', binary, join(FIXTURES, 'go-socket-service', 'main.go')], {
      cwd: dir,
      env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', GO111MODULE: 'off', GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'leakaudit-go-cache') },
      stdio: 'pipe',
    });
  }, 120_000);

  it('reports the leaky service as leaking one socket per cycle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-go-leaky-'));
    const run = await runWatchCli([...cycleArgs(dir, 8), 'MODE=leaky', binary]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const json = readWatchJson(join(dir, 'watch.json'));
    expect(json.metrics.find((m) => m.name === 'fds.socket')).toMatchObject({ verdict: 'growing', perCycle: 1 });
    expect(run.stdout).toMatch(/LEAKING: .*fds\.socket \+1 per cycle/);
  }, 120_000);

  it('reports the fixed service as stable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-go-fixed-'));
    const run = await runWatchCli([...cycleArgs(dir, 8), 'MODE=fixed', binary]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const json = readWatchJson(join(dir, 'watch.json'));
    expect(json.metrics.filter((m) => m.verdict === 'growing').map((m) => m.name)).toEqual([]);
    expect(run.stdout).toContain('STABLE: no metric grows over 8 cycles');
  }, 120_000);
});
