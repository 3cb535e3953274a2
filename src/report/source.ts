// Source lines for code frames in reports, read back from the audited tree.
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { forTerminal } from './sanitize.js';

/** Lines start..end (1-based), at most `max`, control characters made visible; undefined if unreadable. */
export function readSourceLines(root: string, relPath: string, start: number, end: number, max: number): string | undefined {
  const abs = resolve(root, relPath);
  const rel = relative(root, abs);
  if (rel.startsWith('..') || rel.startsWith(sep)) return undefined;
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split(/\r\n|\r|\n/);
  const last = Math.min(end, start + max - 1, lines.length);
  const picked = dedent(lines.slice(start - 1, last));
  if (end > last) picked.push('…');
  return forTerminal(picked.join('\n'));
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(min));
}
