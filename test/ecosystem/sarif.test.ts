// SARIF output: valid against the shipped SARIF 2.1.0 schema (ajv), accepted
// by Microsoft's SARIF Multitool with the GitHub ingestion rules, and shaped
// the way GitHub code scanning reads it.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analysis/finding.js';
import type { AuditResult } from '../../src/pipeline/run-audit.js';
import { toSarif } from '../../src/report/sarif.js';
import { makeTree, REPO, runCli } from '../helpers.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv').default;
const addFormats = require('ajv-formats') as (ajv: InstanceType<typeof Ajv2020>) => void;

const SCHEMA_PATH = join(REPO, 'schema', 'sarif-2.1.0.json');
const MULTITOOL_DIR = join(REPO, 'node_modules', '@microsoft', 'sarif-multitool-linux');

// A leak with a teardown that does not stop it (a related location), a
// suppressed one, a file name that needs URI escaping, and brackets in code.
const SERVER = `use tokio::task::JoinHandle;

pub struct ApiServer {
    heartbeat: Option<JoinHandle<()>>,
}

impl ApiServer {
    pub fn start(&mut self) {
        self.heartbeat = Some(tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(10)).await;
            }
        }));
    }

    pub fn serve(&self, items: Vec<u8>) {
        tokio::spawn(async move { loop { let _ = items[0]; tick().await; } });
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        println!("bye");
    }
}

pub fn on_request(items: Vec<u8>) {
    ApiServer::serve(&ApiServer { heartbeat: None }, items);
}
`;

const SUPPRESSED = `pub fn run_forever() {
    // leakaudit-ignore[task-unstoppable]: the metrics loop lives as long as the process
    tokio::spawn(async move { loop { tick().await; } });
}
`;

function sarifOf(root: string, args: string[] = []): { log: SarifLog; text: string } {
  const r = runCli([root, '-f', 'sarif', '--fail-on', 'none', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { log: JSON.parse(r.stdout) as SarifLog, text: r.stdout };
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; rules: Record<string, any>[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: Record<string, any>[];
    invocations: Record<string, any>[];
  }[];
}

function validator() {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
}

function multitoolErrors(file: string): { errors: string[]; output: string } {
  const exe = join(MULTITOOL_DIR, 'Sarif.Multitool');
  chmodSync(exe, 0o755); // npm may skip the package's postinstall chmod
  const out = join(mkdtempSync(join(tmpdir(), 'sarif-validate-')), 'validation.sarif');
  const r = spawnSync(exe, ['validate', '--rule-kind', 'Gh;Sarif', '--output', out, file], { encoding: 'utf8', timeout: 120_000 });
  const output = `${r.stdout}\n${r.stderr}`;
  expect(r.error, `the multitool did not start: ${r.error?.message}`).toBeUndefined();
  expect(output).toContain('Analysis completed successfully');
  return { errors: output.split('\n').filter((l) => /:\s*error\s+[A-Z]+\d+:/.test(l)), output };
}

describe('--format sarif', () => {
  const root = makeTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'crates/api/src/api server.rs': SERVER, 'crates/api/src/metrics.rs': SUPPRESSED });
  const auditRoot = join(root, 'crates', 'api');
  const { log, text } = sarifOf(auditRoot);
  const run = log.runs[0]!;

  it('is valid against the official SARIF 2.1.0 schema (ajv), which is the copy the multitool package ships', () => {
    expect(readFileSync(SCHEMA_PATH)).toEqual(readFileSync(join(MULTITOOL_DIR, 'sarif-2.1.0.json')));
    const validate = validator();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
  });

  it('the schema check can fail: a result without a message is refused', () => {
    const broken = structuredClone(log);
    delete broken.runs[0]!.results[0]!.message;
    broken.runs[0]!.results[0]!.level = 'fatal';
    const validate = validator();
    expect(validate(broken)).toBe(false);
  });

  it('has one rule entry per rule with help from docs.md, level, tags and precision', () => {
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toContain('task-unstoppable');
    for (const rule of run.tool.driver.rules) {
      expect(rule.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(rule.shortDescription.text.length).toBeGreaterThan(10);
      expect(rule.shortDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.fullDescription.text.length).toBeGreaterThan(10);
      expect(rule.help.text).toContain('## Bad');
      expect(rule.help.text).toContain('## Good');
      expect(rule.help.markdown).toContain('```');
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
      expect(['very-high', 'high', 'medium', 'low']).toContain(rule.properties.precision);
      expect(rule.properties.tags.length).toBeGreaterThan(0);
      expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
      expect(rule.properties['security-severity']).toBeUndefined();
    }
  });

  it('shows the same help text as `leakaudit rules RULE`', () => {
    for (const rule of run.tool.driver.rules) {
      const cli = runCli(['rules', rule.id]);
      expect(cli.code).toBe(0);
      expect(cli.stdout.startsWith(rule.help.text), rule.id).toBe(true);
    }
  });

  it('locates results relative to the repository root, with a line-precise region', () => {
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`file://${root}/`);
    const serve = run.results.find((r) => r.message.text.includes('ApiServer::serve'))!;
    const loc = serve.locations[0].physicalLocation;
    expect(loc.artifactLocation).toEqual({ uri: 'crates/api/src/api%20server.rs', uriBaseId: '%SRCROOT%' });
    expect(loc.region).toMatchObject({ startLine: 17, startColumn: 9, endLine: 17 });
    expect(loc.region.endColumn).toBe(SERVER.split('\n')[16]!.length + 1);
    expect(loc.region.snippet.text).toContain('tokio::spawn');
    expect(loc.contextRegion.startLine).toBe(15);
    expect(serve.locations[0].logicalLocations[0].fullyQualifiedName).toBe('ApiServer::serve');
    expect(serve.level).toBe('error');
    expect(serve.ruleId).toBe('task-unstoppable');
    expect(run.tool.driver.rules[serve.ruleIndex]!.id).toBe('task-unstoppable');
    // Literal brackets from code cannot be read as SARIF links.
    expect(serve.message.text).not.toMatch(/(^|[^\\])\[0\]/);
  });

  it('carries the evidence chain in the message and the teardown as a related location', () => {
    const stored = run.results.find((r) => r.message.text.includes('ApiServer::start'))!;
    expect(stored.message.text.split('\n').length).toBeGreaterThan(3);
    expect(stored.message.text).toMatch(/^.*\.\n- /);
    expect(stored.message.text).toContain('Fix: ');
    expect(stored.relatedLocations).toHaveLength(1);
    expect(stored.relatedLocations[0].physicalLocation.region.startLine).toBe(22);
    expect(stored.message.text).toContain('](1)');
    expect(stored.properties.evidence.length).toBeGreaterThan(2);
  });

  it('fingerprints results without line numbers', () => {
    for (const r of run.results) {
      expect(r.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}$/);
      expect(r.partialFingerprints['leakaudit/v1']).toBe(r.partialFingerprints.primaryLocationLineHash);
    }
    const shifted = makeTree({ '.git/HEAD': 'x', 'crates/api/src/api server.rs': `// a new header comment\n\n${SERVER}`, 'crates/api/src/metrics.rs': SUPPRESSED });
    const again = sarifOf(join(shifted, 'crates', 'api')).log.runs[0]!;
    const prints = (rs: Record<string, any>[]) => rs.map((r) => r.partialFingerprints.primaryLocationLineHash).sort();
    expect(prints(again.results)).toEqual(prints(run.results));
  });

  it('marks an inline-suppressed finding with an inSource suppression and its reason', () => {
    const suppressed = run.results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'the metrics loop lives as long as the process' }]);
    expect(run.results.filter((r) => !r.suppressions)).toHaveLength(2);
  });

  it('is deterministic', () => {
    expect(sarifOf(auditRoot).text).toBe(text);
  });

  it("passes Microsoft's SARIF Multitool with the GitHub ingestion rules: 0 errors", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'leakaudit-sarif-')), 'leakaudit.sarif');
    writeFileSync(file, text);
    const { errors, output } = multitoolErrors(file);
    expect(errors, output).toEqual([]);
  });

  it('the multitool check can fail: GitHub rules flag a result message without text', () => {
    const broken = structuredClone(log);
    broken.runs[0]!.results[0]!.message = { id: 'default' };
    const dir = mkdtempSync(join(tmpdir(), 'leakaudit-sarif-'));
    const file = join(dir, 'broken.sarif');
    writeFileSync(file, JSON.stringify(broken));
    expect(multitoolErrors(file).errors.some((e) => / error GH\d+:/.test(e))).toBe(true);
  });

  it('without a git work tree, locations are relative to the audit root', () => {
    const plain = makeTree({ 'src/server.rs': SERVER });
    const r = sarifOf(plain).log.runs[0]!;
    expect(r.results[0]!.locations[0].physicalLocation.artifactLocation.uri).toBe('src/server.rs');
    expect(existsSync(join(plain, '.git'))).toBe(false);
  });

  it('reports suppression problems and skipped files as tool notifications', () => {
    const tree = makeTree({ 'src/a.rs': '// leakaudit-ignore[no-such-rule]: because\npub fn f() {}\n' });
    mkdirSync(join(tree, 'src', 'big'), { recursive: true });
    writeFileSync(join(tree, 'src', 'big', 'huge.rs'), `// ${'x'.repeat(2048)}\n`);
    const r = sarifOf(tree, ['--max-file-size', '1KB']).log.runs[0]!;
    const texts = r.invocations[0].toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text);
    expect(texts.some((t: string) => t.includes('unknown rule id `no-such-rule`'))).toBe(true);
    expect(texts.some((t: string) => t.startsWith('skipped: larger than'))).toBe(true);
    const validate = validator();
    expect(validate(JSON.parse(runCli([tree, '-f', 'sarif', '--max-file-size', '1KB']).stdout))).toBe(true);
  });
});

it('keeps a run within what GitHub shows (5,000 results) and says how many were left out', () => {
  const root = makeTree({ 'src/a.rs': 'fn f() {}\n' });
  const finding = (i: number): Finding => ({
    ruleId: 'task-unstoppable',
    messageId: 'discarded',
    kind: 'task',
    language: 'rust',
    severity: 'critical',
    priority: 'P0',
    confidence: 'high',
    location: { path: 'src/a.rs', startLine: 1, endLine: 1, startCol: 1 },
    symbol: `f${i}`,
    api: 'tokio::spawn',
    snippet: 'fn f() {}',
    message: `leak ${i}`,
    evidence: [],
    growth: '+1',
    impact: 'one task',
    remediation: 'stop it',
    fingerprint: i.toString(16).padStart(32, '0'),
    related: [],
  });
  const result = { root, findings: Array.from({ length: 5003 }, (_, i) => finding(i)), suppressionProblems: [], skipped: [], partial: [] } as unknown as AuditResult;
  const run = (toSarif(result) as SarifLog).runs[0]!;
  expect(run.results).toHaveLength(5000);
  expect(run.invocations[0].toolExecutionNotifications[0].message.text).toBe('3 findings beyond the first 5000 are left out of this SARIF file (GitHub shows at most 5,000 per run); see the JSON report for all.');
  expect((toSarif(result, { maxResults: 10 }) as SarifLog).runs[0]!.results).toHaveLength(10);
});
