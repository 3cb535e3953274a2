// Facts for every discovered file: from the cache when the file is unchanged,
// otherwise from a pool of worker threads (largest files first), or on the
// main thread when the work is too small to pay for starting workers.
// Outcomes come back in discovery order whatever order the work finished in.
import { open } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { DiscoveredFile } from '../discover/walk.js';
import type { ResourceModel } from '../models/schema.js';
import { runKeyPrefix } from '../cache/cache-key.js';
import { refusal } from '../parse/decode.js';
import type { CacheTarget, ExtractionJob, FaultInjection, JobResult } from '../parse/extraction-job.js';
import type { ExtractOptions } from '../parse/extract-file.js';
import { timedOut, type FileOutcome } from '../parse/outcome.js';
import type { Grammar } from '../parse/syntax.js';
import type { ExtractionPool } from '../parse/worker-pool.js';
import { openCache, type OpenCache, type TreeScope } from './open-cache.js';

/** Below this many bytes to extract, the main thread does it: starting workers costs more. */
export const DEFAULT_IN_PROCESS_BELOW_BYTES = 192 * 1024;
/** Wall-clock budget for one file (read, parse, extract, cache write). */
export const DEFAULT_FILE_TIMEOUT_MS = 30_000;

/** How facts are extracted in an engine's session: fixed while the engine lives. */
export interface ExtractionSettings {
  /** Worker threads; 0 extracts on the main thread. */
  jobs: number;
  cacheDir?: string;
  modelsVersion: string;
  models: ResourceModel[];
  parseTimeoutMs: number;
  fileTimeoutMs: number;
  inProcessBelowBytes: number;
  /** Audit generated code (bundles, minified scripts, files a tool wrote) instead of skipping it. */
  includeGenerated?: boolean;
  faults?: FaultInjection;
}

/** What one extraction step is told besides the files: where to report progress. */
export interface ExtractionOptions {
  onProgress?: (done: number, total: number, path: string) => void;
}

export interface CacheStats {
  dir: string;
  hits: number;
  /** Hits answered by the tree snapshot from the file's stamp alone, without reading it. */
  unread: number;
  misses: number;
  written: number;
  /** One line when the cache could not be used fully (unwritable directory). */
  warning?: string;
}

export interface ExtractionReport {
  /** One outcome per discovered file, in discovery order. */
  outcomes: FileOutcome[];
  cache?: CacheStats;
  /** Worker threads started (replacements included); 0 when the main thread extracted. */
  workersStarted: number;
  /** Files parsed in this run (cache misses). */
  parsed: number;
  /** The cache key of each file's facts, when a cache is open and the file has facts. */
  keys?: (string | undefined)[];
  /** Facts extracted in this run, serialised as their cache entries were written. */
  json?: (string | undefined)[];
}

/** The cache opened, and workers perhaps already booting, before discovery ends. */
export interface PreparedExtraction {
  settings: ExtractionSettings;
  cache?: OpenCache;
  /** Workers started early: they load while the main thread discovers files. */
  early?: Promise<ExtractionPool>;
}

/**
 * Opens the cache and, with `prestart`, starts the workers at once when they
 * will almost surely be needed: no cache, or a cache directory that did not
 * exist yet. A warm run never starts a worker.
 */
export function prepareExtraction(settings: ExtractionSettings, tree: TreeScope, prestart: boolean): PreparedExtraction {
  const cold = !settings.cacheDir || !existsSync(settings.cacheDir);
  const cache = settings.cacheDir ? openCache(settings.cacheDir, runKeyPrefix(settings.modelsVersion, extractOptions(settings)), tree, cold) : undefined;
  const prepared: PreparedExtraction = { settings, ...(cache ? { cache } : {}) };
  if (prestart && cold && settings.jobs > 0) prepared.early = startPool(settings, [], cache?.writeTarget);
  return prepared;
}

export async function extractFiles(files: readonly DiscoveredFile[], prepared: PreparedExtraction, options: ExtractionOptions = {}): Promise<ExtractionReport> {
  const { settings, cache } = prepared;
  const outcomes: (FileOutcome | undefined)[] = new Array(files.length);
  /** The cache key of each file's facts, when known: what the next snapshot stores. */
  const keys: (string | undefined)[] = new Array(files.length);
  /** The facts of files extracted now, as their cache entries serialised them. */
  const json: (string | undefined)[] = new Array(files.length);
  let done = 0;
  const settle = (index: number, outcome: FileOutcome): void => {
    outcomes[index] = outcome;
    done++;
    options.onProgress?.(done, files.length, files[index]!.relPath);
  };

  // Largest first: the longest jobs start early, the short ones fill the gaps at the end.
  const todo = files.map((_, i) => i).sort((a, b) => files[b]!.size - files[a]!.size || a - b);
  // Only files the cache cannot answer need their frontend: a warm run never loads one.
  let hasFrontend: ((file: DiscoveredFile) => boolean) | undefined;
  const misses: number[] = [];
  let missBytes = 0;
  let runner: JobRunner | undefined;
  const grammarsOf = (indexes: readonly number[]): Grammar[] => [...new Set(indexes.map((i) => files[i]!.info.grammar))];
  const workers = (): JobRunner => (runner ??= workerRunner(prepared.early ?? startPool(settings, [], cache?.writeTarget), grammarsOf(misses)));
  for (const i of todo) {
    const file = files[i]!;
    const known = cache?.lookup(file);
    if (known?.outcome) {
      keys[i] = known.key;
      settle(i, known.outcome);
      continue;
    }
    if (!hasFrontend) {
      const frontends = await import('../frontends/index.js');
      hasFrontend = (f) => frontends.hasFrontend(f.info.language);
    }
    if (!hasFrontend(file)) {
      settle(i, await withoutFrontend(file));
      continue;
    }
    misses.push(i);
    missBytes += file.size;
    // Without workers booting already, the first miss starts compiling the parser on the main
    // thread (WebAssembly compiles in the background) while the remaining lookups go on.
    if (misses.length === 1 && !prepared.early) {
      void mainThreadBackend(settings, [file.info.grammar]).catch(() => undefined);
      void import('../frontends/index.js').then((f) => f.loadFrontend(file.info.language)).catch(() => undefined);
    }
    // Start workers as soon as the work is big enough: they boot while the cache lookups go on.
    if (settings.jobs > 0 && missBytes >= settings.inProcessBelowBytes) workers();
  }
  if (misses.length > 0) runner ??= mainThreadRunner(settings, grammarsOf(misses), cache?.writeTarget);
  // Workers started early for work that turned out small or cached: not needed.
  if (prepared.early && (!runner || runner.kind === 'main')) await (await prepared.early).close();
  let cacheError: string | undefined;
  let written = 0;
  if (runner) {
    try {
      await runner.run(
        misses.map((i) => toJob(files[i]!, i)),
        (r) => {
          if (r.cacheError) cacheError ??= r.cacheError;
          else if (r.outcome.ok && cache?.writeTarget) written++;
          keys[r.id] = r.cacheKey;
          if (r.factsJson !== undefined) json[r.id] = r.factsJson;
          settle(r.id, r.outcome);
        },
      );
    } finally {
      await runner.close();
    }
  }
  const report: ExtractionReport = { outcomes: outcomes as FileOutcome[], workersStarted: runner?.workersStarted() ?? 0, parsed: misses.length };
  report.keys = keys;
  report.json = json;
  if (cache) {
    const warning = cache.warning ?? (cacheError ? `cannot write the fact cache in ${cache.dir} (${cacheError}); facts were not cached` : undefined);
    report.cache = { dir: cache.dir, hits: cache.hits, unread: cache.unread, misses: misses.length, written, ...(warning ? { warning } : {}) };
  }
  return report;
}

/** The settings that decide which files get facts: part of every cache key. */
function extractOptions(settings: ExtractionSettings): ExtractOptions {
  return settings.includeGenerated ? { includeGenerated: true } : {};
}

function toJob(file: DiscoveredFile, id: number): ExtractionJob {
  return { id, absPath: file.absPath, relPath: file.relPath, info: file.info, isTestFile: file.isTestFile, size: file.size, attempt: 0 };
}
/**
 * A file in a language without a frontend yet: skipped with the reason
 * extraction would give, reading only the head that decoding looks at.
 */
async function withoutFrontend(file: DiscoveredFile): Promise<FileOutcome> {
  let head: Uint8Array;
  try {
    const handle = await open(file.absPath, 'r');
    try {
      const buf = new Uint8Array(8192);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    return { ok: false, relPath: file.relPath, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const refused = refusal(head);
  if (refused) return { ok: false, relPath: file.relPath, reason: refused };
  return { ok: false, relPath: file.relPath, reason: `no frontend for ${file.info.language} yet` };
}

interface JobRunner {
  kind: 'workers' | 'main';
  run(jobs: ExtractionJob[], onResult: (result: JobResult) => void): Promise<void>;
  close(): Promise<void>;
  workersStarted(): number;
}

function startPool(settings: ExtractionSettings, grammars: Grammar[], cache: CacheTarget | undefined): Promise<ExtractionPool> {
  return import('../parse/worker-pool.js').then(
    ({ ExtractionPool: Pool }) =>
      new Pool({
        size: settings.jobs,
        jobTimeoutMs: settings.fileTimeoutMs,
        worker: {
          grammars,
          parseTimeoutMs: settings.parseTimeoutMs,
          models: settings.models,
          ...(cache ? { cache } : {}),
          extract: extractOptions(settings),
          ...(settings.faults ? { faults: settings.faults } : {}),
        },
      }),
  );
}

function workerRunner(pool: Promise<ExtractionPool>, grammars: Grammar[]): JobRunner {
  void pool.then((p) => p.preload(grammars));
  let started = 0;
  return {
    kind: 'workers',
    async run(jobs, onResult) {
      const p = await pool;
      p.preload([...new Set(jobs.map((j) => j.info.grammar))]);
      await Promise.all(jobs.map((job) => p.extract(job).then(onResult)));
      started = p.started;
    },
    async close() {
      await (await pool).close();
    },
    workersStarted: () => started,
  };
}

/** Main-thread backends, one per parse budget, kept for later runs in the same process (tests, watch). */
const mainThreadBackends = new Map<number, Promise<import('../parse/wasm-backend.js').WasmBackend>>();

function mainThreadBackend(settings: ExtractionSettings, grammars: Grammar[]): Promise<import('../parse/wasm-backend.js').WasmBackend> {
  let backend = mainThreadBackends.get(settings.parseTimeoutMs);
  if (!backend) {
    backend = import('../parse/wasm-backend.js').then(({ WasmBackend }) => WasmBackend.create(grammars, settings.parseTimeoutMs));
    mainThreadBackends.set(settings.parseTimeoutMs, backend);
  }
  return backend;
}

function mainThreadRunner(settings: ExtractionSettings, grammars: Grammar[], cache: CacheTarget | undefined): JobRunner {
  return {
    kind: 'main',
    async run(jobs, onResult) {
      const { runJob } = await import('../parse/extraction-job.js');
      const parser = await mainThreadBackend(settings, grammars);
      let n = 0;
      for (const job of jobs) {
        const started = performance.now();
        const result = await runJob(job, parser, settings.models, cache, extractOptions(settings));
        // The same budget as in a worker; on the main thread it can only be checked afterwards.
        if (performance.now() - started > settings.fileTimeoutMs) result.outcome = timedOut(job, settings.fileTimeoutMs);
        onResult(result);
        if (++n % 50 === 0) await new Promise((r) => setImmediate(r));
      }
    },
    async close() {},
    workersStarted: () => 0,
  };
}
