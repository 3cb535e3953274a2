// --jobs, --no-cache, --cache-dir, --file-timeout -> the audit's extraction options.
import type { AuditOptions } from '../pipeline/run-audit.js';
import { defaultCacheDir } from '../cache/default-dir.js';
import { UsageError } from './errors.js';

export interface PerformanceCliOptions {
  jobs?: string;
  /** false with --no-cache. */
  cache?: boolean;
  cacheDir?: string;
  fileTimeout?: string;
}

type PerformanceOptions = Pick<AuditOptions, 'jobs' | 'cacheDir' | 'fileTimeoutMs' | 'prestartWorkers'>;

export function performanceOptions(cli: PerformanceCliOptions): PerformanceOptions {
  // A command-line run audits a real tree: booting workers during discovery pays off.
  const out: PerformanceOptions = { prestartWorkers: true };
  if (cli.jobs !== undefined) {
    if (!/^\d+$/.test(cli.jobs.trim())) throw new UsageError(`invalid --jobs "${cli.jobs}" (a number of worker threads; 0 extracts on the main thread)`);
    out.jobs = Number(cli.jobs);
  }
  if (cli.fileTimeout !== undefined) {
    const seconds = Number(cli.fileTimeout);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(cli.fileTimeout) || seconds <= 0) throw new UsageError(`invalid --file-timeout "${cli.fileTimeout}" (seconds, e.g. 30)`);
    out.fileTimeoutMs = Math.round(seconds * 1000);
  }
  if (cli.cache !== false) out.cacheDir = cli.cacheDir ?? defaultCacheDir();
  return out;
}
