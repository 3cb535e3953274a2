// The engine's boundary in types: what is fixed for a session (EngineSettings),
// what one audit covers (AuditScope), and each stage's own small options
// (DiscoverOptions, ExtractionOptions, JudgeOptions), then what comes out.
import type { JudgeOptions } from '../analysis/judge.js';
import type { SkippedFile } from '../discover/walk.js';
import type { FileFacts } from '../facts/types.js';
import type { ModelSet } from '../models/index.js';
import type { ResourceModel } from '../models/schema.js';
import type { FaultInjection } from '../parse/extraction-job.js';
import type { Shard } from './shards.js';
import type { CacheStats, ExtractionOptions } from './extract-files.js';
import type { ScanSummary } from './package-results.js';

export type { CacheStats, ExtractionOptions, JudgeOptions };

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * What stays the same for every audit an engine runs: the root, what decides
 * a file's facts (models, generated code, parse budget: all part of the cache
 * keys), the cache directory and the worker settings.
 */
export interface EngineSettings {
  /** The audit root; relative paths in the report are relative to it. */
  root: string;
  /** Models added to the built-in ones (from the config). */
  userModels?: ResourceModel[];
  /** Audit bundles, minified scripts and files a tool says it generated, instead of skipping and listing them. */
  includeGenerated?: boolean;
  /** Fact cache directory; without it nothing is cached. */
  cacheDir?: string;
  /** Worker threads that parse and extract (default: the number of cores); 0 extracts on the main thread. */
  jobs?: number;
  /** Per-file parse budget. */
  parseTimeoutMs?: number;
  /** Per-file wall-clock budget for parse + extraction; an overrun file is skipped with a note. */
  fileTimeoutMs?: number;
  /** Work smaller than this many bytes is extracted on the main thread (starting workers would cost more). */
  inProcessBelowBytes?: number;
  /** Start the workers before discovery when the cache is off or empty, so they boot while it runs (the CLI does). */
  prestartWorkers?: boolean;
  /** Test-only: make extraction workers crash or hang on purpose. */
  faultInjection?: FaultInjection;
}

/** What one audit covers: its snapshot in the cache is kept per scope. */
export interface AuditScope {
  /** Paths to audit (none: the root). */
  paths: string[];
  /** Audit only this shard's units (`--shard i/N`); the shards' JSON reports merge into the whole run's. */
  shard?: Shard;
}

/** The discovery stage: which files are looked at. */
export interface DiscoverOptions {
  maxFileBytes?: number;
  exclude?: string[];
  include?: string[];
}

/** One audit, stage by stage. */
export interface AuditRequest {
  scope: AuditScope;
  discover?: DiscoverOptions;
  extract?: ExtractionOptions;
  judge?: JudgeOptions;
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

