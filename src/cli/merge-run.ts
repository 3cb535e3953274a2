// The merge command's work: read the shard reports, merge them, then judge
// and render as the audit command does for a single run (baseline, changed
// files, config failOn, format), so the merge job of a CI matrix is the gate.
import { atOrAbove, type Priority } from '../analysis/finding.js';
import { writeReport } from './write-report.js';
import { findConfigFile } from '../config/find.js';
import { mergeShardReports, readShardReport } from '../pipeline/merge-shards.js';
import { baseDirOf } from '../report/source-file.js';
import { render } from './audit-run.js';
import { EXIT, UsageError } from './errors.js';

export interface MergeCliOptions {
  format: 'text' | 'json' | 'md' | 'sarif' | 'html';
  output?: string;
  failOn?: Priority | 'none';
  baseline?: string;
  writeBaseline?: string;
  changedSince?: string;
  quiet?: boolean;
  brief?: boolean;
}

export async function runMergeCommand(paths: string[], options: MergeCliOptions): Promise<number> {
  try {
    return await mergeAndReport(paths, options);
  } catch (err) {
    if (err instanceof Error && ['ShardReportError', 'ConfigError', 'BaselineError'].includes(err.name)) throw new UsageError(err.message);
    throw err;
  }
}

async function mergeAndReport(paths: string[], options: MergeCliOptions): Promise<number> {
  const result = mergeShardReports(paths.map((path) => ({ path, report: readShardReport(path) })));
  if (options.baseline || options.writeBaseline || options.changedSince) {
    const notes = await (await import('../baseline/scope.js')).scopeFindings(result, options);
    if (!options.quiet) for (const note of notes) process.stderr.write(`leakaudit: ${note}\n`);
  }
  const text = await render(result, { format: options.format, ...(options.brief ? { brief: true } : {}) }, { color: false });
  await writeReport(text, options);
  // The threshold a single run of the same tree would use: --fail-on, else the config's, else P1.
  let failOn = options.failOn;
  if (!failOn) {
    const configPath = findConfigFile(baseDirOf(result.root));
    if (configPath) failOn = (await import('../config/load.js')).loadConfigFile(configPath).config.failOn;
  }
  failOn ??= 'P1';
  if (failOn === 'none') return EXIT.ok;
  return result.findings.some((f) => !f.suppressed && atOrAbove(f.priority, failOn)) ? EXIT.findings : EXIT.ok;
}
