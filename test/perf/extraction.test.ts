// Parallel and incremental extraction must not change a single result:
// main thread, 1 worker, N workers, cold cache, warm cache, a corrupt cache,
// two runs sharing a cache, and workers that crash or hang.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync, appendFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditOptions, type AuditResult } from '../../src/pipeline/run-audit.js';
import { sweepEntries } from '../../src/cache/fact-cache.js';
import { makeTree, REPO } from '../helpers.js';
import { makeGeneratedTree } from './generated-tree.js';

const FIXTURES = join(REPO, 'src', 'rules');
const temps: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakaudit-cache-'));
  temps.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Everything a report can show: the result without timings and run statistics. */
function comparable(result: AuditResult): object {
  const { durationMs: _d, extraction: _e, warnings: _w, models, ...rest } = result;
  return { ...rest, models: models.version };
}

/** Workers even for small trees, so the pool is what is tested. */
const WORKERS: Partial<AuditOptions> = { inProcessBelowBytes: 0 };

/** The per-file entries: fanned out over directories named by two hex digits. */
function cacheEntries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /^[0-9a-f]{2}[\\/][^\\/]+\.json$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

/**
 * Appends a leaking task to one file; the next cached run must parse that
 * file alone and report what a fresh run reports (one finding more).
 * `settle` runs after the edit (to age the stamps) and after the restore.
 */
async function expectOnlyChangeParsed(root: string, cacheDir: string, rel: string, reference: AuditResult, settle?: () => void): Promise<void> {
  const changed = join(root, rel);
  const before = readFileSync(changed);
  appendFileSync(changed, '\npub fn added() { tokio::spawn(async { loop {} }); }\n');
  settle?.();
  try {
    const result = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(result.extraction.parsed).toBe(1);
    const fresh = await runAudit({ paths: [root], jobs: 0 });
    expect(comparable(result)).toEqual(comparable(fresh));
    expect(fresh.findings.length).toBeGreaterThan(reference.findings.length);
  } finally {
    writeFileSync(changed, before);
    settle?.();
  }
}

describe.each([
  ['rule fixtures', () => FIXTURES],
  ['generated tree', () => makeGeneratedTree()],
])('extraction on the %s', (_name, makeRoot) => {
  let root: string;
  let reference: AuditResult;

  beforeAll(async () => {
    root = makeRoot();
    if (root !== FIXTURES) temps.push(root);
    reference = await runAudit({ paths: [root], jobs: 0 });
  });

  it('has something to compare', () => {
    expect(reference.files.length).toBeGreaterThan(3);
    expect(reference.extraction.workers).toBe(0);
  });

  it.each([1, 3])('gives identical results with %i worker(s)', async (jobs) => {
    const result = await runAudit({ paths: [root], jobs, ...WORKERS });
    expect(result.extraction.workers).toBe(Math.min(jobs, result.extraction.parsed));
    expect(comparable(result)).toEqual(comparable(reference));
  });

  it('gives identical results with workers started before discovery, used or not', async () => {
    const used = await runAudit({ paths: [root], jobs: 2, prestartWorkers: true, ...WORKERS });
    expect(used.extraction.workers).toBe(2);
    expect(comparable(used)).toEqual(comparable(reference));
    const unused = await runAudit({ paths: [root], jobs: 2, prestartWorkers: true, inProcessBelowBytes: Number.MAX_SAFE_INTEGER });
    expect(unused.extraction.workers).toBe(0);
    expect(comparable(unused)).toEqual(comparable(reference));
  });

  // A directory not made yet is a first run: nothing is looked up, every file goes to the workers.
  it.each(['made and empty', 'not made yet'])('gives identical results from a cold and a warm cache (cache directory %s)', async (state) => {
    const cacheDir = state === 'not made yet' ? join(tempDir(), 'cache') : tempDir();
    const cold = await runAudit({ paths: [root], jobs: 2, cacheDir, ...WORKERS });
    expect(cold.extraction.cache).toMatchObject({ hits: 0, written: cold.files.length });
    expect(comparable(cold)).toEqual(comparable(reference));
    const warm = await runAudit({ paths: [root], jobs: 2, cacheDir, ...WORKERS });
    expect(warm.extraction.parsed).toBe(0);
    expect(warm.extraction.workers).toBe(0);
    expect(warm.extraction.cache?.hits).toBe(reference.files.length);
    expect(comparable(warm)).toEqual(comparable(reference));
  });
});

describe('the fact cache', () => {
  let root: string;
  let reference: AuditResult;

  beforeAll(async () => {
    root = makeGeneratedTree(12);
    temps.push(root);
    reference = await runAudit({ paths: [root], jobs: 0 });
  });

  it('re-extracts a truncated, corrupt or misplaced entry and repairs it', async () => {
    const cacheDir = tempDir();
    await runAudit({ paths: [root], jobs: 0, cacheDir });
    const entries = cacheEntries(cacheDir).sort();
    expect(entries.length).toBe(reference.files.length);
    const [truncated, flipped, swapped, emptied, other] = entries as [string, string, string, string, string];
    writeFileSync(truncated, readFileSync(truncated).subarray(0, 40));
    // Same length, still valid JSON, one line number changed: only the checksum can tell.
    const text = readFileSync(flipped, 'latin1');
    const at = text.lastIndexOf('"startLine":') + '"startLine":'.length;
    writeFileSync(flipped, `${text.slice(0, at)}${text[at] === '9' ? '8' : '9'}${text.slice(at + 1)}`, 'latin1');
    writeFileSync(swapped, readFileSync(other)); // a valid entry for another file
    writeFileSync(emptied, '');
    // The tree snapshot would answer every file without an entry: these tests are about entries.
    rmSync(join(cacheDir, 'trees'), { recursive: true, force: true });
    const repaired = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(repaired.extraction.parsed).toBe(4);
    expect(repaired.warnings).toEqual([]);
    expect(comparable(repaired)).toEqual(comparable(reference));
    const again = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(again.extraction.parsed).toBe(0);
    expect(comparable(again)).toEqual(comparable(reference));
  });

  it('is safe for two runs writing one cache at the same time', async () => {
    const cacheDir = tempDir();
    const [a, b] = await Promise.all([
      runAudit({ paths: [root], jobs: 2, cacheDir, ...WORKERS }),
      runAudit({ paths: [root], jobs: 2, cacheDir, ...WORKERS }),
    ]);
    expect(comparable(a!)).toEqual(comparable(reference));
    expect(comparable(b!)).toEqual(comparable(reference));
    const files = readdirSync(cacheDir, { recursive: true, encoding: 'utf8' });
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const third = await runAudit({ paths: [root], jobs: 2, cacheDir, ...WORKERS });
    expect(third.extraction.parsed).toBe(0);
    expect(comparable(third)).toEqual(comparable(reference));
  });

  it('re-extracts a changed file only', async () => {
    const cacheDir = tempDir();
    await runAudit({ paths: [root], jobs: 0, cacheDir });
    await expectOnlyChangeParsed(root, cacheDir, 'src/m001/mod.rs', reference);
  });

  it('still runs, with one warning, when the cache directory cannot be written', async () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'not a directory');
    const result = await runAudit({ paths: [root], jobs: 0, cacheDir: join(blocker, 'cache') });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/cannot write the fact cache in .*a-file\/cache \(\w+\)/);
    expect(comparable(result)).toEqual(comparable(reference));
    expect(statSync(blocker).isFile()).toBe(true);
  });
});

describe('the tree snapshot', () => {
  let root: string;
  let reference: AuditResult;
  const HOUR_AGO = new Date(Date.now() - 3_600_000);

  /** Files written long ago: their stamps can be trusted. */
  function age(dir: string): void {
    for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) utimesSync(join(dir, f), HOUR_AGO, HOUR_AGO);
  }

  beforeAll(async () => {
    root = makeGeneratedTree(12);
    temps.push(root);
    age(root);
    reference = await runAudit({ paths: [root], jobs: 0 });
  });

  async function warmed(): Promise<string> {
    const cacheDir = tempDir();
    const cold = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(cold.extraction.parsed).toBe(reference.files.length);
    return cacheDir;
  }

  it('answers an unchanged tree without reading a file, and reuses the judged result', async () => {
    const cacheDir = await warmed();
    const warm = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(warm.extraction.parsed).toBe(0);
    expect(warm.extraction.reusedResult).toBe(true);
    expect(warm.extraction.cache).toMatchObject({ hits: reference.files.length, unread: reference.files.length, misses: 0 });
    expect(comparable(warm)).toEqual(comparable(reference));
  });

  it('reads a touched file again, parses nothing when its content is the same', async () => {
    const cacheDir = await warmed();
    const touched = join(root, 'src/m002/mod.rs');
    utimesSync(touched, new Date(), new Date());
    try {
      const result = await runAudit({ paths: [root], jobs: 0, cacheDir });
      expect(result.extraction.parsed).toBe(0);
      expect(result.extraction.reusedResult).toBeUndefined();
      expect(result.extraction.cache).toMatchObject({ hits: reference.files.length, unread: reference.files.length - 1 });
      expect(comparable(result)).toEqual(comparable(reference));
    } finally {
      utimesSync(touched, HOUR_AGO, HOUR_AGO);
    }
  });

  it('re-extracts a file whose content changed, and judges the tree again', async () => {
    // Content changed, stamps aged: only the size and the content can tell.
    await expectOnlyChangeParsed(root, await warmed(), 'src/m003/mod.rs', reference, () => age(root));
  });

  it('does not trust the stamp of a file changed just before the snapshot was taken', async () => {
    const fresh = makeGeneratedTree(3);
    temps.push(fresh);
    const cacheDir = tempDir();
    await runAudit({ paths: [fresh], jobs: 0, cacheDir });
    const again = await runAudit({ paths: [fresh], jobs: 0, cacheDir });
    expect(again.extraction.cache?.unread).toBe(0);
    expect(again.extraction.parsed).toBe(0);
  });

  it('judges again, and right, when the options change', async () => {
    const cacheDir = await warmed();
    const opts = { disabledRules: new Set(['task-unstoppable']) };
    const result = await runAudit({ paths: [root], jobs: 0, cacheDir, ...opts });
    expect(result.extraction.reusedResult).toBeUndefined();
    expect(result.extraction.parsed).toBe(0);
    expect(comparable(result)).toEqual(comparable(await runAudit({ paths: [root], jobs: 0, ...opts })));
    expect(result.findings.length).toBeLessThan(reference.findings.length);
  });

  it('notices added and deleted files', async () => {
    const cacheDir = await warmed();
    const added = join(root, 'src/added.rs');
    writeFileSync(added, 'pub fn more() { tokio::spawn(async { loop {} }); }\n');
    // A new entry gives its directory a new modification time (old enough to trust).
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    utimesSync(added, tenMinutesAgo, tenMinutesAgo);
    utimesSync(join(root, 'src'), tenMinutesAgo, tenMinutesAgo);
    try {
      const withAdded = await runAudit({ paths: [root], jobs: 0, cacheDir });
      expect(withAdded.extraction.parsed).toBe(1);
      expect(comparable(withAdded)).toEqual(comparable(await runAudit({ paths: [root], jobs: 0 })));
    } finally {
      rmSync(added);
      const fiveMinutesAgo = new Date(Date.now() - 300_000);
      utimesSync(join(root, 'src'), fiveMinutesAgo, fiveMinutesAgo);
    }
    const afterDelete = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(afterDelete.extraction.parsed).toBe(0);
    expect(comparable(afterDelete)).toEqual(comparable(reference));
  });

  it('falls back to the per-file entries when the snapshot is truncated or corrupt', async () => {
    const cacheDir = await warmed();
    const trees = join(cacheDir, 'trees');
    const [index] = readdirSync(trees).filter((f) => f.endsWith('.index')).map((f) => join(trees, f));
    const [facts] = readdirSync(trees).filter((f) => f.endsWith('.facts')).map((f) => join(trees, f));
    // A corrupt facts file: unchanged files are read and answered from their entries.
    const factsText = readFileSync(facts!, 'latin1');
    writeFileSync(facts!, factsText.replace('"startLine":1', '"startLine":2'), 'latin1');
    const touched = join(root, 'src/m004/mod.rs');
    utimesSync(touched, new Date(), new Date());
    try {
      const result = await runAudit({ paths: [root], jobs: 0, cacheDir });
      expect(result.extraction.parsed).toBe(0);
      expect(comparable(result)).toEqual(comparable(reference));
    } finally {
      utimesSync(touched, HOUR_AGO, HOUR_AGO);
    }
    // A truncated index and corrupt directory listings: nothing is trusted, every file is read, nothing parsed.
    writeFileSync(index!, readFileSync(index!).subarray(0, 100));
    const [dirs] = readdirSync(trees).filter((f) => f.endsWith('.dirs')).map((f) => join(trees, f));
    const listing = readFileSync(dirs!, 'latin1');
    writeFileSync(dirs!, listing.replace('"subdirs":[', '"subdirs":["nowhere",'), 'latin1');
    const truncated = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(truncated.extraction.cache?.unread).toBe(0);
    expect(truncated.extraction.parsed).toBe(0);
    expect(comparable(truncated)).toEqual(comparable(reference));
    // ...and the run wrote a good snapshot again.
    const repaired = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(repaired.extraction.reusedResult).toBe(true);
    expect(comparable(repaired)).toEqual(comparable(reference));
  });
});

describe('per-package judgements', () => {
  it('judges again only the package whose file changed, with the same result as a fresh run', async () => {
    const root = makeGeneratedTree(6, ['alpha', 'beta', 'gamma']);
    temps.push(root);
    const old = new Date(Date.now() - 3_600_000);
    for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) utimesSync(join(root, f), old, old);
    const cacheDir = tempDir();
    const cold = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(cold.extraction.packages).toBe(3);
    expect(cold.extraction.reusedPackages).toBe(0);
    const changed = join(root, 'crates/beta/src/m002/mod.rs');
    appendFileSync(changed, '\npub fn extra() { tokio::spawn(async { loop {} }); }\n');
    utimesSync(changed, old, new Date(Date.now() - 60_000));
    const result = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(result.extraction.reusedPackages).toBe(2);
    expect(result.extraction.parsed).toBe(1);
    const fresh = await runAudit({ paths: [root], jobs: 0 });
    expect(comparable(result)).toEqual(comparable(fresh));
    expect(result.findings.filter((f) => f.location.path.startsWith('crates/beta/')).length).toBe(cold.findings.filter((f) => f.location.path.startsWith('crates/beta/')).length + 1);
    const again = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(again.extraction.reusedResult).toBe(true);
    expect(comparable(again)).toEqual(comparable(fresh));
  });
});

describe('worker faults', () => {
  let root: string;
  let reference: AuditResult;

  beforeAll(async () => {
    root = makeGeneratedTree(12);
    temps.push(root);
    reference = await runAudit({ paths: [root], jobs: 0 });
  });

  it('replaces a crashed worker and retries its file', async () => {
    const result = await runAudit({ paths: [root], jobs: 2, ...WORKERS, faultInjection: { crashOn: 'src/m004/mod.rs', crashAttempts: 1 } });
    expect(result.extraction.workers).toBe(3);
    expect(comparable(result)).toEqual(comparable(reference));
  });

  it('skips a file whose worker crashes twice, with the reason, and keeps the rest', async () => {
    const result = await runAudit({ paths: [root], jobs: 2, ...WORKERS, faultInjection: { crashOn: 'src/m004/mod.rs', crashAttempts: 2 } });
    expect(result.extraction.workers).toBe(4);
    const skipped = result.skipped.find((s) => s.relPath === 'src/m004/mod.rs');
    expect(skipped?.reason).toMatch(/^the extraction worker crashed twice on this file \(.*injected crash/);
    expect(result.files.map((f) => f.path)).toEqual(reference.files.map((f) => f.path).filter((p) => p !== 'src/m004/mod.rs'));
    expect(result.files).toEqual(reference.files.filter((f) => f.path !== 'src/m004/mod.rs'));
  });

  it('skips a file that overruns its time budget and finishes the run', async () => {
    const result = await runAudit({ paths: [root], jobs: 2, ...WORKERS, fileTimeoutMs: 2000, faultInjection: { hangOn: 'src/m002/mod.rs' } });
    const skipped = result.skipped.find((s) => s.relPath === 'src/m002/mod.rs');
    expect(skipped?.reason).toBe('parsing and fact extraction took longer than 2000 ms (skipped)');
    expect(result.files).toEqual(reference.files.filter((f) => f.path !== 'src/m002/mod.rs'));
  });
});

describe('the worker pool', () => {
  it('replaces a worker whose parser memory reached the limit, so the memory goes back to the system', async () => {
    const { ExtractionPool } = await import('../../src/parse/worker-pool.js');
    const { loadBuiltinModels } = await import('../../src/models/index.js');
    const root = makeGeneratedTree(3);
    temps.push(root);
    const files = ['src/m000/mod.rs', 'src/m001/mod.rs', 'src/m002/mod.rs'].map((relPath, id) => {
      const absPath = join(root, relPath);
      return { id, absPath, relPath, info: { language: 'rust' as const, grammar: 'rust' as const }, isTestFile: false, size: statSync(absPath).size, attempt: 0 };
    });
    const started = async (recycleAboveMemoryBytes: number | undefined): Promise<number> => {
      const pool = new ExtractionPool({
        size: 1,
        jobTimeoutMs: 60_000,
        ...(recycleAboveMemoryBytes !== undefined ? { recycleAboveMemoryBytes } : {}),
        worker: { grammars: ['rust'], parseTimeoutMs: 10_000, models: loadBuiltinModels() },
      });
      try {
        const results = await Promise.all(files.map((f) => pool.extract(f)));
        expect(results.map((r) => r.outcome.ok)).toEqual([true, true, true]);
        for (const r of results) expect(r.memoryBytes).toBeGreaterThanOrEqual(16 * 1024 * 1024);
        return pool.started;
      } finally {
        await pool.close();
      }
    };
    // Every worker's memory is over a limit of one byte: each file gets a fresh one.
    expect(await started(1)).toBe(4);
    // Small files never grow the parser's memory to the default limit.
    expect(await started(undefined)).toBe(1);
  });
});

describe('cache housekeeping', () => {
  it('keeps the snapshots of the most recently audited trees only', async () => {
    const cacheDir = tempDir();
    const trees = Array.from({ length: 18 }, () => {
      const root = makeTree({ 'src/lib.rs': 'pub fn f() {}\n' });
      temps.push(root);
      return root;
    });
    for (const root of trees) await runAudit({ paths: [root], jobs: 0, cacheDir });
    const ids = new Set(readdirSync(join(cacheDir, 'trees')).map((n) => n.slice(0, n.indexOf('.'))));
    expect(ids.size).toBe(16);
  });
});

describe('entry sweeping', () => {
  it('removes entries unwritten for two weeks, at most once a day, and the results stay right', async () => {
    const root = makeGeneratedTree(4);
    temps.push(root);
    const cacheDir = tempDir();
    const first = await runAudit({ paths: [root], jobs: 0, cacheDir });
    const entries = cacheEntries(cacheDir);
    expect(entries.length).toBe(first.files.length);
    // The first run swept an empty directory and left its marker: no second sweep today.
    expect(sweepEntries(cacheDir)).toBe(0);
    const old = new Date(Date.now() - 20 * 24 * 3600 * 1000);
    for (const e of entries.slice(1)) utimesSync(e, old, old);
    const tomorrow = Date.now() + 25 * 3600 * 1000;
    expect(sweepEntries(cacheDir, tomorrow)).toBe(entries.length - 1);
    expect(cacheEntries(cacheDir)).toEqual([entries[0]]);
    rmSync(join(cacheDir, 'trees'), { recursive: true, force: true });
    const again = await runAudit({ paths: [root], jobs: 0, cacheDir });
    expect(again.extraction.parsed).toBe(entries.length - 1);
    expect(comparable(again)).toEqual(comparable(first));
  });
});
