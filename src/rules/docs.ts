// Rule documentation: one docs.md per rule folder feeds `leakaudit rules`,
// SARIF help text and the report's "Code Patterns to Avoid".
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CodeBlock {
  language: string;
  code: string;
}

export interface RuleDocs {
  id: string;
  summary: string;
  why: string;
  bad: CodeBlock[];
  good: CodeBlock[];
  fine: string;
  /** The docs file, for `leakaudit rules <id>`. */
  path: string;
  markdown: string;
}

/** src/rules in a checkout (also when running from dist/rules). */
export function rulesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromDist = join(here, '..', '..', 'src', 'rules');
  return existsSync(join(here, 'task-unstoppable', 'docs.md')) ? here : fromDist;
}

const cache = new Map<string, RuleDocs>();

export function ruleDocs(id: string): RuleDocs {
  const cached = cache.get(id);
  if (cached) return cached;
  const path = join(rulesDir(), id, 'docs.md');
  const markdown = readFileSync(path, 'utf8');
  const sections = splitSections(markdown);
  const docs: RuleDocs = {
    id,
    summary: (sections.get('') ?? '').replace(/^#.*\n/, '').trim(),
    why: (sections.get('Why it leaks') ?? '').trim(),
    bad: codeBlocks(sections.get('Bad') ?? ''),
    good: codeBlocks(sections.get('Good') ?? ''),
    fine: (sections.get('When it is fine') ?? '').trim(),
    path,
    markdown,
  };
  cache.set(id, docs);
  return docs;
}

function splitSections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  let current = '';
  let buf: string[] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const m = !inFence && /^## (.+)$/.exec(line);
    if (m) {
      out.set(current, buf.join('\n'));
      current = m[1]!.trim();
      buf = [];
    } else buf.push(line);
  }
  out.set(current, buf.join('\n'));
  return out;
}

function codeBlocks(section: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = /```(\w*)\n([\s\S]*?)```/g;
  for (let m = re.exec(section); m; m = re.exec(section)) out.push({ language: m[1] || 'text', code: m[2]! });
  return out;
}
