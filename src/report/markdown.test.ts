// The Markdown audit reads like the seed audit it automates: code as code,
// findings of a kind numbered by priority, a summary row per kind and
// priority, and the bad and good patterns of the rules that fired.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditResult } from '../pipeline/run-audit.js';
import { renderMarkdown } from './markdown.js';

const FILES: Record<string, string> = {
  // A module-level timer (P2: once per process) and a per-call one (P0).
  'src/poller.ts': `setInterval(() => console.log('tick'), 1000);
export class Poller {
  start(): void {
    setInterval(() => this.poll(), 1000);
  }
  private poll(): void {}
}
`,
  'src/handlers.ts': `import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
export function handle(req: { id: string }) {
  bus.on('<img src=x onerror=alert(1)>', () => console.log(req.id));
}
`,  // Both are called per request: they grow per call (P0).
  'src/server.ts': `import { handle } from './handlers';
import { Poller } from './poller';
const poller = new Poller();
export function onRequest(req: { id: string }) {
  handle(req);
  poller.start();
}
`,
};

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'leakaudit-md-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** The Markdown with fenced blocks and code spans taken out: what a reader sees as prose. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~~)[^\n]*\n[\s\S]*?^\1$/gm, '').replace(/(`+)[^`][\s\S]*?\1/g, '');
}

let result: AuditResult;
let md: string;

beforeAll(async () => {
  result = await runAudit({ paths: [tree(FILES)], jobs: 0 });
  md = renderMarkdown(result, { date: '2026-01-01', showProcessLifetime: true });
});

describe('Markdown audit', () => {
  it('shows code spans as written (`<module>`), and escapes HTML in prose', () => {
    expect(md).toContain('`<module>`');
    expect(md).not.toContain('&lt;module&gt;');
    expect(md).toContain('`<img src=x onerror=alert(1)>`');
    expect(prose(md)).not.toMatch(/<[a-z]/i);
    const hostile = { ...result, findings: result.findings.map((f) => ({ ...f, message: 'x <script>alert(1)</script> in `<module>`' })) };
    const rendered = renderMarkdown(hostile, { date: '2026-01-01', showProcessLifetime: true });
    expect(rendered).toContain('x &lt;script&gt;alert(1)&lt;/script&gt; in `<module>`');
    expect(prose(rendered)).not.toMatch(/<[a-z/]/i);
  });

  it('groups and numbers the findings of a kind by priority', () => {
    const section = md.slice(md.indexOf('## Finding 1: Spawned tasks'), md.indexOf('## Finding 2'));
    expect(section).toContain('**Prevalence**: 2 sites in 1 file (1 P0, 1 P2)');
    const headings = section.split('\n').filter((l) => l.startsWith('###'));
    expect(headings).toEqual([
      '### ⚠️ CRITICAL (P0): 1 site',
      '#### 1.1 `Poller::start` (`src/poller.ts:4`)',
      '### MEDIUM (P2): 1 site',
      '#### 1.2 `<module>` (`src/poller.ts:1`)',
    ]);
  });

  it('has one summary row per kind and priority', () => {
    const table = md.slice(md.indexOf('## Summary Table'), md.indexOf('## Remediation Plan'));
    const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Resource') && !l.startsWith('| ---'));
    expect(rows).toEqual([
      '| Listeners / subscriptions (never removed) | 1 | 1 | none | critical | P0 |',
      '| Spawned tasks / timers (long-lived, unstoppable) | 1 | 1 | none | critical | P0 |',
      '| Spawned tasks / timers (long-lived, unstoppable) | 1 | 1 | none | medium | P2 |',
    ]);
    expect(md).toContain('**Status**: 2 P0, 0 P1, 1 P2 findings');
  });

  it('shows the bad and good patterns of the rules that fired, in the language they fired in, bad before good', () => {
    const patterns = md.slice(md.indexOf('## Code Patterns to Avoid'));
    expect(patterns.split('\n').filter((l) => l.startsWith('### '))).toEqual(['### `listener-never-removed`', '### `task-unstoppable`']);
    const task = patterns.slice(patterns.indexOf('### `task-unstoppable`'));
    expect(task).toMatch(/#### ❌ Bad\n\n```ts\n[\s\S]*setInterval[\s\S]*#### ✅ Good\n\n```ts\n[\s\S]*clearInterval/);
    expect(patterns).not.toContain('```rust');
  });

  it('has no patterns section when nothing fired', async () => {
    const clean = renderMarkdown(await runAudit({ paths: [tree({ 'src/add.ts': 'export const add = (a: number, b: number) => a + b;\n' })], jobs: 0 }));
    expect(clean).toContain('Clean - no leak patterns found');
    expect(clean).not.toContain('## Code Patterns to Avoid');
  });
});
