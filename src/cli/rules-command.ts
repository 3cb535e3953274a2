// `leakaudit rules [RULE]`: the catalogue, and one rule explained with its bad and good patterns.
import type { Command } from 'commander';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list the rules, or explain one with its bad and good examples')
    .argument('[rule]', 'rule id, e.g. task-unstoppable')
    .option('--json', 'machine-readable output')
    .action(async (id: string | undefined, options: { json?: boolean }, command: Command) => {
      const { runRules } = await import('./rules-run.js');
      command.setOptionValue('exitCode', await runRules(id, options));
    });
}
