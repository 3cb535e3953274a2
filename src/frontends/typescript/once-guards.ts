// A run-once guard kept in a field: what it guards starts at most once per
// instance, however often the method runs.
//   if (!this.started) { this.started = true; setInterval(..) }
//   if (this.started) return; this.started = true; .. setInterval(..)
// The field may be the one that keeps what is made (a lazy field initialiser):
//   if (!this.io) { this.io = new Server(..) }     this.client ??= createClient()
//   if (this.timer) return; this.timer = setInterval(..)
import type { SyntaxNode } from '../../parse/syntax.js';
import { line } from '../shared/tree.js';
import { bodyOf } from './functions.js';

const FIELD = '(this\\.#?[\\w$]+)';
/** `x`, `x == null`, `x === undefined`, `x !== null` ...: the field tested for being set. */
const UNSET = (f: string): RegExp => new RegExp(`^\\((?:!${f}|${f}={2,3}(?:null|undefined))\\)$`);
const SET = (f: string): RegExp => new RegExp(`^\\((?:${f}|${f}!={1,2}(?:null|undefined))\\)$`);

function escape(field: string): string {
  return field.replace(/[.$#]/g, (c) => `\\${c}`);
}

/** The text sets the field to a value that is not empty: `= true`, `= new Server(..)`, `= setInterval(..)`. */
function sets(text: string, field: string): boolean {
  return new RegExp(`${escape(field)}\\s*(?:=|\\?\\?=|\\|\\|=)(?!=)\\s*(?!(?:null|undefined|false|void\\b)\\s*[;,)\\n])`).test(text);
}

/** The field that guards `at` to run once per instance, and the guard's line. */
export function fieldOnceGuard(at: SyntaxNode, fn: SyntaxNode | null): { flag: string; line: number } | undefined {
  if (!fn) return undefined;
  const lazy = lazyFieldAssignment(at);
  if (lazy) return lazy;
  for (let up = at.parent; up && up.id !== fn.id; up = up.parent) {
    if (up.type !== 'if_statement') continue;
    const consequence = up.childForFieldName('consequence');
    if (!consequence || at.startIndex < consequence.startIndex || at.endIndex > consequence.endIndex) continue;
    const condition = (up.childForFieldName('condition')?.text ?? '').replace(/\s+/g, '');
    const flag = /^\(!?(this\.#?[\w$]+)/.exec(condition)?.[1];
    if (flag && UNSET(escape(flag)).test(condition) && sets(consequence.text, flag)) return { flag, line: line(up) };
  }
  // `if (this.started) return;` at the top of the body, and the flag set in the body.
  const body = bodyOf(fn);
  if (body?.type !== 'statement_block') return undefined;
  for (const statement of body.namedChildren) {
    if (!statement || statement.startIndex > at.startIndex) break;
    if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) continue;
    const condition = (statement.childForFieldName('condition')?.text ?? '').replace(/\s+/g, '');
    const flag = new RegExp(`^\\(${FIELD}`).exec(condition)?.[1];
    if (!flag || !SET(escape(flag)).test(condition)) continue;
    if (exits(statement.childForFieldName('consequence')) && sets(body.text, flag)) return { flag, line: line(statement) };
  }
  return undefined;
}

/** A block that only leaves the function: `return;`, `return this.io;`, `{ log(..); return; }`, `throw ..`. */
export function exits(consequence: SyntaxNode | null): boolean {
  if (!consequence) return false;
  const last = consequence.type === 'statement_block' ? consequence.namedChildren.filter((c) => c && c.type !== 'comment').at(-1) : consequence;
  return last?.type === 'return_statement' || last?.type === 'throw_statement';
}

/** `this.client ??= createClient()`, `this.client = this.client ?? createClient()`: made only while the field is empty. */
function lazyFieldAssignment(at: SyntaxNode): { flag: string; line: number } | undefined {
  let cur: SyntaxNode = at;
  while (cur.parent && (cur.parent.type === 'parenthesized_expression' || cur.parent.type === 'await_expression' || cur.parent.type === 'as_expression')) cur = cur.parent;
  let up = cur.parent;
  let viaOr = false;
  if (up?.type === 'binary_expression' && /^(\?\?|\|\|)$/.test(up.childForFieldName('operator')?.text ?? '') && up.childForFieldName('right')?.id === cur.id) {
    viaOr = true;
    cur = up;
    up = up.parent;
  }
  if (!up || (up.type !== 'augmented_assignment_expression' && up.type !== 'assignment_expression') || up.childForFieldName('right')?.id !== cur.id) return undefined;
  const flag = up.childForFieldName('left')?.text.replace(/\s+/g, '') ?? '';
  if (!new RegExp(`^${FIELD}$`).test(flag)) return undefined;
  if (up.type === 'augmented_assignment_expression') {
    return /^(\?\?=|\|\|=)$/.test(up.childForFieldName('operator')?.text ?? '') ? { flag, line: line(up) } : undefined;
  }
  // `this.client = this.client ?? createClient()`
  const left = viaOr ? cur.childForFieldName('left')?.text.replace(/\s+/g, '') : undefined;
  return left === flag ? { flag, line: line(up) } : undefined;
}
