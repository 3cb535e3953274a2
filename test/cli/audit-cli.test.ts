// The audit command as a user runs it: exit codes, formats, errors.
import { describe, expect, it } from 'vitest';
import { makeTree, runCli } from '../helpers.js';

const LEAKY = `
pub struct Server;
impl Server {
    pub fn start(&self) {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(std::time::Duration::from_secs(10));
            loop {
                interval.tick().await;
            }
        });
    }
}
pub fn on_request() {
    Server::start(&Server);
}
`;

const CLEAN = `
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}
`;

describe('leakaudit audit', () => {
  it('exits 1 on a P0 finding and names it', () => {
    const root = makeTree({ 'src/server.rs': LEAKY });
    const r = runCli(['audit', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('P0 src/server.rs:5:9 task-unstoppable');
    expect(r.stdout).toContain('every 10 s');
    expect(r.stdout).toContain('+1 task per call of `Server::start()`');
  });

  it('treats a bare path as the audit command and exits 0 on clean code', () => {
    const root = makeTree({ 'src/lib.rs': CLEAN });
    const r = runCli([root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 findings/);
  });

  it('--fail-on none exits 0 even with findings; --fail-on P0 exits 1', () => {
    const root = makeTree({ 'src/server.rs': LEAKY });
    expect(runCli([root, '--fail-on', 'none']).code).toBe(0);
    expect(runCli([root, '--fail-on', 'P0']).code).toBe(1);
  });

  it('writes JSON version 1 with paths relative to the root, sorted and stable', () => {
    const root = makeTree({ 'src/b.rs': LEAKY, 'src/a.rs': LEAKY, 'src/lib.rs': CLEAN });
    const first = runCli([root, '-f', 'json']);
    const second = runCli([root, '-f', 'json']);
    const a = JSON.parse(first.stdout);
    const b = JSON.parse(second.stdout);
    expect(a.version).toBe(1);
    expect(a.tool.name).toBe('leakaudit');
    expect(a.stats.files).toBe(3);
    expect(a.findings.map((f: { location: { path: string } }) => f.location.path)).toEqual(['src/a.rs', 'src/b.rs']);
    const f = a.findings[0];
    for (const key of ['ruleId', 'kind', 'severity', 'priority', 'confidence', 'location', 'symbol', 'message', 'evidence', 'remediation', 'fingerprint']) {
      expect(f).toHaveProperty(key);
    }
    expect(f.location).toMatchObject({ path: 'src/a.rs', startLine: 5 });
    delete a.stats.durationMs;
    delete b.stats.durationMs;
    expect(a).toEqual(b);
  });

  it('renders the Markdown audit with the seed structure', () => {
    const root = makeTree({ 'src/server.rs': LEAKY });
    const r = runCli([root, '-f', 'md', '--fail-on', 'none']);
    for (const heading of ['# Resource Leak Audit', '## Executive Summary', '## Methodology', '## Finding 1:', '## Summary Table', '## Remediation Plan', '## Verification', '## Code Patterns to Avoid']) {
      expect(r.stdout).toContain(heading);
    }
    expect(r.stdout).toContain('| `tokio::spawn` | 1 | 1 | 0 | 0 | 1 | 1 |');
  });

  it('reports a usage error in one line with exit 2', () => {
    const r = runCli(['audit', '--format', 'yaml', '.']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const size = runCli(['audit', '--max-file-size', 'lots', '.']);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain('invalid size');
    expect(size.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists and explains rules', () => {
    const list = runCli(['rules']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('task-unstoppable');
    const one = runCli(['rules', 'task-unstoppable']);
    expect(one.stdout).toContain('## Bad');
    expect(one.stdout).toContain('## Good');
    const unknown = runCli(['rules', 'no-such-rule']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown rule');
  });
});

describe('unwritable places', () => {
  it('an output path that cannot be written is one line and exit 2', () => {
    const root = makeTree({ 'src/lib.rs': CLEAN, 'blocker': 'a file, not a directory' });
    const r = runCli([root, '-o', `${root}/blocker/report.json`, '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^leakaudit: cannot write .*blocker\/report\.json: ENOTDIR/);
  });

  it('an unwritable cache directory is a warning; the audit still runs', () => {
    const root = makeTree({ 'src/server.rs': LEAKY, 'blocker': 'a file' });
    const r = runCli([root, '--cache-dir', `${root}/blocker/cache`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('task-unstoppable');
    expect(r.stderr).toMatch(/cannot write the fact cache/);
  });
});
