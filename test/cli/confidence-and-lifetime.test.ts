// What a user sees by default: resources that live as long as the process folded
// into one line, each priority counted apart, and --min-confidence.
import { describe, expect, it } from 'vitest';
import { makeTree, runCli } from '../helpers.js';

const SPAWN_LOOP = 'tokio::spawn(async move { loop { tick().await; } });';

// One task per request (P0), one started once from main (P2, process lifetime), and one in a
// function nothing calls (P1 at medium confidence: how often it runs was not seen).
const TREE = {
  'src/main.rs': `fn main() {\n    metrics::start_metrics();\n}\n`,
  'src/metrics.rs': `pub fn start_metrics() {\n    ${SPAWN_LOOP}\n}\n`,
  'src/server.rs': `pub fn serve() {\n    ${SPAWN_LOOP}\n}\npub fn on_request() {\n    serve();\n}\n`,
  'src/orphan.rs': `pub fn orphan() {\n    ${SPAWN_LOOP}\n}\n`,
  'src/queue.rs': 'pub fn make() {\n    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<u8>();\n    keep(tx, rx);\n}\n',
};

interface JsonFinding {
  priority: string;
  confidence: string;
  lifetime?: string;
  location: { path: string };
}

function json(args: string[] = []): JsonFinding[] {
  const r = runCli([makeTree(TREE), '-f', 'json', '--fail-on', 'none', ...args]);
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

describe('process-lifetime resources', () => {
  it('are one summary line in text, listed with --show-process-lifetime', () => {
    const root = makeTree(TREE);
    const plain = runCli([root, '--fail-on', 'none']).stdout;
    expect(plain).not.toContain('src/metrics.rs');
    expect(plain).toContain('1 resource lives for the whole process (started once, from the entry point or module scope): --show-process-lifetime to list it');
    expect(plain).toMatch(/3 findings · 1 P0, 1 P1, 1 P2/);
    const listed = runCli([root, '--fail-on', 'none', '--show-process-lifetime']).stdout;
    expect(listed).toContain('P2 src/metrics.rs:2:5 task-unstoppable');
    expect(listed).not.toContain('--show-process-lifetime to list');
    expect(listed).toMatch(/4 findings · 1 P0, 1 P1, 2 P2/);
  });

  it('are folded in Markdown too', () => {
    const md = runCli([makeTree(TREE), '-f', 'md', '--fail-on', 'none']).stdout;
    expect(md).not.toContain('src/metrics.rs');
    expect(md).toContain('1 resource lives for the whole process');
  });

  it('stay in JSON marked as such, and are SARIF notes', () => {
    const lifelong = json().filter((f) => f.lifetime === 'process');
    expect(lifelong.map((f) => f.location.path)).toEqual(['src/metrics.rs']);
    const sarif = JSON.parse(runCli([makeTree(TREE), '-f', 'sarif', '--fail-on', 'none']).stdout) as {
      runs: { results: { level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const levelOf = (file: string) => sarif.runs[0]!.results.find((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.endsWith(file))!.level;
    expect(levelOf('metrics.rs')).toBe('note');
    expect(levelOf('server.rs')).toBe('error');
  });

  it('never fail a run, even with --fail-on P2', () => {
    expect(runCli([makeTree({ 'src/main.rs': TREE['src/main.rs'], 'src/metrics.rs': TREE['src/metrics.rs'] }), '--fail-on', 'P2']).code).toBe(0);
    expect(runCli([makeTree({ 'src/queue.rs': TREE['src/queue.rs'] }), '--fail-on', 'P2']).code).toBe(1);
  });
});

describe('the text summary', () => {
  it('has one row per kind and priority, so a row never counts findings of another priority', () => {
    const out = runCli([makeTree(TREE), '--fail-on', 'none', '--show-process-lifetime']).stdout;
    expect(out).toContain('P0  Spawned tasks / timers (long-lived, unstoppable): 1 finding in 1 file');
    expect(out).toContain('P1  Spawned tasks / timers (long-lived, unstoppable): 1 finding in 1 file');
    expect(out).toContain('P2  Spawned tasks / timers (long-lived, unstoppable): 1 finding in 1 file');
  });
});

describe('--min-confidence', () => {
  it('drops findings below the level; an unknown level is a usage error', () => {
    const all = json(['--show-process-lifetime']);
    expect(all.some((f) => f.confidence === 'medium')).toBe(true);
    const high = json(['--min-confidence', 'high']);
    expect(high.length).toBeGreaterThan(0);
    expect(high.every((f) => f.confidence === 'high')).toBe(true);
    expect(high.map((f) => f.location.path)).not.toContain('src/orphan.rs');
    expect(json(['--min-confidence', 'low'])).toHaveLength(all.length);
    const bad = runCli([makeTree(TREE), '--min-confidence', 'sure']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
