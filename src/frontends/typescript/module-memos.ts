// A module-level memo: the value a function makes is kept in a module variable and made again only
// while that variable is unset, so what making it acquires runs once per process (or once per reset).
//   if (!cached) { cached = (async () => { .. process.once('exit', kill) .. })(); } return cached;
//   cached ??= (async () => { .. })();
//   if (cached) return cached; cached = new Promise((resolve) => { .. }); return cached;
import type { SyntaxNode } from '../../parse/syntax.js';
import { line } from '../shared/tree.js';
import { bodyOf } from './functions.js';
import { exits } from './once-guards.js';
import type { FileScope } from './scope.js';

/** Does `at` sit in the value an assignment inside `within` keeps in the variable `flag`? */
export function memoizes(at: SyntaxNode, flag: string, within: SyntaxNode): boolean {
  return !!memoAssignment(at, within, (name) => name === flag);
}

/** `cached ??= ..` around `at`, or `cached = ..` after `if (cached) return cached;`: the memo and its guard's line. */
export function moduleMemoGuard(at: SyntaxNode, fn: SyntaxNode | null, scope: FileScope): { flag: string; line: number } | undefined {
  if (!fn) return undefined;
  const assignment = memoAssignment(at, fn, (name) => scope.moduleVars.has(name));
  if (!assignment) return undefined;
  const flag = assignment.childForFieldName('left')!.text;
  if (assignment.type === 'augmented_assignment_expression') return { flag, line: line(assignment) };
  // `if (cached) return cached;` among the body's statements before the assignment.
  const body = bodyOf(fn);
  if (body?.type !== 'statement_block') return undefined;
  const set = new RegExp(`^\\((?:${flag.replace(/\$/g, '\\$')}(?:!={1,2}(?:null|undefined))?)\\)$`);
  for (const statement of body.namedChildren) {
    if (!statement || statement.startIndex > assignment.startIndex) break;
    if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) continue;
    if (set.test((statement.childForFieldName('condition')?.text ?? '').replace(/\s+/g, '')) && exits(statement.childForFieldName('consequence'))) return { flag, line: line(statement) };
  }
  return undefined;
}

/** The assignment to a variable `named` accepts whose value holds `at`, below `within`. */
function memoAssignment(at: SyntaxNode, within: SyntaxNode, named: (name: string) => boolean): SyntaxNode | undefined {
  for (let up = at.parent; up && up.id !== within.id; up = up.parent) {
    if (up.type !== 'assignment_expression' && !(up.type === 'augmented_assignment_expression' && /^(\?\?=|\|\|=)$/.test(up.childForFieldName('operator')?.text ?? ''))) continue;
    const left = up.childForFieldName('left');
    const right = up.childForFieldName('right');
    if (left?.type !== 'identifier' || !named(left.text) || !right) continue;
    if (at.startIndex >= right.startIndex && at.endIndex <= right.endIndex) return up;
  }
  return undefined;
}
