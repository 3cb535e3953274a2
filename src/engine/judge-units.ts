// The judge stage: each unit not reused is judged from its files' facts, the
// tree snapshot (stamps, facts, judgements) is saved for the next run, and the
// units' results merge into the run's.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { SkippedFile } from '../discover/walk.js';
import type { FileFacts } from '../facts/types.js';
import type { ModelSet } from '../models/index.js';
import type { FileOutcome } from '../parse/outcome.js';
import type { StampedFile, StoredPackage } from '../cache/tree-snapshot.js';
import type { CacheStats } from './extract-files.js';
import type { OpenCache, SnapshotFile } from './open-cache.js';
import { judgePackage, mergePackageResults, packageKey, sortByKey, type PackageResult, type ScanSummary } from './package-results.js';
import type { Extracted } from './run.js';
import type { ExtractionStats } from './types.js';

export interface JudgedUnits extends ScanSummary {
  skipped: SkippedFile[];
  /** Every audited file's facts; those of reused units are read from the cache when first asked for. */
  files(): FileFacts[];
  extraction: Omit<ExtractionStats, 'timings'>;
  warnings: string[];
}

export async function judgeUnits(root: string, models: ModelSet, extracted: Extracted, cache: OpenCache | undefined, takenAt: number): Promise<JudgedUnits> {
  const { discovery, planned, todo, judge, base, extraction } = extracted;
  const found = discovery.files;
  const outcomeOf = new Map<number, { outcome: FileOutcome; key?: string; json?: string }>();
  todo.forEach((i, k) =>
    outcomeOf.set(i, {
      outcome: extraction!.outcomes[k]!,
      ...(extraction!.keys?.[k] ? { key: extraction!.keys[k] } : {}),
      ...(extraction!.json?.[k] !== undefined ? { json: extraction!.json[k] } : {}),
    }),
  );

  // The rules load only when there is something to judge.
  const rules = planned.some((g) => !('stored' in g)) ? (await import('../rules/index.js')).RULES : [];
  const inMemory: (FileFacts | undefined)[] = new Array(found.length);
  /** For files of reused packages: where their facts are, should anyone ask. */
  const storedKey: (string | undefined)[] = new Array(found.length);
  const results: PackageResult[] = [];
  const storedPackages: Record<string, StoredPackage> = {};
  const snapshotFiles: SnapshotFile[] = [];
  for (const group of planned) {
    if ('stored' in group) {
      results.push(group.stored);
      storedPackages[group.dir] = { key: group.key, value: group.stored };
      group.items.forEach((i, k) => {
        const stamp = group.stamped[k]!;
        storedKey[i] = stamp.key;
        snapshotFiles.push({ file: found[i]!, ...(stamp.key !== undefined ? { key: stamp.key } : { refused: stamp.refused }) });
      });
      continue;
    }
    const result = judgePackage(root, group.items.map((i) => ({ file: found[i]!, ...outcomeOf.get(i)! })), models, rules, judge);
    results.push(result);
    const entries: [string, StampedFile][] = [];
    for (const i of group.items) {
      const file = found[i]!;
      const { outcome, key, json } = outcomeOf.get(i)!;
      if (outcome.ok) inMemory[i] = outcome.facts;
      const stamp = { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino };
      const stamped: StampedFile | undefined =
        key !== undefined ? { ...stamp, key } : !outcome.ok && outcome.refused ? { ...stamp, refused: outcome.reason } : undefined;
      if (stamped) entries.push([file.relPath, stamped]);
      snapshotFiles.push({
        file,
        ...(stamped?.key !== undefined ? { key: stamped.key } : stamped ? { refused: stamped.refused } : {}),
        ...(outcome.ok ? { facts: outcome.note ? { facts: outcome.facts, note: outcome.note } : { facts: outcome.facts } } : {}),
        ...(json !== undefined ? { json } : {}),
      });
    }
    // A result that depends on a file without a cache key (a timeout, a crash) is not kept.
    if (entries.length === group.items.length) storedPackages[group.dir] = { key: packageKey(base, group.dir, entries), value: result };
  }
  const warnings = extraction?.cache?.warning ? [extraction.cache.warning] : [];
  const changed = todo.length > 0;
  if (cache && changed && warnings.length === 0) {
    if (cache.warning) warnings.push(cache.warning);
    else {
      const failed = cache.saveSnapshot(snapshotFiles, storedPackages, takenAt);
      if (failed) warnings.push(`cannot write the fact cache in ${cache.dir} (${failed}); the next run will read every file again`);
    }
  }
  const committed = dependencyNote(discovery.unignoredDependencies, root);
  if (committed) warnings.push(committed);
  let files: FileFacts[] | undefined;
  const factsOf = (i: number): FileFacts | undefined => inMemory[i] ?? (storedKey[i] !== undefined ? cache?.storedFacts(storedKey[i]!)?.facts : undefined);
  const stats: CacheStats | undefined = extraction?.cache
    ? { ...extraction.cache, hits: cache!.hits, unread: cache!.unread }
    : cache
      ? { dir: cache.dir, hits: cache.hits, unread: cache.unread, misses: 0, written: 0 }
      : undefined;
  const reused = planned.filter((g) => 'stored' in g).length;
  return {
    ...mergePackageResults(results),
    skipped: sortByKey([...discovery.skipped, ...results.flatMap((r) => r.extractionSkipped)], (s) => s.relPath),
    files: () => (files ??= found.map((_, i) => factsOf(i)).filter((f): f is FileFacts => f !== undefined)),
    extraction: {
      parsed: extraction?.parsed ?? 0,
      workers: extraction?.workersStarted ?? 0,
      ...(stats ? { cache: stats } : {}),
      ...(reused === planned.length ? { reusedResult: true as const } : {}),
      reusedPackages: reused,
      packages: planned.length,
    },
    warnings,
  };
}

/**
 * Dependency directories are skipped; one no ignore file excludes may be the
 * project's own code: say how to audit it. Only where something could exclude
 * it, a git work tree or a tree with a .gitignore: a plain directory with its
 * npm install in node_modules is the usual case, not a question.
 */
function dependencyNote(dirs: readonly string[], root: string): string | undefined {
  if (dirs.length === 0 || !underVersionControl(root)) return undefined;
  if (dirs.length === 1) {
    // The command to type is relative to where it is typed.
    const path = relative(process.cwd(), join(root, dirs[0]!)) || '.';
    return `${dirs[0]} was not audited: dependency directories are skipped, but no .gitignore excludes this one; if it holds your own code, name it: leakaudit ${path}`;
  }
  const shown = dirs.slice(0, 3).join(', ');
  return `${dirs.length} dependency directories no .gitignore excludes were not audited (${shown}${dirs.length > 3 ? ', …' : ''}); if one holds your own code, name it as a path`;
}

/** A .git or a .gitignore at or above the root. */
function underVersionControl(root: string): boolean {
  for (let dir = root; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git')) || existsSync(join(dir, '.gitignore'))) return true;
    if (dirname(dir) === dir) return false;
  }
}
