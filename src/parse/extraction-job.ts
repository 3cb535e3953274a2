// One unit of work for an extraction worker (or the main thread on tiny
// trees): read a file, parse it, extract its facts, and store them in the
// fact cache. Jobs and results are plain data: they cross the thread boundary
// by structured clone, and no syntax tree ever leaves the thread that made it.
import { readFileSync } from 'node:fs';
import type { LanguageInfo } from '../discover/language.js';
import type { ResourceModel } from '../models/schema.js';
import { entryKey } from '../cache/cache-key.js';
import { sha256, writeEntry, type CachedFacts } from '../cache/fact-cache.js';
import { extractSource, type ExtractOptions, type FileOutcome } from './extract-file.js';
import { loadFrontend } from '../frontends/index.js';
import type { WasmBackend } from './wasm-backend.js';

export interface ExtractionJob {
  id: number;
  absPath: string;
  relPath: string;
  info: LanguageInfo;
  isTestFile: boolean;
  /** Size found by discovery: the pool bounds the bytes being parsed at once. */
  size: number;
  /** 0 on the first try, 1 when retried after its worker died. */
  attempt: number;
}

/** Where a job stores its facts: the cache directory and the run's key prefix. */
export interface CacheTarget {
  dir: string;
  prefix: string;
}

export interface JobResult {
  id: number;
  outcome: FileOutcome;
  /** The cache key the facts were stored under (with a cache target). */
  cacheKey?: string;
  /** The facts as the cache entry stored them: the tree snapshot keeps this text instead of serialising again. */
  factsJson?: string;
  /** Why the facts could not be cached (an errno code), if they could not. */
  cacheError?: string;
  /** The worker's parser memory after the job (see `WasmBackend.memoryBytes`). */
  memoryBytes?: number;
}

/** Test-only faults, to prove a crashed or stuck worker cannot take the run down. */
export interface FaultInjection {
  /** Crash the worker on files whose relative path ends with this... */
  crashOn?: string;
  /** ...on attempts below this number (1: crash once, then succeed on the retry; 2: crash on the retry too). */
  crashAttempts?: number;
  /** Spin forever on files whose relative path ends with this. */
  hangOn?: string;
}

export async function runJob(
  job: ExtractionJob,
  backend: WasmBackend,
  models: readonly ResourceModel[],
  cache: CacheTarget | undefined,
  options: ExtractOptions = {},
): Promise<JobResult> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(job.absPath);
  } catch (err) {
    return { id: job.id, outcome: { ok: false, relPath: job.relPath, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` } };
  }
  try {
    await loadFrontend(job.info.language);
  } catch (err) {
    return { id: job.id, outcome: { ok: false, relPath: job.relPath, reason: `cannot load the ${job.info.language} frontend: ${(err as Error).message}` } };
  }
  try {
    await backend.load(job.info.grammar);
  } catch (err) {
    return { id: job.id, outcome: { ok: false, relPath: job.relPath, reason: `cannot load the ${job.info.grammar} grammar: ${(err as Error).message}` } };
  }
  const outcome = extractSource(job, bytes, backend, models, options);
  if (!outcome.ok || !cache) return { id: job.id, outcome };
  const cacheKey = entryKey(cache.prefix, job, sha256(bytes));
  try {
    const factsJson = writeEntry(cache.dir, cacheKey, outcome.note ? { facts: outcome.facts, note: outcome.note } : { facts: outcome.facts });
    return { id: job.id, outcome, cacheKey, factsJson };
  } catch (err) {
    return { id: job.id, outcome, cacheError: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}

/**
 * A result as a worker posts it: facts travel as the JSON text of their cache
 * entry. Copying one string to the main thread costs far less than cloning the
 * object graph (it was 4% of a worker's time), and with a cache the text is
 * already made.
 */
export interface PackedResult {
  id: number;
  packed: string;
  cacheKey?: string;
  cacheError?: string;
  memoryBytes?: number;
}

export function pack(result: JobResult): JobResult | PackedResult {
  const { outcome } = result;
  if (!outcome.ok) return result;
  const packed = result.factsJson ?? JSON.stringify(outcome.note ? { facts: outcome.facts, note: outcome.note } : { facts: outcome.facts });
  return {
    id: result.id,
    packed,
    ...(result.cacheKey !== undefined ? { cacheKey: result.cacheKey } : {}),
    ...(result.cacheError !== undefined ? { cacheError: result.cacheError } : {}),
    ...(result.memoryBytes !== undefined ? { memoryBytes: result.memoryBytes } : {}),
  };
}

export function unpack(message: JobResult | PackedResult): JobResult {
  if (!('packed' in message)) return message;
  const entry = JSON.parse(message.packed) as CachedFacts;
  return {
    id: message.id,
    outcome: entry.note ? { ok: true, facts: entry.facts, note: entry.note } : { ok: true, facts: entry.facts },
    // The text is the cache entry's only when the entry was written.
    ...(message.cacheKey !== undefined ? { cacheKey: message.cacheKey, factsJson: message.packed } : {}),
    ...(message.cacheError !== undefined ? { cacheError: message.cacheError } : {}),
    ...(message.memoryBytes !== undefined ? { memoryBytes: message.memoryBytes } : {}),
  };
}

export { timedOut } from './outcome.js';
