// `--shard i/N` and `leakaudit merge`: the merged report of N shards is the
// single run's report, durationMs aside, in every format; on the fixture trees
// and on a tree of several npm packages and Cargo crates (with a skipped file,
// a partially parsed one, a suppressed finding and a suppression problem).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeShardReports, readShardReport } from '../../src/pipeline/merge-shards.js';
import { runAudit, type AuditResult } from '../../src/pipeline/run-audit.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { makeTree, REPO, runCli } from '../helpers.js';

const fixture = (rule: string, lang: string, file: string): string => readFileSync(join(REPO, 'src', 'rules', rule, 'fixtures', lang, file), 'utf8');

/** Four packages, a workspace manifest and loose files at the root, of very different sizes. */
function multiPackageTree(): string {
  return makeTree({
    '.gitignore': 'node_modules/\n',
    'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
    'crates/worker/Cargo.toml': '[package]\nname = "worker"\nversion = "0.1.0"\n',
    'crates/worker/src/lib.rs': fixture('task-unstoppable', 'rust', 'tokio.leaky.rs'),
    'crates/db/Cargo.toml': '[package]\nname = "db"\nversion = "0.1.0"\n',
    'crates/db/src/lib.rs': fixture('connection-per-operation', 'rust', 'sqlite.leaky.rs'),
    'crates/db/src/pool.rs': fixture('connection-per-operation', 'rust', 'sqlite.clean.rs'),
    'packages/api/package.json': '{ "name": "api" }\n',
    'packages/api/src/timers.ts': fixture('task-unstoppable', 'typescript', 'timers.leaky.ts'),
    'packages/api/src/broken.ts': 'export class {{{ (( => ;\nsetInterval(() => 1, 1000);\n',
    'packages/api/src/kept.ts': 'export function tick(): void {\n  // leakaudit-ignore[task-unstoppable]: runs for the life of the process\n  setInterval(() => console.log("tick"), 1000);\n}\n',
    'packages/web/package.json': '{ "name": "web" }\n',
    'packages/web/src/events.ts': fixture('listener-never-removed', 'typescript', 'events.leaky.ts'),
    'packages/web/src/pg.ts': fixture('connection-per-operation', 'typescript', 'pg.leaky.ts'),
    'packages/web/src/reasonless.ts': 'export function poll(): void {\n  // leakaudit-ignore[task-unstoppable]\n  setInterval(() => console.log("poll"), 5000);\n}\n',
    'packages/web/dist/app.min.js': `var a=1;${'function x(){return 1};'.repeat(400)}\n`,
    'scripts/loose.js': "setInterval(() => console.log('loose'), 1000);\n",
    // In the root's unit, which sorts before packages/: problems are listed in path order all the same.
    'scripts/quiet.js': "// leakaudit-ignore[task-unstoppable]\nsetInterval(() => console.log('quiet'), 1000);\n",
  });
}

const TREES: Record<string, () => string> = {
  'multi-package tree': multiPackageTree,
  'examples/': () => join(REPO, 'examples'),
  // Each rule's fixtures as one tree (below a fixtures/ directory every file counts as test code).
  ...Object.fromEntries(
    readdirSync(join(REPO, 'src', 'rules'))
      .filter((rule) => existsSync(join(REPO, 'src', 'rules', rule, 'fixtures')))
      .map((rule) => [`${rule} fixtures`, () => join(REPO, 'src', 'rules', rule, 'fixtures')]),
  ),
};

function renders(result: AuditResult): Record<string, string> {
  const json = JSON.parse(renderJson(result)) as { stats: { durationMs?: number } };
  delete json.stats.durationMs;
  return {
    json: JSON.stringify(json, null, 2),
    md: renderMarkdown(result, { date: '2026-01-01' }),
    sarif: renderSarif(result),
    html: renderHtml(result, { date: '2026-01-01' }),
  };
}

async function mergedOfShards(root: string, count: number): Promise<AuditResult> {
  const dir = mkdtempSync(join(tmpdir(), 'leakaudit-shards-'));
  const reports = [];
  for (let index = 1; index <= count; index++) {
    const path = join(dir, `shard-${index}.json`);
    writeFileSync(path, renderJson(await runAudit({ paths: [root], root, jobs: 0, shard: { index, count } })));
    reports.push({ path, report: readShardReport(path) });
  }
  return mergeShardReports(reports.reverse());
}

describe('--shard i/N and merge', () => {
  for (const [name, treeOf] of Object.entries(TREES)) {
    it(`${name}: the merge of 2, 3 and 5 shards renders as the single run in every format`, async () => {
      const root = treeOf();
      const single = await runAudit({ paths: [root], root, jobs: 0 });
      expect(single.findings.length).toBeGreaterThan(0);
      const expected = renders(single);
      for (const count of [2, 3, 5]) {
        const merged = renders(await mergedOfShards(root, count));
        for (const format of Object.keys(expected)) expect(merged[format], `${format}, ${count} shards`).toBe(expected[format]);
      }
    });
  }

  it('splits the multi-package tree by size: every shard audits something, no file twice', async () => {
    const root = multiPackageTree();
    const single = await runAudit({ paths: [root], root, jobs: 0 });
    expect(single.skipped.map((s) => s.relPath)).toEqual(['packages/web/dist/app.min.js']);
    expect(single.partial.map((p) => p.path)).toEqual(['packages/api/src/broken.ts']);
    expect(single.findings.some((f) => f.suppressed)).toBe(true);
    expect(single.suppressionProblems.map((p) => p.path)).toEqual(['packages/web/src/reasonless.ts', 'scripts/quiet.js']);
    const shards = await Promise.all([1, 2, 3].map((index) => runAudit({ paths: [root], root, jobs: 0, shard: { index, count: 3 } })));
    for (const shard of shards) expect(shard.filesScanned).toBeGreaterThan(0);
    expect(shards.reduce((n, s) => n + s.filesScanned, 0)).toBe(single.filesScanned);
    const paths = shards.flatMap((s) => s.files.map((f) => f.path));
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('on the command line: shards as JSON, merged to SARIF that the multitool accepts, with the exit code of a single run', () => {
    const root = multiPackageTree();
    const out = mkdtempSync(join(tmpdir(), 'leakaudit-merge-'));
    const single = runCli([root, '-f', 'sarif', '-o', join(out, 'single.sarif'), '--no-cache']);
    expect(single.code).toBe(1);
    const shards = [1, 2, 3].map((i) => join(out, `shard-${i}.json`));
    for (const [i, file] of shards.entries()) {
      const r = runCli([root, '--shard', `${i + 1}/3`, '-f', 'json', '-o', file, '--no-cache', '--fail-on', 'none']);
      expect(r.code, r.stderr).toBe(0);
    }
    const merged = runCli(['merge', ...shards, '-f', 'sarif', '-o', join(out, 'merged.sarif')]);
    expect(merged.code, merged.stderr).toBe(1);
    expect(readFileSync(join(out, 'merged.sarif'), 'utf8')).toBe(readFileSync(join(out, 'single.sarif'), 'utf8'));

    const exe = join(REPO, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
    chmodSync(exe, 0o755);
    const r = spawnSync(exe, ['validate', '--rule-kind', 'Gh;Sarif', '--output', join(out, 'validation.sarif'), join(out, 'merged.sarif')], { encoding: 'utf8', timeout: 120_000 });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(output).toContain('Analysis completed successfully');
    expect(output.split('\n').filter((l) => /:\s*error\s+[A-Z]+\d+:/.test(l)), output).toEqual([]);

    // A baseline written from the merge hides every finding of the next merge.
    expect(runCli(['merge', ...shards, '--write-baseline', join(out, 'baseline.json'), '-q']).code).toBe(0);
    expect(runCli(['merge', ...shards, '--baseline', join(out, 'baseline.json'), '-q']).code).toBe(0);
  });

  it('refuses a bad --shard, a missing or doubled shard, and a report that is not a shard', () => {
    const root = multiPackageTree();
    expect(runCli([root, '--shard', '4/3']).stderr.trim()).toBe('leakaudit: invalid --shard "4/3" (i/N with 1 <= i <= N, e.g. 2/4)');
    const out = mkdtempSync(join(tmpdir(), 'leakaudit-merge-'));
    const shard = (i: number): string => {
      const file = join(out, `s${i}.json`);
      runCli([root, '--shard', `${i}/2`, '-f', 'json', '-o', file, '--no-cache', '-q']);
      return file;
    };
    const [one, two] = [shard(1), shard(2)];
    const missing = runCli(['merge', one]);
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'leakaudit: shard 2/2 missing']);
    expect(runCli(['merge', one, one]).stderr.trim()).toBe(`leakaudit: ${one} and ${one} are both shard 1/2`);
    const whole = join(out, 'whole.json');
    runCli([root, '-f', 'json', '-o', whole, '--no-cache', '-q']);
    expect(runCli(['merge', one, two, whole]).stderr.trim()).toBe(`leakaudit: ${whole}: not a shard report (audit with --shard i/N -f json)`);
    writeFileSync(join(out, 'junk.json'), '{"version": 1}');
    expect(runCli(['merge', join(out, 'junk.json')]).stderr.trim()).toBe(`leakaudit: ${join(out, 'junk.json')}: not a leakaudit JSON report (version 1)`);
  });
});
