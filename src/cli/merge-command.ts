// `leakaudit merge REPORT...`: the options; the work lives in merge-run.ts.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { MergeCliOptions } from './merge-run.js';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('combine the JSON reports of `--shard i/N` runs into the report of the whole audit')
    .argument('<reports...>', 'the JSON reports of all N shards')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'md', 'sarif', 'html']).default('json'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <priority>', 'exit 1 when a finding at or above this priority is reported (default: failOn in the config, else P1)').choices(['P0', 'P1', 'P2', 'none']))
    .option('--baseline <file>', 'report only findings not in this baseline (matched by fingerprint)')
    .option('--write-baseline <file>', 'write the merged findings as a baseline, then report none of them')
    .option('--changed-since <ref>', 'report findings only in files changed since this git ref')
    .option('-q, --quiet', 'print nothing but the report')
    .option('--brief', 'text format: one block per finding without evidence and fix')
    .action(async (reports: string[], options: MergeCliOptions, command: Command) => {
      const { runMergeCommand } = await import('./merge-run.js');
      command.setOptionValue('exitCode', await runMergeCommand(reports, options));
    });
}
