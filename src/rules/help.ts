// A rule's help, from its docs.md plus facts computed from its metadata and the
// built-in models. One text feeds `leakaudit rules <id>` and SARIF `help`, so
// the terminal and GitHub show the same words.
import { loadBuiltinModels } from '../models/index.js';
import type { ResourceModel } from '../models/schema.js';
import { ruleDocs } from './docs.js';
import type { Rule } from './types.js';

export interface RuleHelp {
  /** Plain text: the docs Markdown as written (readable as is in a terminal). */
  text: string;
  /** The same content for renderers that read Markdown. */
  markdown: string;
}

let builtinModels: ResourceModel[] | undefined;

/** APIs that acquire a resource of a kind the rule judges, as `library: api, api`. */
export function apisCovered(rule: Rule, models: readonly ResourceModel[] = (builtinModels ??= loadBuiltinModels())): string[] {
  const byLibrary = new Map<string, Set<string>>();
  for (const m of models) {
    if (m.role !== 'acquire' || !(rule.meta.kinds as readonly string[]).includes(m.kind)) continue;
    const apis = byLibrary.get(`${m.language} ${m.library}`) ?? new Set<string>();
    for (const call of m.acquire.calls) apis.add(call);
    for (const ctor of m.acquire.constructors) apis.add(`new ${ctor}`);
    for (const method of m.acquire.methods) apis.add(`.${method}()`);
    byLibrary.set(`${m.language} ${m.library}`, apis);
  }
  return [...byLibrary.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([lib, apis]) => `${lib}: ${[...apis].map((a) => `\`${a}\``).join(', ')}`);
}

export function ruleHelp(rule: Rule): RuleHelp {
  const docs = ruleDocs(rule.meta.id);
  const lines = [docs.markdown.trimEnd(), '', `Kinds: ${rule.meta.kinds.join(', ')} · default priority ${rule.meta.defaultPriority} · precision ${rule.meta.precision}`];
  const apis = apisCovered(rule);
  if (apis.length > 0) {
    lines.push('', 'APIs covered:');
    for (const a of apis) lines.push(`- ${a}`);
  }
  const text = `${lines.join('\n')}\n`;
  return { text, markdown: text };
}
