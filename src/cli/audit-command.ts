// `leakaudit audit [PATH...]`: run the static audit and render a report.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { atOrAbove, type Priority } from '../analysis/finding.js';
import { BaselineError } from '../baseline/baseline.js';
import { scopeFindings } from '../baseline/scope.js';
import { configEffects } from '../config/apply.js';
import { ConfigError, discoverConfig, loadConfigFile } from '../config/load.js';
import { runAudit } from '../pipeline/run-audit.js';
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

export function registerAudit(program: Command): void {
  program
    .command('audit', { isDefault: true })
    .description('find resource-lifecycle leaks in source trees (default command)')
    .argument('[paths...]', 'files or directories to audit', [])
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'md', 'sarif', 'html']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <priority>', 'exit 1 when a finding at or above this priority is reported (default: failOn in the config, else P1)').choices(['P0', 'P1', 'P2', 'none']))
    .option('-c, --config <file>', 'config file (default: leakaudit.config.json or a "leakaudit" key in package.json, at or above the root)')
    .option('--no-config', 'ignore config files')
    .option('--baseline <file>', 'report only findings not in this baseline (matched by fingerprint)')
    .option('--write-baseline <file>', 'write the current findings as a baseline, then report none of them')
    .option('--changed-since <ref>', 'report findings only in files changed since this git ref (the whole project is still analysed)')
    .option('--runtime <file>', 'html format: chart the metrics of this `leakaudit watch --json` time series')
    .option('--root <dir>', 'directory report paths are relative to (default: the single path given, else .)')
    .option('--max-file-size <bytes>', 'skip source files larger than this (e.g. 2MiB, 500KB)', '2MiB')
    .option('--exclude <glob...>', 'gitignore-style patterns to skip')
    .option('-j, --jobs <n>', 'worker threads that parse and extract (default: the number of cores; 0: none)')
    .option('--no-cache', 'do not read or write the fact cache')
    .option('--cache-dir <dir>', 'fact cache directory (default: node_modules/.cache/leakaudit of the nearest package)')
    .option('--file-timeout <seconds>', 'skip a file whose parse and extraction take longer than this', '30')
    .option('-q, --quiet', 'print nothing but the report; no progress bar')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .option('--brief', 'text format: one block per finding without evidence and fix')
    .action(async (paths: string[], options: AuditCliOptions, command: Command) => {
      command.setOptionValue('exitCode', await runAuditCommand(paths, options));
    });
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
  const auditBase = baseDirOf(resolve(options.root ?? (paths.length === 1 ? paths[0]! : '.')));
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

export { parseSize };
