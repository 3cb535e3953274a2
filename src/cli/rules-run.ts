// The work of `leakaudit rules`, loaded only when the command runs.
import { RULES, ruleById } from '../rules/index.js';
import { ruleDocs } from '../rules/docs.js';
import { ruleHelp } from '../rules/help.js';
import { EXIT, UsageError } from './errors.js';

export async function runRules(id: string | undefined, options: { json?: boolean }): Promise<number> {
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
