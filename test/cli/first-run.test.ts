// What a first run trips on: a mistyped path, the help, where the cache goes,
// a warning about node_modules nobody needs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, REPO, runCli } from '../helpers.js';

const LEAKY = `export class Poller {
  start(): void {
    setInterval(() => this.poll(), 1000);
  }
  private poll(): void {}
}
`;

describe('a path that does not exist', () => {
  it('is a usage error: one line naming it, exit 2, no report', () => {
    const root = makeTree({ 'src/poller.ts': LEAKY });
    const r = runCli([join(root, 'scr')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`leakaudit: no such file or directory: ${join(root, 'scr')}\n`);
    expect(r.stdout).toBe('');
  });

  it('also among paths that exist', () => {
    const root = makeTree({ 'src/poller.ts': LEAKY });
    const r = runCli([join(root, 'src'), join(root, 'nope'), '--root', root, '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`leakaudit: no such file or directory: ${join(root, 'nope')}`]);
  });
});

describe('leakaudit --help', () => {
  it('shows the audit options, not only the commands', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const option of ['--format <format>', '--fail-on <priority>', '--baseline <file>', '--changed-since <ref>', '--cache-dir <dir>', 'watch [options]']) expect(r.stdout).toContain(option);
  });
});

describe('the cache without a package.json', () => {
  it('goes to $XDG_CACHE_HOME/leakaudit, as the README and --help say', () => {
    const root = makeTree({ 'src/poller.ts': LEAKY });
    const cacheHome = mkdtempSync(join(tmpdir(), 'leakaudit-xdg-'));
    const r = runCli(['.', '--fail-on', 'none', '-j', '0'], { cwd: root, env: { XDG_CACHE_HOME: cacheHome } });
    expect(r.code).toBe(0);
    expect(readdirSync(join(cacheHome, 'leakaudit')).length).toBeGreaterThan(0);
    expect(existsSync(join(root, 'node_modules'))).toBe(false);
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/\s+#?\s*/g, ' ');
    expect(readme).toContain('without one, $XDG_CACHE_HOME/leakaudit or ~/.cache/leakaudit');
    expect(runCli(['--help']).stdout.replace(/\s+/g, ' ')).toContain('without one, $XDG_CACHE_HOME/leakaudit or ~/.cache/leakaudit');
  });
});

describe('node_modules with no .gitignore', () => {
  const tree = (): string =>
    makeTree({ 'src/poller.ts': LEAKY, 'node_modules/dep/index.js': 'module.exports = {};\n', 'package.json': '{"name":"plain"}\n' });

  it('a plain project (not a git repository, no .gitignore): no warning', () => {
    const r = runCli(['.', '--no-cache'], { cwd: tree() });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('a git repository that commits node_modules: the warning says how to audit it', () => {
    const root = tree();
    expect(spawnSync('git', ['init', '-q'], { cwd: root }).status).toBe(0);
    const r = runCli(['.', '--no-cache'], { cwd: root });
    expect(r.stderr).toContain('node_modules was not audited');
  });
});
