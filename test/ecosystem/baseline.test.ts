// Baselines and --changed-since: CI fails only on new leaks.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, runCli } from '../helpers.js';

const leak = (fn: string, secs = 10): string => `pub fn ${fn}() {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(${secs}));
        loop {
            interval.tick().await;
        }
    });
}
`;

const CONNECTION = `use rusqlite::Connection;
pub struct Store { path: String }
impl Store {
    pub fn save(&self) -> rusqlite::Result<()> {
        let conn = Connection::open(&self.path)?;
        conn.execute("DELETE FROM t", ())?;
        Ok(())
    }
}
`;

interface JsonFinding {
  ruleId: string;
  symbol: string;
  location: { path: string; startLine: number };
  suppressed?: { by: string; reason: string };
}

function audit(root: string, args: string[]): { code: number | null; stderr: string; findings: JsonFinding[] } {
  const r = runCli([root, '-f', 'json', ...args]);
  const report = r.stdout ? (JSON.parse(r.stdout) as { findings: JsonFinding[] }) : { findings: [] };
  return { code: r.code, stderr: r.stderr, findings: report.findings };
}

const active = (fs: JsonFinding[]) => fs.filter((f) => !f.suppressed).map((f) => `${f.location.path} ${f.symbol} ${f.ruleId}`);

describe('--baseline / --write-baseline', () => {
  it('after a line inserted at the top of a file and a new leak added elsewhere, reports only the new leak', () => {
    const root = makeTree({ 'src/server.rs': leak('start') + leak('restart', 30), 'src/store.rs': CONNECTION, 'src/lib.rs': 'pub fn add() {}\n' });
    const baseline = join(root, 'leakaudit-baseline.json');
    const written = audit(root, ['--write-baseline', baseline]);
    expect(written.code).toBe(0);
    expect(written.stderr).toBe(`leakaudit: baseline of 3 findings written to ${baseline}\n`);
    expect(active(written.findings)).toEqual([]);
    const file = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(file).toMatchObject({ tool: 'leakaudit', kind: 'baseline', version: 1 });
    expect(file.findings.map((e: { path: string; symbol: string }) => `${e.path} ${e.symbol}`)).toEqual(['src/server.rs start', 'src/server.rs restart', 'src/store.rs Store::save']);

    // A line inserted at the top of a file moves its findings; a new leak elsewhere.
    writeFileSync(join(root, 'src', 'server.rs'), `// Copyright header added later\n${leak('start')}${leak('restart', 30)}`);
    writeFileSync(join(root, 'src', 'lib.rs'), `pub fn add() {}\n\n${leak('spawn_reporter', 60)}`);
    const after = audit(root, ['--baseline', baseline]);
    expect(active(after.findings)).toEqual(['src/lib.rs spawn_reporter task-unstoppable']);
    expect(after.findings.filter((f) => f.suppressed?.by === 'baseline')).toHaveLength(3);
    expect(after.code).toBe(1);
    expect(after.stderr).toBe(`leakaudit: baseline ${baseline}: 3 known findings hidden, 1 new\n`);
  });

  it('survives 20 lines inserted above every finding: 0 new, 0 fixed', () => {
    const root = makeTree({ 'src/server.rs': leak('start') + leak('restart', 30), 'src/store.rs': CONNECTION });
    const baseline = join(root, 'base.json');
    audit(root, ['--write-baseline', baseline]);
    const pad = Array.from({ length: 20 }, (_, i) => `// line ${i}`).join('\n');
    for (const f of ['server.rs', 'store.rs']) writeFileSync(join(root, 'src', f), `${pad}\n${readFileSync(join(root, 'src', f), 'utf8')}`);
    const after = audit(root, ['--baseline', baseline]);
    expect(active(after.findings)).toEqual([]);
    expect(after.code).toBe(0);
    expect(after.stderr).toBe(`leakaudit: baseline ${baseline}: 3 known findings hidden, 0 new\n`);
  });

  it('counts identical leaks: two baselined, a third copy in the same function is new; a fixed one is reported as stale', () => {
    const twice = `pub fn start() {\n    tokio::spawn(async move { loop { tick().await; } });\n    tokio::spawn(async move { loop { tick().await; } });\n}\n`;
    const root = makeTree({ 'src/a.rs': twice, 'src/store.rs': CONNECTION });
    const baseline = join(root, 'base.json');
    audit(root, ['--write-baseline', baseline]);
    writeFileSync(join(root, 'src', 'a.rs'), twice.replace('}\n', '    tokio::spawn(async move { loop { tick().await; } });\n}\n'));
    writeFileSync(join(root, 'src', 'store.rs'), 'pub fn nothing() {}\n');
    const after = audit(root, ['--baseline', baseline]);
    expect(active(after.findings)).toEqual(['src/a.rs start task-unstoppable']);
    expect(after.stderr).toContain('2 known findings hidden, 1 new; 1 entry no longer found (fixed? rewrite it with --write-baseline)');
  });

  it('keeps inline suppressions out of the baseline', () => {
    const root = makeTree({ 'src/a.rs': `pub fn start() {\n    // leakaudit-ignore[task-unstoppable]: process-long metrics loop\n    tokio::spawn(async move { loop { tick().await; } });\n}\n` });
    const baseline = join(root, 'base.json');
    audit(root, ['--write-baseline', baseline]);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).findings).toEqual([]);
  });

  it('refuses a baseline that is malformed or from another tool, in one line with exit 2', () => {
    const root = makeTree({
      'src/a.rs': leak('start'),
      'sarif.json': JSON.stringify({ version: '2.1.0', runs: [] }),
      'eslint-suppressions.json': JSON.stringify({ 'src/a.js': { 'no-console': { count: 2 } } }),
      'detekt-baseline.xml': '<?xml version="1.0" ?>\n<SmellBaseline><CurrentIssues/></SmellBaseline>\n',
      'truncated.json': '{"tool": "leakaudit", "kind": "baseline", "version": 1, "findings": [',
      'bad-entry.json': JSON.stringify({ tool: 'leakaudit', kind: 'baseline', version: 1, findings: [{ fingerprint: 'zz', ruleId: 'x', path: 'a', line: 1, symbol: 's', message: 'm' }] }),
      'future.json': JSON.stringify({ tool: 'leakaudit', kind: 'baseline', version: 9, findings: [] }),
      'other-tool.json': JSON.stringify({ tool: 'semgrep', findings: [] }),
    });
    const cases: [string, RegExp][] = [
      ['sarif.json', /is not a leakaudit baseline \(it looks like a SARIF log\)/],
      ['eslint-suppressions.json', /is not a leakaudit baseline \(it looks like an ESLint suppressions file\)/],
      ['detekt-baseline.xml', /is not a leakaudit baseline: not JSON \(it looks like XML, e\.g\. a detekt baseline\)/],
      ['truncated.json', /is not a leakaudit baseline: not JSON/],
      ['bad-entry.json', /malformed baseline at findings\[0\]\.fingerprint/],
      ['future.json', /is a version 9 baseline; this leakaudit reads version 1/],
      ['other-tool.json', /is not a leakaudit baseline \(it was written by "semgrep"\)/],
      ['missing.json', /cannot read baseline .*missing\.json: ENOENT/],
    ];
    for (const [file, message] of cases) {
      const r = runCli([root, '--baseline', join(root, file)]);
      expect(r.code, file).toBe(2);
      expect(r.stdout, file).toBe('');
      expect(r.stderr.trim().split('\n'), file).toHaveLength(1);
      expect(r.stderr, file).toMatch(message);
    }
  });
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=leakaudit-test', '-c', 'user.email=test@leakaudit.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('--changed-since', () => {
  // Server::start keeps its task in a field; Drop in another file aborts it.
  const STORED = `pub struct Server { task: Option<tokio::task::JoinHandle<()>> }
impl Server {
    pub fn start(&mut self) {
        self.task = Some(tokio::spawn(async move { loop { tick().await; } }));
    }
}
`;
  const DROP = `impl Drop for Server {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
`;

  function repo(): string {
    const root = makeTree({ 'src/old.rs': leak('old_leak'), 'src/server.rs': STORED, 'src/server_drop.rs': DROP, 'src/lib.rs': 'pub fn add() {}\n' });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'initial');
    return root;
  }

  it('reports only findings in files changed since the ref (committed, modified or untracked), resolving across the whole project', () => {
    const root = repo();
    writeFileSync(join(root, 'src', 'lib.rs'), `pub fn add() {}\n${leak('committed_leak')}`);
    git(root, 'commit', '-q', '-am', 'a leak');
    // A change to the stored-task file: its Drop (unchanged, in another file) still counts.
    writeFileSync(join(root, 'src', 'server.rs'), `// touched\n${STORED}`);
    writeFileSync(join(root, 'src', 'new.rs'), leak('untracked_leak'));
    const r = audit(root, ['--changed-since', 'HEAD~1']);
    expect(active(r.findings).sort()).toEqual(['src/lib.rs committed_leak task-unstoppable', 'src/new.rs untracked_leak task-unstoppable']);
    expect(r.stderr).toBe('leakaudit: 3 files changed since HEAD~1; 1 finding in unchanged files not reported\n');
    expect(audit(root, []).findings.map((f) => f.symbol).sort()).toEqual(['committed_leak', 'old_leak', 'untracked_leak']);
  });

  it('with a baseline: the baseline covers the whole project, the report only the changed files', () => {
    const root = repo();
    const baseline = join(root, 'base.json');
    writeFileSync(join(root, 'src', 'lib.rs'), `pub fn add() {}\n${leak('fresh_leak')}`);
    const written = audit(root, ['--changed-since', 'HEAD', '--write-baseline', baseline]);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).findings.map((e: { symbol: string }) => e.symbol).sort()).toEqual(['fresh_leak', 'old_leak']);
    expect(written.stderr).toContain('baseline of 2 findings written');
    writeFileSync(join(root, 'src', 'lib.rs'), `pub fn add() {}\n${leak('fresh_leak')}${leak('newer_leak', 5)}`);
    const r = audit(root, ['--changed-since', 'HEAD', '--baseline', baseline]);
    expect(active(r.findings)).toEqual(['src/lib.rs newer_leak task-unstoppable']);
    expect(r.stderr).toBe(`leakaudit: 2 files changed since HEAD; 0 findings in unchanged files not reported\nleakaudit: baseline ${baseline}: 2 known findings hidden, 1 new\n`);
  });

  it('audits a subdirectory of the repository with paths relative to it', () => {
    const root = repo();
    writeFileSync(join(root, 'src', 'new.rs'), leak('untracked_leak'));
    const r = audit(join(root, 'src'), ['--changed-since', 'HEAD']);
    expect(active(r.findings)).toEqual(['new.rs untracked_leak task-unstoppable']);
  });

  it('fails in one line with exit 2 outside a git work tree or with an unknown ref', () => {
    const plain = makeTree({ 'src/a.rs': leak('a') });
    const outside = runCli([plain, '--changed-since', 'HEAD']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^leakaudit: --changed-since needs a git work tree; .* is not inside one\n$/);
    const root = repo();
    const unknown = runCli([root, '--changed-since', 'no-such-branch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('leakaudit: --changed-since: unknown git revision "no-such-branch"\n');
    const option = runCli([root, '--changed-since=--output=/tmp/x']);
    expect(option.code).toBe(2);
    expect(option.stderr.trim().split('\n')).toHaveLength(1);
  });
});
