// A run-once guard kept in a field: what it guards starts at most once per
// instance, however often the method runs.
//   if (!this.started) { this.started = true; setInterval(..) }
//   if (this.started) return; this.started = true; .. setInterval(..)
import type { SyntaxNode } from '../../parse/syntax.js';
import { line } from '../shared/tree.js';
import { bodyOf } from './functions.js';

const FIELD = '(this\\.#?[\\w$]+)';

function sets(text: string, field: string): boolean {
  return new RegExp(`${field.replace(/[.$]/g, (c) => `\\${c}`)}\\s*=\\s*true\\b`).test(text);
}

/** The field that guards `at` to run once per instance, and the guard's line. */
export function fieldOnceGuard(at: SyntaxNode, fn: SyntaxNode | null): { flag: string; line: number } | undefined {
  if (!fn) return undefined;
  for (let up = at.parent; up && up.id !== fn.id; up = up.parent) {
    if (up.type !== 'if_statement') continue;
    const consequence = up.childForFieldName('consequence');
    if (!consequence || at.startIndex < consequence.startIndex || at.endIndex > consequence.endIndex) continue;
    const condition = (up.childForFieldName('condition')?.text ?? '').replace(/\s+/g, '');
    const flag = new RegExp(`^\\(!${FIELD}\\)$`).exec(condition)?.[1];
    if (flag && sets(consequence.text, flag)) return { flag, line: line(up) };
  }
  // `if (this.started) return;` at the top of the body, and the flag set in the body.
  const body = bodyOf(fn);
  if (body?.type !== 'statement_block') return undefined;
  for (const statement of body.namedChildren) {
    if (!statement || statement.startIndex > at.startIndex) break;
    if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) continue;
    const condition = (statement.childForFieldName('condition')?.text ?? '').replace(/\s+/g, '');
    const flag = new RegExp(`^\\(${FIELD}\\)$`).exec(condition)?.[1];
    const consequence = statement.childForFieldName('consequence')?.text.replace(/[\s{};]/g, '') ?? '';
    if (flag && /^return$/.test(consequence) && sets(body.text, flag)) return { flag, line: line(statement) };
  }
  return undefined;
}
