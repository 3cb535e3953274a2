// Discovery reuses the last run's directory listings: only directories whose
// modification time or ignore files changed are listed again. Every change a
// listing depends on must be noticed, or files would be missed or audited
// against the wrong ignore rules.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover, type Discovery } from '../../src/discover/walk.js';
import { runAudit } from '../../src/pipeline/run-audit.js';
import { makeTree } from '../helpers.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const LONG_AGO = new Date(Date.now() - 3_600_000);

/** Every file and directory written long ago: their stamps can be trusted. */
function age(root: string): void {
  for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) utimesSync(join(root, f), LONG_AGO, LONG_AGO);
  utimesSync(root, LONG_AGO, LONG_AGO);
}

/** Writes a file and gives it, and the directory it landed in, an old but new modification time. */
function write(root: string, rel: string, content: string, when = new Date(Date.now() - 600_000)): void {
  const abs = join(root, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, content);
  utimesSync(abs, when, when);
  utimesSync(dirname(abs), when, when);
}

function tree(): string {
  const root = makeTree({
    'src/a.rs': 'fn a() {}\n',
    'src/deep/b.rs': 'fn b() {}\n',
    'src/deep/gen.rs': 'fn gen() {}\n',
    'web/app.ts': 'export const x = 1;\n',
    'web/.gitignore': 'ignored.ts\n',
    'web/ignored.ts': 'export const y = 2;\n',
    'README.md': '# not source\n',
    '.gitignore': '*.tmp\n',
  });
  temps.push(root);
  age(root);
  return root;
}

async function run(root: string, listings?: Discovery['listings'], paths = [root], exclude?: string[]): Promise<Discovery> {
  return discover({ root, paths, maxFileBytes: 1 << 20, ...(listings ? { listings } : {}), ...(exclude ? { exclude } : {}) });
}

const paths = (d: Discovery): string[] => d.files.map((f) => f.relPath);

describe('directory listings', () => {
  it('lists nothing again when nothing changed, and finds the same files', async () => {
    const root = tree();
    const first = await run(root);
    const again = await run(root, first.listings);
    expect(again.relisted).toBe(0);
    expect(paths(again)).toEqual(paths(first));
    expect(paths(first)).toEqual(['src/a.rs', 'src/deep/b.rs', 'src/deep/gen.rs', 'web/app.ts']);
  });

  it('finds a file added to a directory, and stops finding a deleted one', async () => {
    const root = tree();
    const first = await run(root);
    write(root, 'src/deep/c.rs', 'fn c() {}\n');
    const added = await run(root, first.listings);
    expect(added.relisted).toBe(1);
    expect(paths(added)).toContain('src/deep/c.rs');
    rmSync(join(root, 'src/deep/b.rs'));
    utimesSync(join(root, 'src/deep'), new Date(Date.now() - 300_000), new Date(Date.now() - 300_000));
    const removed = await run(root, added.listings);
    expect(paths(removed)).not.toContain('src/deep/b.rs');
  });

  it('applies an ignore file whose content changed to its whole subtree', async () => {
    const root = tree();
    const first = await run(root);
    // An existing ignore file rewritten in place: the directory's own modification time stays the same.
    writeFileSync(join(root, '.gitignore'), '*.tmp\ngen.rs\n');
    utimesSync(join(root, '.gitignore'), new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));
    utimesSync(root, LONG_AGO, LONG_AGO);
    const after = await run(root, first.listings);
    expect(paths(after)).not.toContain('src/deep/gen.rs');
    expect(paths(after)).toContain('src/deep/b.rs');
  });

  it('applies a changed ignore file between the root and a starting path', async () => {
    const root = tree();
    const start = [join(root, 'src')];
    const first = await run(root, undefined, start);
    expect(paths(first)).toContain('src/deep/gen.rs');
    write(root, '.gitignore', '*.tmp\ngen.rs\n');
    utimesSync(root, LONG_AGO, LONG_AGO);
    const after = await run(root, first.listings, start);
    expect(paths(after)).not.toContain('src/deep/gen.rs');
  });

  it('does not trust a directory changed just before the listings were taken', async () => {
    const root = tree();
    write(root, 'src/late.rs', 'fn late() {}\n', new Date());
    const first = await run(root);
    const again = await run(root, first.listings);
    expect(again.relisted).toBeGreaterThanOrEqual(1);
    expect(paths(again)).toEqual(paths(first));
  });

  it('does not reuse listings taken with other excludes', async () => {
    const root = tree();
    // A link is reported as skipped where it is found: an excluded directory's must not be.
    symlinkSync('../a.rs', join(root, 'src/deep/link.rs'));
    age(root);
    const cacheDir = mkdtempSync(join(tmpdir(), 'leakaudit-listings-'));
    temps.push(cacheDir);
    const audited = async (exclude?: string[]): Promise<string[]> => {
      const result = await runAudit({ paths: [root], jobs: 0, cacheDir, ...(exclude ? { exclude } : {}) });
      return [...result.files.map((f) => f.path), ...result.skipped.map((s) => `skipped ${s.relPath}`)].sort();
    };
    const all = ['skipped src/deep/link.rs', 'src/a.rs', 'src/deep/b.rs', 'src/deep/gen.rs', 'web/app.ts'];
    expect(await audited()).toEqual(all);
    // Listings stored without excludes still walk into src/deep: used here, they would report its link.
    expect(await audited(['src/deep/'])).toEqual(['src/a.rs', 'web/app.ts']);
    expect(await audited()).toEqual(all);
  });
});

describe('dependency directories', () => {
  it('names the ones no ignore file excludes, from fresh and from reused listings alike', async () => {
    const root = makeTree({
      'src/a.ts': 'export const a = 1;\n',
      'packages/node_modules/@app/core/index.js': 'module.exports = {};\n',
      'node_modules/dep/index.js': 'module.exports = {};\n',
      'vendor/lib.rs': 'fn lib() {}\n',
      'target/debug/build.rs': 'fn build() {}\n',
      '.gitignore': '/node_modules\n',
    });
    temps.push(root);
    age(root);
    const first = await run(root);
    expect(paths(first)).toEqual(['src/a.ts']);
    // Ignored (node_modules at the root) and build output (target) go unmentioned.
    expect(first.unignoredDependencies).toEqual(['packages/node_modules', 'vendor']);
    const again = await run(root, first.listings);
    expect(again.relisted).toBe(0);
    expect(again.unignoredDependencies).toEqual(['packages/node_modules', 'vendor']);
    const audit = await runAudit({ paths: [root], jobs: 0 });
    expect(audit.warnings).toEqual([
      '2 dependency directories no .gitignore excludes were not audited (packages/node_modules, vendor); if one holds your own code, name it as a path',
    ]);
    const named = await runAudit({ paths: [join(root, 'packages/node_modules/@app')], root, jobs: 0 });
    expect(named.files.map((f) => f.path)).toEqual(['packages/node_modules/@app/core/index.js']);
  });
});
