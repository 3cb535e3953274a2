// discover -> parse + extract -> resolve -> judge: the whole static audit.
// Parsing and extraction run in worker threads (or come from the fact cache);
// the main thread only discovers, resolves, judges and reports.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { FileFacts } from '../facts/types.js';
import { discover, type SkippedFile } from '../discover/walk.js';
import { DEFAULT_PARSE_TIMEOUT_MS } from '../parse/syntax.js';
import type { FaultInjection } from '../parse/extraction-job.js';
import { DEFAULT_FILE_TIMEOUT_MS, DEFAULT_IN_PROCESS_BELOW_BYTES, extractFiles, prepareExtraction, type CacheStats, type SnapshotFile } from './extract-files.js';
import { createModelSet, loadBuiltinModels, type ModelSet } from '../models/index.js';
import type { ResourceModel } from '../models/schema.js';
import { groupByPackage, packageDirs } from '../analysis/packages.js';
import type { JudgeOptions } from '../analysis/judge.js';
import type { FileOutcome } from '../parse/outcome.js';
import { judgePackage, judgementBase, mergePackageResults, packageKey, sortByKey, type PackageResult, type ScanSummary } from './package-results.js';
import type { StampedFile, StoredPackage } from '../cache/tree-snapshot.js';
import type { Finding } from '../analysis/finding.js';
import { assignUnits, type Shard } from './shards.js';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface AuditOptions {
  /** Paths to audit; relative paths in the report are relative to `root`. */
  paths: string[];
  root?: string;
  maxFileBytes?: number;
  exclude?: string[];
  include?: string[];
  userModels?: ResourceModel[];
  disabledRules?: ReadonlySet<string>;
  rulePriorities?: ReadonlyMap<string, Finding['priority']>;
  /** Audit bundles, minified scripts and files a tool says it generated, instead of skipping and listing them. */
  includeGenerated?: boolean;
  /** Per-file parse budget. */
  parseTimeoutMs?: number;
  /** Per-file wall-clock budget for parse + extraction; an overrun file is skipped with a note. */
  fileTimeoutMs?: number;
  /** Worker threads that parse and extract (default: the number of cores); 0 extracts on the main thread. */
  jobs?: number;
  /** Fact cache directory; without it nothing is cached. */
  cacheDir?: string;
  /** Work smaller than this many bytes is extracted on the main thread (starting workers would cost more). */
  inProcessBelowBytes?: number;
  /** Start the workers before discovery when the cache is off or empty, so they boot while it runs (the CLI does). */
  prestartWorkers?: boolean;
  /** Audit only this shard's units (`--shard i/N`); the shards' JSON reports merge into the whole run's. */
  shard?: Shard;
  /** Test-only: make extraction workers crash or hang on purpose. */
  faultInjection?: FaultInjection;
  onProgress?: (done: number, total: number, path: string) => void;
}

/** How the facts were obtained: for benchmarks, progress lines and tests, not for reports. */
export interface ExtractionStats {
  /** Files parsed and extracted in this run (the rest came from the cache). */
  parsed: number;
  /** Worker threads started, replacements included; 0 when the main thread extracted. */
  workers: number;
  cache?: CacheStats;
  /** Nothing changed since the last run with the same inputs: its judged result was reused. */
  reusedResult?: true;
  /** Packages (crates, npm packages) whose stored judgement was reused because none of their files changed. */
  reusedPackages?: number;
  packages?: number;
  timings: { discoverMs: number; extractMs: number; analyseMs: number };
}

export interface AuditResult extends ScanSummary {
  root: string;
  files: FileFacts[];
  skipped: SkippedFile[];
  models: ModelSet;
  durationMs: number;
  extraction: ExtractionStats;
  /** One-line problems the run worked around (an unwritable cache): print them, do not fail. */
  warnings: string[];
  /** Set when only one shard's units were audited. */
  shard?: Shard;
}

/**
 * One path: itself. Several: the working directory when it holds them all,
 * else their closest common directory, so that `leakaudit ../a ../b` audits
 * both rather than skipping them as outside the root.
 */
export function defaultRoot(paths: readonly string[]): string {
  if (paths.length === 0) return resolve('.');
  if (paths.length === 1) return resolve(paths[0]!);
  const abs = paths.map((p) => resolve(p));
  const inside = (p: string, dir: string): boolean => p === dir || p.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
  let parent = resolve('.');
  if (abs.every((p) => inside(p, parent))) return parent;
  parent = dirname(abs[0]!);
  while (!abs.every((p) => inside(p, parent)) && dirname(parent) !== parent) parent = dirname(parent);
  return parent;
}

export async function runAudit(opts: AuditOptions): Promise<AuditResult> {
  const started = performance.now();
  const root = resolve(opts.root ?? defaultRoot(opts.paths));
  const models = createModelSet([...loadBuiltinModels(), ...(opts.userModels ?? [])]);
  const prepared = prepareExtraction(
    {
      jobs: Math.max(0, Math.floor(opts.jobs ?? availableParallelism())),
      ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
      modelsVersion: models.version,
      models: models.models,
      parseTimeoutMs: opts.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS,
      fileTimeoutMs: opts.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS,
      inProcessBelowBytes: opts.inProcessBelowBytes ?? DEFAULT_IN_PROCESS_BELOW_BYTES,
      ...(opts.includeGenerated ? { includeGenerated: true } : {}),
      ...(opts.faultInjection ? { faults: opts.faultInjection } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      tree: { root, paths: opts.paths.map((p) => resolve(p)), ...(opts.shard ? { shard: `${opts.shard.index}/${opts.shard.count}` } : {}) },
    },
    opts.prestartWorkers ?? false,
  );
  let discovery: Awaited<ReturnType<typeof discover>>;
  let discovered: number;
  const takenAt = Date.now();
  const judgeOptions: JudgeOptions = {
    ...(opts.disabledRules ? { disabled: opts.disabledRules } : {}),
    ...(opts.rulePriorities ? { priorities: opts.rulePriorities } : {}),
  };
  const cache = prepared.cache;
  const base = judgementBase(models.version, judgeOptions);
  /** Each package: its files, and its stored result when none of them changed. */
  let groups: { dir: string; items: number[]; key?: string; stored?: PackageResult; stamped?: StampedFile[] }[];
  let extraction: Awaited<ReturnType<typeof extractFiles>> | undefined;
  let todo: number[];
  try {
    const excludes = opts.exclude ?? [];
    const listings = cache?.listings(excludes);
    discovery = await discover({
      root,
      paths: opts.paths.length > 0 ? opts.paths : [root],
      maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      ...(opts.exclude ? { exclude: opts.exclude } : {}),
      ...(opts.include ? { include: opts.include } : {}),
      ...(listings ? { listings } : {}),
    });
    // Unchanged directories need not be listed next time either.
    if (cache && discovery.relisted > 0) cache.saveListings(excludes, discovery.listings);
    discovered = performance.now();
    const found = discovery.files;
    // A package none of whose files changed keeps the result it was judged to last time: types,
    // teardowns and callers resolve within a package, so no other package's change can alter it.
    const dirs = packageDirs(root, discovery.manifests);
    groups = groupByPackage(found.map((_, i) => i), (i) => found[i]!.relPath, dirs);
    if (opts.shard) {
      const shard = opts.shard;
      const owner = assignUnits(groups.map((g) => ({ dir: g.dir, bytes: g.items.reduce((n, i) => n + found[i]!.size, 0) })), shard.count);
      groups = groups.filter((g) => owner.get(g.dir) === shard.index);
      // A file discovery skipped is listed by the shard of its unit (the first shard when its unit has no audited file).
      const mine = new Set(groupByPackage(discovery.skipped, (s) => s.relPath, dirs).filter((g) => (owner.get(g.dir) ?? 1) === shard.index).flatMap((g) => g.items));
      discovery.skipped = discovery.skipped.filter((s) => mine.has(s));
    }
    todo = [];
    for (const group of groups) {
      const stamped = cache?.unchangedFiles(group.items.map((i) => found[i]!));
      if (cache && stamped) {
        group.key = packageKey(base, group.dir, group.items.map((i, k) => [found[i]!.relPath, stamped[k]!]));
        const stored = cache.storedPackage(group.dir, group.key) as PackageResult | undefined;
        if (stored) {
          group.stored = stored;
          group.stamped = stamped;
          cache.countUnread(stamped.filter((s) => s.key !== undefined).length);
          continue;
        }
      }
      todo.push(...group.items);
    }
    if (todo.length > 0) extraction = await extractFiles(todo.map((i) => found[i]!), prepared);
    else await prepared.early?.then((pool) => pool.close());
  } catch (err) {
    // Workers started early must not keep the process alive after a failure.
    await prepared.early?.then((pool) => pool.close());
    throw err;
  }
  const extracted = performance.now();
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
  const rules = groups.some((g) => !g.stored) ? (await import('../rules/index.js')).RULES : [];
  const inMemory: (FileFacts | undefined)[] = new Array(found.length);
  /** For files of reused packages: where their facts are, should anyone ask. */
  const storedKey: (string | undefined)[] = new Array(found.length);
  const results: PackageResult[] = [];
  const storedPackages: Record<string, StoredPackage> = {};
  const snapshotFiles: SnapshotFile[] = [];
  for (const group of groups) {
    if (group.stored) {
      results.push(group.stored);
      storedPackages[group.dir] = { key: group.key!, value: group.stored };
      group.items.forEach((i, k) => {
        const stamp = group.stamped![k]!;
        storedKey[i] = stamp.key;
        snapshotFiles.push({ file: found[i]!, ...(stamp.key !== undefined ? { key: stamp.key } : { refused: stamp.refused }) });
      });
      continue;
    }
    const result = judgePackage(root, group.items.map((i) => ({ file: found[i]!, ...outcomeOf.get(i)! })), models, rules, judgeOptions);
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
  return {
    ...mergePackageResults(results),
    root,
    skipped: sortByPath([...discovery.skipped, ...results.flatMap((r) => r.extractionSkipped)]),
    models,
    // Facts of packages whose result was reused are loaded only if someone asks (tests, tools), not for a report.
    get files(): FileFacts[] {
      files ??= found.map((_, i) => factsOf(i)).filter((f): f is FileFacts => f !== undefined);
      return files;
    },
    durationMs: Math.round(performance.now() - started),
    extraction: {
      parsed: extraction?.parsed ?? 0,
      workers: extraction?.workersStarted ?? 0,
      ...(stats ? { cache: stats } : {}),
      ...(groups.every((g) => g.stored) ? { reusedResult: true as const } : {}),
      reusedPackages: groups.filter((g) => g.stored).length,
      packages: groups.length,
      timings: {
        discoverMs: Math.round(discovered - started),
        extractMs: Math.round(extracted - discovered),
        analyseMs: Math.round(performance.now() - extracted),
      },
    },
    warnings,
    ...(opts.shard ? { shard: opts.shard } : {}),
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

function sortByPath(skipped: SkippedFile[]): SkippedFile[] {
  return sortByKey(skipped, (s) => s.relPath);
}
