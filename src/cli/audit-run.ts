// The audit command's work: load config and baseline, run the audit, render
// and write the report, map the outcome to an exit code. Loaded only when the
// command runs, so other commands start without the audit pipeline.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { atOrAbove, type Priority } from '../analysis/finding.js';
import { BaselineError } from '../baseline/baseline.js';
import { scopeFindings } from '../baseline/scope.js';
import { configEffects } from '../config/apply.js';
import { ConfigError, discoverConfig, loadConfigFile } from '../config/load.js';
import { defaultRoot, runAudit } from '../pipeline/run-audit.js';
import { renderHtml } from '../report/html.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { loadRuntimeSeries, RuntimeDataError } from '../report/runtime-series.js';
import { renderSarif } from '../report/sarif.js';
import { baseDirOf } from '../report/source-file.js';
import { renderText } from '../report/text.js';
import { EXIT, UsageError } from './errors.js';
import { parseSize } from './sizes.js';
import { exitOnInterrupt } from './interrupt.js';
import { createProgress } from './progress.js';
import { performanceOptions, type PerformanceCliOptions } from './performance-options.js';

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
  runtime?: string;
  root?: string;
  maxFileSize: string;
  exclude?: string[];
  quiet?: boolean;
  color: boolean;
  verbose?: boolean;
  brief?: boolean;
}

export async function runAuditCommand(paths: string[], options: AuditCliOptions): Promise<number> {
  const restoreSignals = exitOnInterrupt();
  try {
    return await auditAndReport(paths, options);
  } catch (err) {
    // Bad config, baseline or runtime data: one line, exit 2.
    if (err instanceof ConfigError || err instanceof BaselineError || err instanceof RuntimeDataError) throw new UsageError(err.message);
    throw err;
  } finally {
    restoreSignals();
  }
}

async function auditAndReport(paths: string[], options: AuditCliOptions): Promise<number> {
  const maxFileBytes = parseSize(options.maxFileSize);
  const auditBase = baseDirOf(resolve(options.root ?? defaultRoot(paths)));
  const loaded = options.config === false ? undefined : options.config ? loadConfigFile(options.config) : discoverConfig(auditBase);
  const config = loaded ? configEffects(loaded, auditBase) : undefined;
  const runtime = options.runtime ? loadRuntimeSeries(options.runtime) : undefined;
  const exclude = [...(config?.exclude ?? []), ...(options.exclude ?? [])];
  const progress = createProgress(!options.quiet && options.format === 'text' ? true : !options.quiet && Boolean(options.output));
  const result = await runAudit({
    paths: paths.length > 0 ? paths : ['.'],
    ...(options.root ? { root: options.root } : {}),
    maxFileBytes,
    ...(exclude.length > 0 ? { exclude } : {}),
    ...(config?.include ? { include: config.include } : {}),
    ...(config ? { userModels: config.userModels, disabledRules: config.disabledRules, rulePriorities: config.rulePriorities } : {}),
    ...performanceOptions(options),
    onProgress: (done, total, path) => progress.update(done, total, path),
  });
  progress.done();
  if (!options.quiet) for (const warning of result.warnings) process.stderr.write(`leakaudit: warning: ${warning}\n`);
  const notes = await scopeFindings(result, options);
  if (!options.quiet) for (const note of notes) process.stderr.write(`leakaudit: ${note}\n`);
  const color = options.color && !process.env.NO_COLOR && !options.output && process.stdout.isTTY === true;
  let text: string;
  switch (options.format) {
    case 'json':
      text = renderJson(result);
      break;
    case 'md':
      text = renderMarkdown(result);
      break;
    case 'sarif':
      text = renderSarif(result);
      break;
    case 'html':
      text = renderHtml(result, runtime ? { runtime } : {});
      break;
    default:
      text = renderText(result, { color, verbose: !options.brief });
  }
  if (options.output) {
    try {
      await writeFile(options.output, text);
    } catch (err) {
      throw new UsageError(`cannot write ${options.output}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (!options.quiet) process.stderr.write(`leakaudit: report written to ${options.output}\n`);
  } else {
    await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  }
  const failOn = options.failOn ?? config?.failOn ?? 'P1';
  if (failOn === 'none') return EXIT.ok;
  const failing = result.findings.some((f) => !f.suppressed && atOrAbove(f.priority, failOn));
  return failing ? EXIT.findings : EXIT.ok;
}
