// `leakaudit watch` end to end on real processes: restart cycles on a leaky
// and a fixed service, a target killed mid-run, a target that ignores
// SIGTERM, signals to the watcher, errors, and the watcher watched by itself.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, FIXTURES, readWatchJson, runWatchCli, startWatch } from './watch-cli.js';

const SERVICE = join(FIXTURES, 'restart-service.mjs');
const IDLE = join(FIXTURES, 'idle-service.mjs');

function restartArgs(dir: string, cycles: number): string[] {
  const port = join(dir, 'port');
  return [
    '--interval', '100ms',
    '--cycle', `curl -fsS -X POST http://127.0.0.1:$(cat ${port})/restart`,
    '--cycles', String(cycles),
    '--settle', '100ms',
    '--ready', `test -s ${port}`,
    '--fail-on-growth',
    '--json', join(dir, 'watch.json'),
    '--csv', join(dir, 'watch.csv'),
    '--md', join(dir, 'watch.md'),
    '--', 'env', `PORT_FILE=${port}`, `LOG_PATH=${join(dir, 'service.log')}`,
  ];
}

const metric = (json: ReturnType<typeof readWatchJson>, name: string) => json.metrics.find((m) => m.name === name);

describe.runIf(process.platform === 'linux')('leakaudit watch with restart cycles', () => {
  it('reports the leaky service as leaking one file and one timer per cycle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-leaky-'));
    const run = await runWatchCli([...restartArgs(dir, 8), 'API=leaky', process.execPath, SERVICE]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const json = readWatchJson(join(dir, 'watch.json'));
    expect(json.end.reason).toBe('cycles');
    expect(json.cycles).toEqual({ done: 8, planned: 8, warmup: 1 });
    expect(metric(json, 'fds.file')).toMatchObject({ verdict: 'growing', perCycle: 1 });
    expect(metric(json, 'node:Timeout')).toMatchObject({ verdict: 'growing', perCycle: 1 });
    for (const name of ['threads', 'fds.socket', 'children', 'node:TCPServerWrap']) expect(metric(json, name)?.verdict, name).not.toBe('growing');
    expect(run.stdout).toMatch(/LEAKING: fds\.file \+1 per cycle .*node:Timeout \+1 per cycle/);
    expect(run.stdout).toContain('FAIL --fail-on-growth');
    const markdown = readFileSync(join(dir, 'watch.md'), 'utf8');
    expect(markdown).toContain('**LEAKING**: fds.file +1 per cycle');
    expect(markdown).toMatch(/```mermaid\nxychart-beta\n  title "node:Timeout \(\+1 per cycle\)"\n  x-axis "cycle" \["0", "1", .*"8"\]/);
    const csv = readFileSync(join(dir, 'watch.csv'), 'utf8').split('\n');
    expect(csv[0]).toMatch(/^t_ms,cycle,processes,fds,fds\.file,.*,node:Timeout/);
    expect(csv.filter((row) => /^\d+,8,/.test(row))).toHaveLength(1); // one row taken right after cycle 8
  });

  it('reports the fixed service as stable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-fixed-'));
    const run = await runWatchCli([...restartArgs(dir, 8), 'API=fixed', process.execPath, SERVICE]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const json = readWatchJson(join(dir, 'watch.json'));
    expect(json.metrics.filter((m) => m.verdict === 'growing').map((m) => m.name)).toEqual([]);
    expect(metric(json, 'node:Timeout')?.max).toBeGreaterThan(0); // the probe saw the heartbeat
    expect(run.stdout).toContain('STABLE: no metric grows over 8 cycles');
  });
});

describe.runIf(process.platform === 'linux')('how a watch ends', () => {
  it('a target killed with SIGKILL mid-run ends the watch with what was measured and the signal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-killed-'));
    const watch = startWatch(['--interval', '50ms', '--duration', '60s', '--json', join(dir, 'w.json'), '--', process.execPath, IDLE]);
    const pid = Number((await watch.waitFor(/idle-service (\d+) ready/))[1]);
    // At least three samples printed; those before the Node probe answered are not kept as measured.
    await watch.waitFor(/t=\S+ .*t=\S+ .*t=\S+ /s);
    process.kill(pid, 'SIGKILL');
    const run = await watch.done;
    expect(run.code).toBe(1);
    // Samples taken before a Node target's probe answered are not counted as measured: under load that can be one.
    expect(run.stdout).toMatch(/target exited early: killed by SIGKILL \(status 137\); measured \d+ samples?/);
    const json = readWatchJson(join(dir, 'w.json'));
    expect(json.end).toMatchObject({ reason: 'target-exited', early: true, exit: { signal: 'SIGKILL', status: 137 } });
    expect(json.samples.length).toBeGreaterThanOrEqual(1);
  });

  it('a target that ignores SIGTERM is killed after the grace period, with its detached grandchild', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-stubborn-'));
    const watch = startWatch(['--interval', '50ms', '--duration', '1500ms', '--grace', '300ms', '--json', join(dir, 'w.json'), '--', 'env', 'IGNORE_SIGTERM=1', 'GRANDCHILD=1', process.execPath, IDLE]);
    const grandchild = Number((await watch.waitFor(/grandchild (\d+)/))[1]);
    const pid = Number((await watch.waitFor(/idle-service (\d+) ready/))[1]);
    const run = await watch.done;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/the target ignored SIGTERM: killed with SIGKILL after the grace period, which ended by SIGKILL \(status 137\); also stopped 1 descendant outside its process group/);
    expect(readWatchJson(join(dir, 'w.json')).end.stop).toMatchObject({ how: 'killed', strays: 1 });
    expect(alive(pid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  });

  it('SIGTERM to the watcher is forwarded: the target stops, the summary is printed, exit 143', async () => {
    const watch = startWatch(['--interval', '50ms', '--duration', '60s', '--', process.execPath, IDLE]);
    const pid = Number((await watch.waitFor(/idle-service (\d+) ready/))[1]);
    watch.child.kill('SIGTERM');
    const run = await watch.done;
    expect(run.code).toBe(143);
    expect(run.stdout).toMatch(/interrupted by SIGTERM; measured \d+ samples? in .*stopped the target with SIGTERM/);
    expect(alive(pid)).toBe(false);
  });

  it('an interrupted watch does not wait for a running cycle command: its group is stopped too', async () => {
    const watch = startWatch(['--interval', '50ms', '--cycle', 'sleep 300', '--cycle-timeout', '10m', '--', process.execPath, IDLE]);
    await watch.waitFor(/idle-service \d+ ready/);
    await watch.waitFor(/t=\S+ cycle=0/);
    watch.child.kill('SIGINT');
    const run = await watch.done;
    expect(run.code, run.stdout + run.stderr).toBe(130);
    expect(run.stdout).toMatch(/interrupted by SIGINT; measured \d+ samples? in \S+, 0\/10 cycles/);
  });

  it('SIGINT ends an open-ended watch normally and forwards SIGINT to the target', async () => {
    const watch = startWatch(['--interval', '50ms', '--', process.execPath, IDLE]);
    const pid = Number((await watch.waitFor(/idle-service (\d+) ready/))[1]);
    watch.child.kill('SIGINT');
    const run = await watch.done;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/interrupted by SIGINT; .*stopped the target with SIGINT in \S+, which ended by SIGINT \(status 130\)/);
    expect(alive(pid)).toBe(false);
  });
});

describe.runIf(process.platform === 'linux')('watch errors are one line', () => {
  it('no such pid', async () => {
    const run = await runWatchCli(['--pid', '99999999', '--duration', '1s']);
    expect(run).toMatchObject({ code: 2, stderr: 'leakaudit: no process with pid 99999999\n' });
  });

  it('a command that does not exist', async () => {
    const run = await runWatchCli(['--duration', '1s', '--', 'no-such-command-leakaudit']);
    expect(run).toMatchObject({ code: 2, stderr: 'leakaudit: cannot start no-such-command-leakaudit: command not found\n' });
  });

  it('bad options', async () => {
    expect((await runWatchCli(['--interval', '100', '--', 'true'])).stderr).toBe('leakaudit: invalid --interval "100" (use a unit: 500ms, 1s, 2m, 1h)\n');
    expect((await runWatchCli(['--pid', '1', '--', 'true'])).stderr).toBe('leakaudit: give either --pid N or a command after --, not both\n');
  });

  it('a failing cycle command stops the watch with its output, exit 2', async () => {
    const run = await runWatchCli(['--interval', '50ms', '--cycle', 'echo no route to host >&2; exit 7', '--cycles', '3', '--', process.execPath, IDLE]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/cycle 1 failed \(exit code 7: no route to host\)/);
  });

  it('a --pid target that exits is reported with what was measured and how it ended', async () => {
    const { spawn } = await import('node:child_process');
    const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
    const watch = startWatch(['--pid', String(sleeper.pid), '--interval', '50ms', '--duration', '60s']);
    await watch.waitFor(/t=\S+ .*t=\S+ /s);
    sleeper.kill('SIGTERM');
    const run = await watch.done;
    expect(run.code).toBe(1);
    // Read from the zombie's /proc/<pid>/stat when leakaudit sees it before its parent reaps it.
    expect(run.stdout).toMatch(/target exited early: (killed by SIGTERM \(status 143\)|exit status unknown \(not a child of leakaudit\)); measured \d+ samples/);
  });
});
