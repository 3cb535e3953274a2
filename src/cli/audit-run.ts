// The audit command's work: load config and baseline, run the audit, render
// and write the report, map the outcome to an exit code. Loaded only when the
// command runs, so other commands start without the audit pipeline.
import { existsSync } from 'node:fs';
import { writeReport } from './write-report.js';
import { resolve } from 'node:path';
import { actionable, atOrAbove, confidentEnough, type Confidence, type Priority } from '../analysis/finding.js';
import { configEffects } from '../config/apply.js';
import { findConfigFile } from '../config/find.js';
import { defaultRoot, runAudit, type AuditResult } from '../pipeline/run-audit.js';
import { baseDirOf } from '../report/source-file.js';
import { EXIT, UsageError } from './errors.js';
import { parseSize } from './sizes.js';
import { parseShard } from '../engine/shards.js';
import { exitOnInterrupt } from './interrupt.js';
import { createProgress } from './progress.js';
import { performanceOptions, type PerformanceCliOptions } from './performance-options.js';

// Config validation, baselines, runtime data and all but one report format are
// loaded only when this run needs them: start-up time is most of a warm run.

export interface AuditCliOptions extends PerformanceCliOptions {
  format: 'text' | 'json' | 'md' | 'sarif' | 'html';
  output?: string;
  /** Unset: the config's failOn, else P1. */
  failOn?: Priority | 'none';
  /** A config file, or false for --no-config; unset: discovered from the root upward. */
  config?: string | false;
  baseline?: string;
  writeBaseline?: string;
  changedSince?: string;
  shard?: string;
  runtime?: string;
  root?: string;
  maxFileSize: string;
  exclude?: string[];
  includeGenerated?: boolean;
  quiet?: boolean;
  color: boolean;
  verbose?: boolean;
  brief?: boolean;
  /** Report only findings of this confidence or better. */
  minConfidence?: Confidence;
  /** Text and Markdown: list process-lifetime resources instead of one line for all. */
  showProcessLifetime?: boolean;
}

export async function runAuditCommand(paths: string[], options: AuditCliOptions): Promise<number> {
  const restoreSignals = exitOnInterrupt();
  try {
    return await auditAndReport(paths, options);
  } catch (err) {
    // Bad config, baseline or runtime data: one line, exit 2.
    if (err instanceof Error && (err.name === 'ConfigError' || err.name === 'BaselineError' || err.name === 'RuntimeDataError')) throw new UsageError(err.message);
    throw err;
  } finally {
    restoreSignals();
  }
}

async function auditAndReport(paths: string[], options: AuditCliOptions): Promise<number> {
  // A typo in CI must not pass as "0 findings".
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  const maxFileBytes = parseSize(options.maxFileSize);
  const auditBase = baseDirOf(resolve(options.root ?? defaultRoot(paths)));
  const configPath = options.config === false ? undefined : (options.config ?? findConfigFile(auditBase));
  const loaded = configPath ? (await import('../config/load.js')).loadConfigFile(configPath) : undefined;
  const config = loaded ? configEffects(loaded, auditBase) : undefined;
  const runtime = options.runtime ? (await import('../report/runtime-series.js')).loadRuntimeSeries(options.runtime) : undefined;
  const exclude = [...(config?.exclude ?? []), ...(options.exclude ?? [])];
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (options.shard !== undefined && !shard) throw new UsageError(`invalid --shard "${options.shard}" (i/N with 1 <= i <= N, e.g. 2/4)`);
  const progress = createProgress(!options.quiet && options.format === 'text' ? true : !options.quiet && Boolean(options.output));
  const result = await runAudit({
    paths: paths.length > 0 ? paths : ['.'],
    ...(options.root ? { root: options.root } : {}),
    maxFileBytes,
    ...(exclude.length > 0 ? { exclude } : {}),
    ...(config?.include ? { include: config.include } : {}),
    ...(options.includeGenerated || config?.includeGenerated ? { includeGenerated: true } : {}),
    ...(config ? { userModels: config.userModels, disabledRules: config.disabledRules, rulePriorities: config.rulePriorities } : {}),
    ...performanceOptions(options),
    ...(shard ? { shard } : {}),
    onProgress: (done, total, path) => progress.update(done, total, path),
  });
  progress.done();
  if (options.minConfidence) {
    const min = options.minConfidence;
    result.findings = result.findings.filter((f) => confidentEnough(f.confidence, min));
  }
  if (!options.quiet) for (const warning of result.warnings) process.stderr.write(`leakaudit: warning: ${warning}\n`);
  if (options.baseline || options.writeBaseline || options.changedSince) {
    const notes = await (await import('../baseline/scope.js')).scopeFindings(result, options);
    if (!options.quiet) for (const note of notes) process.stderr.write(`leakaudit: ${note}\n`);
  }
  const color = options.color && !process.env.NO_COLOR && !options.output && process.stdout.isTTY === true;
  const text = await render(result, options, { color, ...(runtime ? { runtime } : {}) });
  await writeReport(text, options);
  const failOn = options.failOn ?? config?.failOn ?? 'P1';
  if (failOn === 'none') return EXIT.ok;
  const failing = result.findings.some((f) => actionable(f) && atOrAbove(f.priority, failOn));
  return failing ? EXIT.findings : EXIT.ok;
}

export async function render(
  result: AuditResult,
  options: Pick<AuditCliOptions, 'format' | 'brief' | 'showProcessLifetime'>,
  extra: { color: boolean; runtime?: import('../report/runtime-series.js').RuntimeSeries },
): Promise<string> {
  switch (options.format) {
    case 'json':
      return (await import('../report/json.js')).renderJson(result);
    case 'md':
      return (await import('../report/markdown.js')).renderMarkdown(result, { showProcessLifetime: options.showProcessLifetime === true });
    case 'sarif':
      return (await import('../report/sarif.js')).renderSarif(result);
    case 'html':
      return (await import('../report/html.js')).renderHtml(result, extra.runtime ? { runtime: extra.runtime } : {});
    default:
      return (await import('../report/text.js')).renderText(result, { color: extra.color, verbose: !options.brief, showProcessLifetime: options.showProcessLifetime === true });
  }
}
