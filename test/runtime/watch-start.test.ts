// The first row of a watch summary describes the target as started: the
// "first" value is the first sample after its runtime loaded (the Node probe
// answered), and what the probe itself holds (Node's own process listeners,
// its socket) is not counted as the target's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse, type AnalysisPlan, type Sample } from '../../src/runtime/watch/analyse.js';
import { readWatchJson, runWatchCli } from './watch-cli.js';

const PLAN: AnalysisPlan = { mode: 'time', warmupMs: 0, warmupCycles: 0, alpha: 0.01, minGrowth: { count: 1, bytes: 1024 ** 2 } };

const sample = (t: number, fds: number, probed: boolean): Sample => ({ t, values: probed ? { fds, 'node:Timeout': 1 } : { fds }, probed, processes: 1 });

describe('the first sample', () => {
  it('is the first one the probe answered: before it the runtime was loading', () => {
    const samples = [sample(0, 4, false), sample(100, 12, false), sample(200, 20, true), sample(300, 20, true), sample(400, 20, true)];
    const fds = analyse(samples, PLAN).find((m) => m.name === 'fds')!;
    expect(fds).toMatchObject({ first: 20, last: 20, min: 20, max: 20, points: 3 });
  });

  it('without the probe, is the first sample taken', () => {
    const samples = [sample(0, 4, false), sample(100, 20, false), sample(200, 20, false)];
    expect(analyse(samples, PLAN).find((m) => m.name === 'fds')).toMatchObject({ first: 4, min: 4, points: 3 });
  });
});

describe.runIf(process.platform === 'linux')('an idle Node target, watched', () => {
  it('shows the loaded runtime from the first sample on, and neither Node\'s own process listeners nor the probe\'s socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-start-'));
    const target = join(dir, 'idle.mjs');
    // One listener of its own on process; one timer keeps it alive.
    writeFileSync(target, "process.on('SIGUSR2', () => {});\nsetInterval(() => {}, 1000);\n");
    const run = await runWatchCli(['--interval', '100ms', '--duration', '2500ms', '--json', join(dir, 'watch.json'), '--', process.execPath, target]);
    const json = readWatchJson(join(dir, 'watch.json'));
    const m = (name: string) => json.metrics.find((x) => x.name === name) as { first: number; last: number; min: number; max: number } | undefined;
    // Loaded: the runtime's event loop (an epoll fd) and its threads are there in the first row.
    // (The main module may still be loading then: an ESM file read can come and go.)
    expect(m('fds.epoll')!.first, run.stdout).toBeGreaterThanOrEqual(1);
    expect(m('fds.epoll')!.min).toBe(m('fds.epoll')!.first);
    expect(m('threads')!.first).toBeGreaterThan(1);
    expect(m('threads')!.min).toBe(m('threads')!.first);
    // Its own listener only: not Node's five.
    expect(m('node:process-listeners')!.max).toBe(1);
    // The probe's socket is not the target's: the same fds as without the probe.
    await runWatchCli(['--interval', '100ms', '--duration', '1500ms', '--no-node-probe', '--json', join(dir, 'bare.json'), '--', process.execPath, target]);
    const bare = readWatchJson(join(dir, 'bare.json')).metrics.find((x) => x.name === 'fds.socket') as { last: number };
    expect(m('fds.socket')!.last).toBe(bare.last);
  });
});
