// discover -> parse + extract -> resolve -> judge: the whole static audit.
// Parsing and extraction run in worker threads (or come from the fact cache);
// the main thread only discovers, resolves, judges and reports.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { dirname, resolve, sep } from 'node:path';
import type { FileFacts } from '../facts/types.js';
import { discover, type SkippedFile } from '../discover/walk.js';
import { VERSION } from '../version.js';
import { analysisFingerprint } from '../cache/extractor-fingerprint.js';
import { DEFAULT_PARSE_TIMEOUT_MS } from '../parse/syntax.js';
import type { FaultInjection } from '../parse/extraction-job.js';
import { DEFAULT_FILE_TIMEOUT_MS, DEFAULT_IN_PROCESS_BELOW_BYTES, extractFiles, prepareExtraction, type CacheStats, type OpenCache } from './extract-files.js';
import { createModelSet, loadBuiltinModels, type ModelSet } from '../models/index.js';
import type { ResourceModel } from '../models/schema.js';
import { judgePackages, packageDirs } from '../analysis/packages.js';
import type { JudgeOptions, Judgement } from '../analysis/judge.js';
import { countApis, type ApiCount } from '../analysis/counts.js';
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
  let extraction: Awaited<ReturnType<typeof extractFiles>>;
  const takenAt = Date.now();
  const judgeOptions = {
    ...(opts.disabledRules ? { disabled: opts.disabledRules } : {}),
    ...(opts.rulePriorities ? { priorities: opts.rulePriorities } : {}),
  };
  let packages: string[];
  try {
    discovery = await discover({
      root,
      paths: opts.paths.length > 0 ? opts.paths : [root],
      maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      ...(opts.exclude ? { exclude: opts.exclude } : {}),
      ...(opts.include ? { include: opts.include } : {}),
    });
    discovered = performance.now();
    packages = packageDirs(root, discovery.manifests);
    // Nothing changed since the last run with the same inputs: its result stands.
    const cache = prepared.cache;
    const unchanged = cache?.unchangedTree(discovery.files);
    if (cache && unchanged) {
      const key = resultKey(models.version, packages, judgeOptions, discovery.files.map((f, i) => [f.relPath, unchanged[i]!.key ?? `refused ${unchanged[i]!.refused}`]));
      const stored = cache.storedResult(key, unchanged) as StoredResult | undefined;
      if (stored) {
        await prepared.early?.then((pool) => pool.close());
        return fromStoredResult(stored, { root, models, discovery, started, discovered, cache, facts: unchanged.map((u) => u.key) });
      }
    }
    extraction = await extractFiles(discovery.files, prepared);
  } catch (err) {
    // Workers started early must not keep the process alive after a failure.
    await prepared.early?.then((pool) => pool.close());
    throw err;
  }
  const extracted = performance.now();
  const files: FileFacts[] = [];
  const extractionSkipped: SkippedFile[] = [];
  const decodeNotes: AuditResult['decodeNotes'] = [];
  let bytes = 0;
  discovery.files.forEach((file, i) => {
    const outcome = extraction.outcomes[i]!;
    if (!outcome.ok) {
      extractionSkipped.push({ relPath: outcome.relPath, reason: outcome.reason });
      return;
    }
    bytes += file.size;
    files.push(outcome.facts);
    if (outcome.note) decodeNotes.push({ path: file.relPath, note: outcome.note });
  });
  // The rules load only when there is something to judge: a warm run reuses the last judgement.
  const { RULES } = await import('../rules/index.js');
  const judgement = judgePackages(root, files, packages, models, RULES, judgeOptions);
  const stored: StoredResult = {
    ...judgement,
    filesScanned: files.length,
    bytesScanned: bytes,
    extractionSkipped,
    partial: files.filter((f) => f.parseErrors > 0).map((f) => ({ path: f.path, errors: f.parseErrors })),
    decodeNotes,
    counts: countApis(files),
  };
  const warnings = extraction.cache?.warning ? [extraction.cache.warning] : [];
  if (prepared.cache && extraction.keys && !extraction.cache?.warning) {
    const keys = extraction.keys;
    const key = resultKey(models.version, packages, judgeOptions, discovery.files.map((f, i) => {
      const outcome = extraction.outcomes[i]!;
      return [f.relPath, keys[i] ?? (!outcome.ok && outcome.refused ? `refused ${outcome.reason}` : '')];
    }));
    // A result that depends on a file without a cache key (a timeout, a crash) is not reusable.
    const reusable = discovery.files.every((_, i) => keys[i] !== undefined || (!extraction.outcomes[i]!.ok && (extraction.outcomes[i] as { refused?: true }).refused));
    const failed = prepared.cache.saveSnapshot(discovery.files, extraction.outcomes, keys, takenAt, reusable ? { key, value: stored } : undefined);
    if (failed) warnings.push(`cannot write the fact cache in ${prepared.cache.dir} (${failed}); the next run will read every file again`);
  }
  return {
    ...assemble(stored, root, models, discovery.skipped),
    files,
    durationMs: Math.round(performance.now() - started),
    extraction: {
      parsed: extraction.parsed,
      workers: extraction.workersStarted,
      ...(extraction.cache ? { cache: extraction.cache } : {}),
      timings: {
        discoverMs: Math.round(discovered - started),
        extractMs: Math.round(extracted - discovered),
        analyseMs: Math.round(performance.now() - extracted),
      },
    },
    warnings,
  };
}

/** What a run judged, as stored in the tree snapshot for the next run with the same inputs. */
interface StoredResult extends Judgement {
  filesScanned: number;
  bytesScanned: number;
  /** Files discovery found that extraction skipped (binary, timed out). */
  extractionSkipped: SkippedFile[];
  partial: AuditResult['partial'];
  decodeNotes: AuditResult['decodeNotes'];
  counts: ApiCount[];
}

/** Everything a judgement depends on besides the code: models, packages, options, and each file's facts by key. */
function resultKey(modelsVersion: string, packages: readonly string[], options: JudgeOptions, files: [string, string][]): string {
  const hash = createHash('sha256')
    .update(`${VERSION}\0${analysisFingerprint()}\0${modelsVersion}\0${[...packages].sort().join(',')}\0`)
    .update(`${[...(options.disabled ?? [])].sort().join(',')}\0${[...(options.priorities ?? new Map())].sort().join(';')}\0`);
  for (const [path, key] of files) hash.update(`${path}\0${key}\n`);
  return hash.digest('hex');
}

function assemble(stored: StoredResult, root: string, models: ModelSet, discoverySkipped: readonly SkippedFile[]): Omit<AuditResult, 'files' | 'durationMs' | 'extraction' | 'warnings'> {
  const { extractionSkipped, ...rest } = stored;
  const skipped = [...discoverySkipped, ...extractionSkipped];
  skipped.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { ...rest, root, skipped, models };
}

/** The result of a run with nothing changed: the stored judgement, and the facts only if someone asks. */
function fromStoredResult(
  stored: StoredResult,
  ctx: { root: string; models: ModelSet; discovery: Awaited<ReturnType<typeof discover>>; started: number; discovered: number; cache: OpenCache; facts: (string | undefined)[] },
): AuditResult {
  let files: FileFacts[] | undefined;
  const result: AuditResult = {
    ...assemble(stored, ctx.root, ctx.models, ctx.discovery.skipped),
    get files(): FileFacts[] {
      files ??= ctx.facts.flatMap((key) => {
        const facts = key !== undefined ? ctx.cache.storedFacts(key)?.facts : undefined;
        return facts ? [facts] : [];
      });
      return files;
    },
    durationMs: Math.round(performance.now() - ctx.started),
    extraction: {
      parsed: 0,
      workers: 0,
      reusedResult: true,
      cache: { dir: ctx.cache.dir, hits: ctx.cache.hits, unread: ctx.cache.unread, misses: 0, written: 0 },
      timings: { discoverMs: Math.round(ctx.discovered - ctx.started), extractMs: 0, analyseMs: Math.round(performance.now() - ctx.discovered) },
    },
    warnings: [],
  };
  return result;
}
