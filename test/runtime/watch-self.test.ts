// `watch` itself leaks nothing: in-process, runWatch passes leakaudit/testing;
// out of process, a watcher watched by another watcher keeps flat FDs,
// threads and Node handles. Plus: permission errors on another user's /proc.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../../src/runtime/testing/index.js';
import { runWatch, WATCH_DEFAULTS } from '../../src/runtime/watch/run-watch.js';
import { alive, BIN, FIXTURES, readWatchJson, startWatch } from './watch-cli.js';

const IDLE = join(FIXTURES, 'idle-service.mjs');

describe.runIf(process.platform === 'linux')('watch leaks nothing', () => {
  it('runWatch on a started command leaves no timer, socket, server, child or listener behind', async () => {
    let probed = false;
    await assertNoLeaks(
      async () => {
        const result = await runWatch({ ...WATCH_DEFAULTS, command: [process.execPath, IDLE], intervalMs: 20, durationMs: 400, graceMs: 2000 });
        probed ||= result.samples.some((s) => s.probed && (s.values['node:Timeout'] ?? 0) > 0);
        expect(result.end.reason).toBe('duration');
      },
      { cycles: 2 },
    );
    expect(probed).toBe(true); // the probe, serialised from source, ran in the target
  });

  it('a watcher watched by another watcher keeps its FDs, threads and handles flat', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-self-'));
    const outer = startWatch([
      '--interval', '100ms', '--duration', '6s', '--warmup', '1500ms', '--json', join(dir, 'outer.json'),
      '--', process.execPath, BIN, 'watch', '--interval', '20ms', '--duration', '60s', '--', process.execPath, IDLE,
    ]);
    const innerTarget = Number((await outer.waitFor(/idle-service (\d+) ready/))[1]);
    const run = await outer.done;
    const json = readWatchJson(join(dir, 'outer.json'));
    const growing = json.metrics.filter((m) => m.verdict === 'growing' && m.name !== 'rss').map((m) => `${m.name}: ${m.reason}`);
    expect(growing, run.stdout).toEqual([]);
    expect(json.metrics.filter((m) => m.name.startsWith('node:')).length).toBeGreaterThan(0); // the inner watcher was probed
    expect(json.metrics.find((m) => m.name === 'threads')?.verdict).toBe('stable');
    expect(json.end.stop).toMatchObject({ how: 'terminated' }); // the inner watcher stopped on SIGTERM, in time
    expect(alive(innerTarget)).toBe(false); // and stopped its own target
  });
});

const SETPRIV = '/usr/bin/setpriv';

describe.runIf(process.platform === 'linux' && process.getuid?.() === 0 && existsSync(SETPRIV))('another user\'s process', () => {
  it('permission denied is one line naming the owner', () => {
    // The checkout may sit where uid 65534 cannot read (a home directory): it runs a readable copy.
    const bin = readableCopyOfCli();
    try {
      const r = spawnSync(SETPRIV, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, 'watch', '--pid', String(process.pid), '--duration', '1s'], { encoding: 'utf8', cwd: '/' });
      expect(r.stderr).toBe(`leakaudit: permission denied reading /proc/${process.pid}/fd: pid ${process.pid} belongs to uid 0, this process runs as uid 65534; run leakaudit as that user (or with CAP_SYS_PTRACE)\n`);
      expect(r.status).toBe(2);
    } finally {
      rmSync(dirname(dirname(bin)), { recursive: true, force: true });
    }
  });
});

/** The built CLI (bin, dist, package.json and the runtime dependencies) copied where every user can read it; returns its bin. */
function readableCopyOfCli(): string {
  const from = dirname(dirname(BIN));
  const to = mkdtempSync(join(tmpdir(), 'leakaudit-cli-'));
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(from, part), join(to, part), { recursive: true });
  for (const name of runtimeDependencies(from)) cpSync(join(from, 'node_modules', name), join(to, 'node_modules', name), { recursive: true });
  openToAll(to);
  return join(to, 'bin', 'leakaudit.js');
}

/** `dependencies` of the package and of theirs, found hoisted in its node_modules. */
function runtimeDependencies(root: string): string[] {
  const seen = new Set<string>();
  const visit = (pkgDir: string): void => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      if (seen.has(name) || !existsSync(join(root, 'node_modules', name))) continue;
      seen.add(name);
      visit(join(root, 'node_modules', name));
    }
  };
  visit(root);
  return [...seen];
}

function openToAll(path: string): void {
  const st = statSync(path);
  chmodSync(path, st.isDirectory() || st.mode & 0o100 ? 0o755 : 0o644);
  if (st.isDirectory()) for (const name of readdirSync(path)) openToAll(join(path, name));
}
