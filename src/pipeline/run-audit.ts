// discover -> parse + extract -> resolve -> judge: the whole static audit.
// Parsing and extraction run in worker threads (or come from the fact cache);
// the main thread only discovers, resolves, judges and reports.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { dirname, resolve, sep } from 'node:path';
import type { FileFacts } from '../facts/types.js';
import { discover, type DiscoveredFile, type SkippedFile } from '../discover/walk.js';
import { VERSION } from '../version.js';
import { analysisFingerprint } from '../cache/extractor-fingerprint.js';
import { DEFAULT_PARSE_TIMEOUT_MS } from '../parse/syntax.js';
import type { FaultInjection } from '../parse/extraction-job.js';
import { DEFAULT_FILE_TIMEOUT_MS, DEFAULT_IN_PROCESS_BELOW_BYTES, extractFiles, prepareExtraction, type CacheStats, type SnapshotFile } from './extract-files.js';
import { createModelSet, loadBuiltinModels, type ModelSet } from '../models/index.js';
import type { ResourceModel } from '../models/schema.js';
import { groupByPackage, packageDirs } from '../analysis/packages.js';
import { buildProject } from '../analysis/project.js';
import { compareFindings, judge } from '../analysis/judge.js';
import type { JudgeOptions, Judgement } from '../analysis/judge.js';
import { countApis, mergeCounts, type ApiCount } from '../analysis/counts.js';
import type { Rule } from '../rules/types.js';
import type { StampedFile, StoredPackage } from '../cache/tree-snapshot.js';
import type { FileOutcome } from '../parse/outcome.js';
import type { Finding } from '../analysis/finding.js';

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

export interface AuditResult extends Judgement {
  root: string;
  files: FileFacts[];
  filesScanned: number;
  bytesScanned: number;
  skipped: SkippedFile[];
  /** Files parsed with syntax errors (facts may be partial). */
  partial: { path: string; errors: number }[];
  /** Files decoded with a note (UTF-16, invalid UTF-8). */
  decodeNotes: { path: string; note: string }[];
  counts: ApiCount[];
  models: ModelSet;
  durationMs: number;
  extraction: ExtractionStats;
  /** One-line problems the run worked around (an unwritable cache): print them, do not fail. */
  warnings: string[];
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
      ...(opts.faultInjection ? { faults: opts.faultInjection } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      tree: { root, paths: opts.paths.map((p) => resolve(p)) },
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
    const base = judgementBase(models.version, judgeOptions);
    // A package none of whose files changed keeps the result it was judged to last time: types,
    // teardowns and callers resolve within a package, so no other package's change can alter it.
    groups = groupByPackage(found.map((_, i) => i), (i) => found[i]!.relPath, packageDirs(root, discovery.manifests));
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
  const outcomeOf = new Map<number, { outcome: FileOutcome; key?: string }>();
  todo.forEach((i, k) => outcomeOf.set(i, { outcome: extraction!.outcomes[k]!, ...(extraction!.keys?.[k] ? { key: extraction!.keys[k] } : {}) }));

  // The rules load only when there is something to judge.
  const rules = groups.some((g) => !g.stored) ? (await import('../rules/index.js')).RULES : [];
  const inMemory: (FileFacts | undefined)[] = new Array(found.length);
  const results: PackageResult[] = [];
  const storedPackages: Record<string, StoredPackage> = {};
  const snapshotFiles: SnapshotFile[] = [];
  for (const group of groups) {
    if (group.stored) {
      results.push(group.stored);
      storedPackages[group.dir] = { key: group.key!, value: group.stored };
      group.items.forEach((i, k) => {
        const stamp = group.stamped![k]!;
        snapshotFiles.push({ file: found[i]!, ...(stamp.key !== undefined ? { key: stamp.key } : { refused: stamp.refused }) });
      });
      continue;
    }
    const result = judgePackage(root, group.items.map((i) => ({ file: found[i]!, ...outcomeOf.get(i)! })), models, rules, judgeOptions);
    results.push(result);
    const entries: [string, StampedFile | undefined][] = [];
    for (const i of group.items) {
      const { outcome, key } = outcomeOf.get(i)!;
      if (outcome.ok) inMemory[i] = outcome.facts;
      const refused = !outcome.ok && outcome.refused ? outcome.reason : undefined;
      const stamp = { size: found[i]!.size, mtimeMs: found[i]!.mtimeMs, ino: found[i]!.ino };
      entries.push([found[i]!.relPath, key !== undefined ? { ...stamp, key } : refused !== undefined ? { ...stamp, refused } : undefined]);
      snapshotFiles.push({
        file: found[i]!,
        ...(key !== undefined ? { key } : {}),
        ...(refused !== undefined ? { refused } : {}),
        ...(outcome.ok ? { facts: outcome.note ? { facts: outcome.facts, note: outcome.note } : { facts: outcome.facts } } : {}),
      });
    }
    // A result that depends on a file without a cache key (a timeout, a crash) is not kept.
    if (entries.every(([, e]) => e !== undefined)) storedPackages[group.dir] = { key: packageKey(judgementBase(models.version, judgeOptions), group.dir, entries as [string, StampedFile][]), value: result };
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
  let files: FileFacts[] | undefined;
  const factsOf = (i: number): FileFacts | undefined => {
    if (inMemory[i]) return inMemory[i];
    const group = groups.find((g) => g.items.includes(i));
    const key = group?.stamped?.[group.items.indexOf(i)]?.key;
    return key !== undefined ? cache?.storedFacts(key)?.facts : undefined;
  };
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
  };
}

/** What one package was judged to, with what the report needs of its files: stored for the next run. */
interface PackageResult extends Judgement {
  filesScanned: number;
  bytesScanned: number;
  /** Files discovery found that extraction skipped (binary, timed out). */
  extractionSkipped: SkippedFile[];
  partial: AuditResult['partial'];
  decodeNotes: AuditResult['decodeNotes'];
  counts: ApiCount[];
}

function judgePackage(
  root: string,
  files: { file: DiscoveredFile; outcome: FileOutcome }[],
  models: ModelSet,
  rules: readonly Rule[],
  options: JudgeOptions,
): PackageResult {
  const facts: FileFacts[] = [];
  const result: PackageResult = { findings: [], notes: [], suppressionProblems: [], filesScanned: 0, bytesScanned: 0, extractionSkipped: [], partial: [], decodeNotes: [], counts: [] };
  for (const { file, outcome } of files) {
    if (!outcome.ok) {
      result.extractionSkipped.push({ relPath: outcome.relPath, reason: outcome.reason });
      continue;
    }
    facts.push(outcome.facts);
    result.filesScanned++;
    result.bytesScanned += file.size;
    if (outcome.facts.parseErrors > 0) result.partial.push({ path: outcome.facts.path, errors: outcome.facts.parseErrors });
    if (outcome.note) result.decodeNotes.push({ path: file.relPath, note: outcome.note });
  }
  Object.assign(result, judge(buildProject(root, facts, models), rules, options));
  result.counts = countApis(facts);
  return result;
}

/** The packages' results as one: lists in path order, counts summed (packages never share a file). */
function mergePackageResults(results: readonly PackageResult[]): Omit<AuditResult, 'root' | 'skipped' | 'models' | 'files' | 'durationMs' | 'extraction' | 'warnings'> {
  const findings = results.flatMap((r) => r.findings).sort(compareFindings);
  const notes = results.flatMap((r) => r.notes).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return {
    findings,
    notes,
    suppressionProblems: results.flatMap((r) => r.suppressionProblems),
    filesScanned: results.reduce((n, r) => n + r.filesScanned, 0),
    bytesScanned: results.reduce((n, r) => n + r.bytesScanned, 0),
    partial: sortByKey(results.flatMap((r) => r.partial), (p) => p.path),
    decodeNotes: sortByKey(results.flatMap((r) => r.decodeNotes), (d) => d.path),
    counts: mergeCounts(results.map((r) => r.counts)),
  };
}

/** Everything a package's judgement depends on besides its files: the tool, the judging code, the models, the options. */
function judgementBase(modelsVersion: string, options: JudgeOptions): string {
  return `${VERSION}\0${analysisFingerprint()}\0${modelsVersion}\0${[...(options.disabled ?? [])].sort().join(',')}\0${[...(options.priorities ?? new Map())].sort().join(';')}`;
}

/** The key of a package's judgement: the base, its directory, and each file's facts (by cache key) or refusal. */
function packageKey(base: string, dir: string, files: readonly [string, StampedFile][]): string {
  const hash = createHash('sha256').update(`${base}\0${dir}\0`);
  for (const [path, stamp] of files) hash.update(`${path}\0${stamp.key ?? `refused ${stamp.refused}`}\n`);
  return hash.digest('hex');
}

function sortByPath(skipped: SkippedFile[]): SkippedFile[] {
  return sortByKey(skipped, (s) => s.relPath);
}

function sortByKey<T>(items: T[], key: (item: T) => string): T[] {
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
