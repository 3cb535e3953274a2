// One audit as one call: the engine (src/engine/) built for these options and
// run once over them, for callers that audit once (the command line, tests,
// the testing library). A caller that audits repeatedly (the language server)
// keeps an AuditEngine and passes only what changes per audit.
import { dirname, resolve, sep } from 'node:path';
import { AuditEngine } from '../engine/engine.js';
import type { AuditRequest, AuditResult, EngineSettings } from '../engine/types.js';
import type { ResourceModel } from '../models/schema.js';
import type { Finding } from '../analysis/finding.js';
import type { FaultInjection } from '../parse/extraction-job.js';
import type { Shard } from '../engine/shards.js';

export { DEFAULT_MAX_FILE_BYTES, type AuditResult, type ExtractionStats } from '../engine/types.js';

/** Everything about one audit in one bag: split by `engineSettings` and `auditRequest`. */
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
  const engine = new AuditEngine(engineSettings(opts));
  return engine.audit(auditRequest(opts), started);
}

/** What of the options is the engine's, fixed for its session. */
export function engineSettings(opts: AuditOptions): EngineSettings {
  return {
    root: resolve(opts.root ?? defaultRoot(opts.paths)),
    ...(opts.userModels ? { userModels: opts.userModels } : {}),
    ...(opts.includeGenerated ? { includeGenerated: true } : {}),
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
    ...(opts.parseTimeoutMs !== undefined ? { parseTimeoutMs: opts.parseTimeoutMs } : {}),
    ...(opts.fileTimeoutMs !== undefined ? { fileTimeoutMs: opts.fileTimeoutMs } : {}),
    ...(opts.inProcessBelowBytes !== undefined ? { inProcessBelowBytes: opts.inProcessBelowBytes } : {}),
    ...(opts.prestartWorkers ? { prestartWorkers: true } : {}),
    ...(opts.faultInjection ? { faultInjection: opts.faultInjection } : {}),
  };
}

/** What of the options is one audit's, stage by stage. */
export function auditRequest(opts: AuditOptions): AuditRequest {
  return {
    scope: { paths: opts.paths, ...(opts.shard ? { shard: opts.shard } : {}) },
    discover: {
      ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}),
      ...(opts.exclude ? { exclude: opts.exclude } : {}),
      ...(opts.include ? { include: opts.include } : {}),
    },
    extract: opts.onProgress ? { onProgress: opts.onProgress } : {},
    judge: {
      ...(opts.disabledRules ? { disabled: opts.disabledRules } : {}),
      ...(opts.rulePriorities ? { priorities: opts.rulePriorities } : {}),
    },
  };
}
