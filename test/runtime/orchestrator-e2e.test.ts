// The reference example services (examples/orchestrator-leaky and -fixed)
// under runtime verification: `watch` with restart cycles over HTTP, and
// leakaudit/testing in a node:test suite restarting the API server in-process.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, readWatchJson, REPO, runWatchCli } from './watch-cli.js';

const EXAMPLES = join(REPO, 'examples');
const SERVICES = ['orchestrator-leaky', 'orchestrator-fixed'] as const;

beforeAll(() => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', ...SERVICES.map((name) => join(EXAMPLES, name))], { stdio: 'pipe' });
}, 120_000);

/** watch arguments: restart the API once per cycle and wait until /health shows the new generation. */
function restartCycles(dir: string, service: string, cycles: number): string[] {
  const log = join(dir, 'service.log');
  const url = `$(grep -om1 'http://127.0.0.1:[0-9]*' ${log})`;
  return [
    '--interval', '200ms',
    '--log', log,
    '--ready', `grep -q listening ${log}`,
    '--cycle', `URL=${url}; curl -fsS -X POST $URL/restart >/dev/null && until curl -fs $URL/health | grep -q "\\"generation\\":$LEAKAUDIT_CYCLE[,}]"; do sleep 0.05; done`,
    '--cycles', String(cycles),
    '--fail-on-growth',
    '--json', join(dir, 'watch.json'),
    '--', 'env', 'PORT=0', `DATA_DIR=${join(dir, 'data')}`, process.execPath, join(EXAMPLES, service, 'dist', 'main.js'),
  ];
}

describe.runIf(process.platform === 'linux')('watch on the reference services', () => {
  it('orchestrator-leaky grows one timer per API restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-orchestrator-leaky-'));
    const run = await runWatchCli(restartCycles(dir, 'orchestrator-leaky', 8));
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const json = readWatchJson(join(dir, 'watch.json'));
    expect(json.metrics.find((m) => m.name === 'node:Timeout')).toMatchObject({ verdict: 'growing', perCycle: 1 });
    expect(json.metrics.filter((m) => m.verdict === 'growing').map((m) => m.name)).toEqual(['node:Timeout']);
    expect(run.stdout).toMatch(/LEAKING: node:Timeout \+1 per cycle/);
  });

  it('orchestrator-fixed is stable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-orchestrator-fixed-'));
    const run = await runWatchCli(restartCycles(dir, 'orchestrator-fixed', 8));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const json = readWatchJson(join(dir, 'watch.json'));
    expect(json.metrics.filter((m) => m.verdict === 'growing').map((m) => m.name)).toEqual([]);
    expect(json.metrics.find((m) => m.name === 'fds.sqlite-db')?.max).toBeGreaterThan(0); // the one shared connection is seen
    expect(run.stdout).toContain('STABLE');
  });
});

function nodeTest(service: string, audit: boolean): Promise<{ code: number | null; output: string }> {
  const testing = process.env.LEAKAUDIT_TEST_BIN ? { LEAKAUDIT_TESTING: join(dirname(dirname(BIN)), 'dist', 'runtime', 'testing', 'index.js') } : {};
  // --test-force-exit: the leaky heartbeats would keep the test process alive forever, which is the leak.
  const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-force-exit', join(import.meta.dirname, 'fixtures', 'orchestrator-api.node-test.mjs')], {
    cwd: REPO,
    env: { ...process.env, SERVICE: service, AUDIT: audit ? '1' : '0', ...testing },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('leakaudit/testing under node:test on the reference services', () => {
  it('fails on orchestrator-leaky at the heartbeat\'s source line, with the static finding there', async () => {
    const { code, output } = await nodeTest('orchestrator-leaky', true);
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/interval ×3 \(1 per cycle\) created at examples\/orchestrator-leaky\/src\/api\/server\.ts:40:\d+ in ApiServer\.start/);
    expect(output).toMatch(/static finding task-unstoppable \(P0, [0-9a-f]{12}\)/);
  });

  it('passes on orchestrator-fixed', async () => {
    const { code, output } = await nodeTest('orchestrator-fixed', false);
    expect(code, output).toBe(0);
    expect(output).toMatch(/# pass 1/);
  });
});
