// The package as a user gets it. A copy of this checkout is packed (`npm pack`
// runs prepack: a clean build), the tarball is installed into a fresh project
// outside the repository with the README's commands, and the README's install,
// CI and pre-commit recipes run there as written. Needs no network beyond the
// npm registry (and prefers the local npm cache).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAMMAR_FILES } from '../../src/parse/grammar-files.js';
import { REPO } from '../helpers.js';
import { actionSteps, evaluate, inputDefaults } from './action-steps.js';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const MAX_FOOTPRINT_KB = 25 * 1024;

/** The text of a `## ` section of the README, up to the next one. */
function readmeSection(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

function fencedBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** The user's environment: no npm_* variables of the `npm test` running us, no repository .bin on PATH. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  env.PATH = (process.env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')).join(':');
  return {
    ...env,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
    CI: '1',
    GIT_AUTHOR_NAME: 'test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
}

function sh(command: string, cwd: string, env: Record<string, string> = {}): { code: number | null; out: string } {
  // As GitHub Actions runs a bash step.
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], { cwd, env: { ...userEnv(), ...env }, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function ok(command: string, cwd: string): string {
  const r = sh(command, cwd);
  if (r.code !== 0) throw new Error(`\`${command}\` exited ${r.code}:\n${r.out}`);
  return r.out;
}

const LEAK = `export class Poller {
  start(): void {
    setInterval(() => this.poll(), 1000);
  }
  private poll(): void {}
}
const poller = new Poller();
export function onRequest(): void {
  poller.start();
}
`;

let root: string;
let checkout: string;
let project: string;
let tarball: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'leakaudit-install-'));
  checkout = join(root, 'leakaudit');
  project = join(root, 'your-project');
  const skip = new Set(['node_modules', 'dist', '.git', '.cache']);
  cpSync(REPO, checkout, { recursive: true, filter: (src) => !(dirname(src) === REPO && (skip.has(basename(src)) || src.endsWith('.tgz'))) });
  // Stands in for `npm ci` in the clone: the same locked packages.
  symlinkSync(join(REPO, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'your-project', private: true }, null, 2)}\n`);
  writeFileSync(join(project, 'src', 'poller.ts'), LEAK);

  const [install] = fencedBlocks(readmeSection('Install in your project'), 'bash');
  const lines = install!.trim().split('\n');
  expect(lines[0]).toMatch(/^git clone .* leakaudit$/);
  expect(lines[1]).toBe('cd leakaudit && npm ci && npm pack');
  ok('npm pack', checkout);
  tarball = join(checkout, `leakaudit-${VERSION}.tgz`);
  expect(existsSync(tarball)).toBe(true);
  // The rest as written, from the clone; the audit last (it finds the leak: exit 1).
  expect(lines.at(-1)).toBe('npx leakaudit .');
  ok(['set -e', ...lines.slice(2, -1)].join('\n'), checkout);
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the built CLI, library, grammars, models and rule docs, and nothing of the repository besides', () => {
    const entries = ok(`tar tzf ${JSON.stringify(tarball)}`, root).trim().split('\n');
    const allowed = /^package\/(package\.json|README\.md|LICENSE|bin\/leakaudit\.js|schema\/leakaudit\.config\.schema\.json|dist\/.+\.(js|d\.ts|json|wasm|md))$/;
    expect(entries.filter((e) => !allowed.test(e))).toEqual([]);
    for (const file of Object.values(GRAMMAR_FILES)) expect(entries).toContain(`package/dist/grammars/${basename(file)}`);
    expect(entries).toContain('package/dist/grammars/versions.json');
    expect(entries).toContain('package/LICENSE');
    expect(entries).toContain('package/dist/models/rust/tokio.json');
    expect(entries).toContain('package/dist/rules/task-unstoppable/docs.md');
    expect(entries).toContain('package/dist/runtime/testing/index.js');
  });
});

describe('installed in a fresh project', () => {
  it('runs: --version, rules, an audit that finds the leak (exit 1)', () => {
    expect(ok('npx leakaudit --version', project).trim()).toBe(VERSION);
    expect(ok('npx leakaudit rules', project)).toMatch(/^task-unstoppable\s+P0/m);
    const audit = sh('npx leakaudit .', project);
    expect(audit.out).toContain('P0 src/poller.ts:3:5 task-unstoppable');
    expect(audit.code).toBe(1);
  });

  it('imports leakaudit/testing', () => {
    const script = "const t = await import('leakaudit/testing'); console.log(typeof t.assertNoLeaks, typeof t.checkLeaks);";
    expect(ok(`node --input-type=module -e ${JSON.stringify(script)}`, project).trim()).toBe('function function');
  });

  it(`installs at most ${MAX_FOOTPRINT_KB / 1024} MB, no grammar package and no install script`, () => {
    const kb = Number(ok('du -sk node_modules', project).split(/\s/)[0]);
    expect(kb).toBeGreaterThan(1024);
    expect(kb).toBeLessThanOrEqual(MAX_FOOTPRINT_KB);
    const packages = installedPackages(join(project, 'node_modules'));
    expect(packages.map((p) => p.name)).toContain('web-tree-sitter');
    expect(packages.filter((p) => p.name.startsWith('tree-sitter-')).map((p) => p.name)).toEqual([]);
    // What npm would run on install: these scripts, or node-gyp for a binding.gyp.
    // (leakaudit's own `prepare` runs for git and directory installs, not for a
    // tarball: it would fail here, with no TypeScript installed.)
    const withScripts = packages.filter((p) => p.installScripts.length > 0).map((p) => `${p.name}: ${p.installScripts.join(', ')}`);
    expect(withScripts).toEqual([]);
  });
});

describe("the README's CI and pre-commit recipes, run as written", () => {
  const ci = () => readmeSection('In CI and before commits');

  it('baseline, then the workflow gate passes; a new leak fails the pre-commit hook and the gate', () => {
    ok('git init -q && git add -A && git commit -qm init', project);
    const baselineBlock = fencedBlocks(ci(), 'bash').find((b) => b.includes('--write-baseline'))!;
    ok(baselineBlock.trim(), project);
    expect(existsSync(join(project, 'leakaudit-baseline.json'))).toBe(true);
    ok('git add -A && git commit -qm baseline', project);

    const workflow = fencedBlocks(ci(), 'yaml').find((b) => b.includes('.github/workflows/leakaudit.yml') && b.includes('npx leakaudit'))!;
    const runs = [...workflow.matchAll(/^\s*(?:- )?run: (.+)$/gm)].map((m) => m[1]!);
    expect(runs[0]).toBe('npm ci');
    expect(runs.slice(1).every((r) => r.startsWith('npx leakaudit '))).toBe(true);
    for (const run of runs) ok(run, project);
    const sarif = JSON.parse(readFileSync(join(project, 'leakaudit.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('task-unstoppable');

    const hook = fencedBlocks(ci(), 'yaml').find((b) => b.includes('.pre-commit-config.yaml'))!;
    const entry = /^\s*entry: (.+)$/m.exec(hook)![1]!;
    ok(entry, project); // nothing changed: nothing to report
    writeFileSync(join(project, 'src', 'second.ts'), LEAK.replace('Poller', 'SecondPoller'));
    ok('git add src/second.ts', project);
    const hookRun = sh(entry, project);
    expect(hookRun.out).toContain('src/second.ts:3');
    expect(hookRun.code).toBe(1);
    const gate = sh(runs.at(-1)!, project);
    expect(gate.out).toContain('src/second.ts:3');
    expect(gate.code).toBe(1);
  });
});

describe("the GitHub Action's shell steps, run as the action runs them", () => {
  it('writes the SARIF report, fills the fact cache, and fails on the leak the baseline does not hold', () => {
    // Continues from the recipes above: src/second.ts is a new leak.
    const action = readFileSync(join(REPO, 'action.yml'), 'utf8');
    const runnerTemp = mkdtempSync(join(root, 'runner-temp-'));
    const context = { inputs: { ...inputDefaults(action), baseline: 'leakaudit-baseline.json' }, runnerTemp };
    rmSync(join(project, 'leakaudit.sarif'), { force: true });
    const steps = actionSteps(action).filter((s) => s.run !== undefined);
    expect(steps.map((s) => s.name)).toEqual(['Audit (SARIF for code scanning)', 'Fail on new leaks']);
    const [audit, gate] = steps.map((step) => {
      const env = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, evaluate(v, context)]));
      return sh(step.run!, join(project, evaluate(step.workingDirectory ?? '.', context)), env);
    });
    expect(audit!.code, audit!.out).toBe(0);
    const sarif = JSON.parse(readFileSync(join(project, context.inputs['sarif-file']!), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]!.results).toHaveLength(2);
    expect(readdirSync(join(runnerTemp, 'leakaudit-cache')).length).toBeGreaterThan(0);
    expect(gate!.out).toContain('src/second.ts:3');
    expect(gate!.out).not.toContain('src/poller.ts');
    expect(gate!.code).toBe(1);
  });
});

interface Installed {
  name: string;
  installScripts: string[];
}

/** Every package under node_modules (scoped and nested ones too), with the install scripts npm would run. */
function installedPackages(nodeModules: string): Installed[] {
  const out: Installed[] = [];
  if (!existsSync(nodeModules)) return out;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dirs = entry.name.startsWith('@') ? readdirSync(join(nodeModules, entry.name)).map((n) => join(nodeModules, entry.name, n)) : [join(nodeModules, entry.name)];
    for (const dir of dirs) {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string>; gypfile?: boolean };
      const scripts = ['preinstall', 'install', 'postinstall'].filter((s) => pkg.scripts?.[s]);
      if (scripts.length === 0 && pkg.gypfile !== false && existsSync(join(dir, 'binding.gyp'))) scripts.push('node-gyp rebuild (binding.gyp)');
      out.push({ name: pkg.name, installScripts: scripts }, ...installedPackages(join(dir, 'node_modules')));
    }
  }
  return out;
}
