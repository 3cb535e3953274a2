// `leakaudit rules [RULE]`: the catalogue, and one rule explained with its bad and good patterns.
import type { Command } from 'commander';
import { RULES, ruleById } from '../rules/index.js';
import { ruleDocs } from '../rules/docs.js';
import { ruleHelp } from '../rules/help.js';
import { EXIT, UsageError } from './errors.js';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list the rules, or explain one with its bad and good examples')
    .argument('[rule]', 'rule id, e.g. task-unstoppable')
    .option('--json', 'machine-readable output')
    .action(async (id: string | undefined, options: { json?: boolean }, command: Command) => {
      command.setOptionValue('exitCode', await runRules(id, options));
    });
}

async function runRules(id: string | undefined, options: { json?: boolean }): Promise<number> {
  if (!id) {
    if (options.json) {
      process.stdout.write(`${JSON.stringify(RULES.map((r) => ({ ...r.meta, docs: ruleDocs(r.meta.id).path })), null, 2)}\n`);
    } else {
      const width = Math.max(...RULES.map((r) => r.meta.id.length));
      for (const r of RULES) process.stdout.write(`${r.meta.id.padEnd(width)}  ${r.meta.defaultPriority}  ${r.meta.summary}\n`);
    }
    return EXIT.ok;
  }
  const rule = ruleById(id);
  if (!rule) throw new UsageError(`unknown rule "${id}"; known rules: ${RULES.map((r) => r.meta.id).join(', ')}`);
  const docs = ruleDocs(id);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...rule.meta, ...docs }, null, 2)}\n`);
    return EXIT.ok;
  }
  // The same help text as SARIF `help`, then where the rule lives.
  process.stdout.write(`${ruleHelp(rule).text}\nSource: ${docs.path.replace(/docs\.md$/, '')}\n`);
  return EXIT.ok;
}
