// The rules' docs are tested like code (STYLE.md): every docs.md has the fixed
// headings; every `## Bad` block, audited on its own, yields its rule; every
// `## Good` block yields nothing. Covers whatever blocks exist, in any language.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/pipeline/run-audit.js';
import { ruleDocs, type CodeBlock } from '../../src/rules/docs.js';
import { RULES } from '../../src/rules/index.js';

/** Fence language -> file extension the discovery maps to that language. */
const EXTENSION: Record<string, string> = { rust: 'rs', rs: 'rs', python: 'py', py: 'py', ts: 'ts', typescript: 'ts', tsx: 'tsx', js: 'js', javascript: 'js', jsx: 'jsx', mjs: 'mjs', go: 'go' };
const HEADINGS = ['## Why it leaks', '## Bad', '## Good', '## When it is fine'];

async function findingsOf(block: CodeBlock): Promise<string[]> {
  const ext = EXTENSION[block.language];
  if (!ext) throw new Error(`code block language "${block.language}" has no file extension here; use one of ${Object.keys(EXTENSION).join(', ')}`);
  const root = mkdtempSync(join(tmpdir(), 'leakaudit-docs-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', `example.${ext}`), block.code);
  const result = await runAudit({ paths: [root], root });
  expect(result.skipped, 'the example must be read').toEqual([]);
  return result.findings.map((f) => `${f.ruleId} (line ${f.location.startLine}): ${f.message}`);
}

const cases = RULES.flatMap((rule) => {
  const docs = ruleDocs(rule.meta.id);
  return [
    ...docs.bad.map((block, i) => ({ id: rule.meta.id, kind: 'Bad' as const, n: i + 1, block })),
    ...docs.good.map((block, i) => ({ id: rule.meta.id, kind: 'Good' as const, n: i + 1, block })),
  ];
});

describe('rule docs', () => {
  it.each(RULES.map((r) => [r.meta.id] as const))('%s/docs.md has the title, a summary and the fixed headings, in order', (id) => {
    const docs = ruleDocs(id);
    const text = readFileSync(docs.path, 'utf8');
    expect(text.startsWith(`# ${id}\n`)).toBe(true);
    expect(docs.summary.length, 'a summary line under the title').toBeGreaterThan(20);
    const positions = HEADINGS.map((h) => text.split('\n').indexOf(h));
    expect(positions.every((p) => p > 0), `headings ${HEADINGS.join(', ')}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(docs.bad.length, 'at least one Bad block').toBeGreaterThan(0);
    expect(docs.good.length, 'at least one Good block').toBeGreaterThan(0);
    expect(docs.why.length).toBeGreaterThan(0);
    expect(docs.fine.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [`${c.id} ${c.kind} #${c.n} (${c.block.language})`, c] as const))('%s', async (_name, c) => {
    const found = await findingsOf(c.block);
    if (c.kind === 'Bad') expect(found.filter((f) => f.startsWith(`${c.id} `)), `a Bad example of ${c.id} must yield ${c.id}; got ${JSON.stringify(found)}`).not.toEqual([]);
    else expect(found, `a Good example of ${c.id} must yield nothing`).toEqual([]);
  });
});
