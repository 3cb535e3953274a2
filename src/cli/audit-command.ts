// `leakaudit audit [PATH...]`: the command's options; the work lives in
// audit-run.ts and is loaded only when the command runs.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { AuditCliOptions } from './audit-run.js';

export type { AuditCliOptions };

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
    .option('--include-generated', 'audit bundles, minified scripts and files a tool says it generated (skipped and listed by default)')
    .option('--shard <i/N>', 'audit only the i-th of N size-balanced sets of packages (merge the JSON reports with `leakaudit merge`)')
    .option('-j, --jobs <n>', 'worker threads that parse and extract (default: the number of cores; 0: none)')
    .option('--no-cache', 'do not read or write the fact cache')
    .option('--cache-dir <dir>', 'fact cache directory (default: node_modules/.cache/leakaudit beside the nearest package.json at or above the current directory; without one, $XDG_CACHE_HOME/leakaudit or ~/.cache/leakaudit)')
    .option('--file-timeout <seconds>', 'skip a file whose parse and extraction take longer than this', '30')
    .option('-q, --quiet', 'print nothing but the report; no progress bar')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .option('--brief', 'text format: one block per finding without evidence and fix')
    .addOption(new Option('--min-confidence <level>', 'report only findings of this confidence or better (see README: how confidence is decided)').choices(['high', 'medium', 'low']))
    .option('--show-process-lifetime', 'text and md: list the resources that live exactly as long as the process (folded into one line by default)')
    .action(async (paths: string[], options: AuditCliOptions, command: Command) => {
      const { runAuditCommand } = await import('./audit-run.js');
      command.setOptionValue('exitCode', await runAuditCommand(paths, options));
    });
}
