// A run-once flag kept in a static: the first caller sets it, so what it guards starts once per process.
//   static STARTED: AtomicBool = AtomicBool::new(false);
//   if !STARTED.swap(true, SeqCst) { tokio::spawn(..) }
//   if STARTED.compare_exchange(false, true, ..).is_ok() { .. }
//   if STARTED.swap(true, SeqCst) { return; }  ..  tokio::spawn(..)
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, line } from '../shared/tree.js';

/** A path to a static (`STARTED`, `self::STARTED`, `crate::x::STARTED`): its last segment. */
const FLAG = String.raw`(?:(?:self|super|crate|\w+)::)*([A-Za-z_]\w*)`;
/** Conditions true for the one caller that set the flag. */
const WON = [new RegExp(`^!${FLAG}\\.swap\\(true\\b`), new RegExp(`^${FLAG}\\.compare_exchange(?:_weak)?\\(false,true\\b.*\\)\\.is_ok\\(\\)$`)];
/** Conditions true for every later caller. */
const LOST = [new RegExp(`^${FLAG}\\.swap\\(true\\b`), new RegExp(`^${FLAG}\\.compare_exchange(?:_weak)?\\(false,true\\b.*\\)\\.is_err\\(\\)$`)];

function tested(condition: SyntaxNode | null, forms: RegExp[], statics: ReadonlySet<string>): string | undefined {
  const text = (condition?.text ?? '').replace(/\s+/g, '');
  for (const form of forms) {
    const flag = form.exec(text)?.[1];
    if (flag && statics.has(flag)) return flag;
  }
  return undefined;
}

/** The static flag whose exchange lets `at` run for the first caller only, and the guard's line. */
export function staticFlagGuard(at: SyntaxNode, fnItem: SyntaxNode | null, statics: ReadonlySet<string>): { flag: string; line: number } | undefined {
  if (!fnItem || statics.size === 0) return undefined;
  for (let up = at.parent; up && up.id !== fnItem.id; up = up.parent) {
    if (up.type === 'closure_expression') return undefined;
    if (up.type !== 'if_expression') continue;
    const block = up.childForFieldName('consequence');
    if (!block || at.startIndex < block.startIndex || at.endIndex > block.endIndex) continue;
    const flag = tested(up.childForFieldName('condition'), WON, statics);
    if (flag) return { flag, line: line(up) };
  }
  // `if FLAG.swap(true, ..) { return; }` among the statements of the function's body before `at`.
  const body = fnItem.childForFieldName('body');
  for (const statement of body ? kids(body) : []) {
    if (statement.startIndex >= at.startIndex) break;
    const test = statement.type === 'expression_statement' ? kids(statement)[0] : statement;
    if (test?.type !== 'if_expression' || test.childForFieldName('alternative')) continue;
    const flag = tested(test.childForFieldName('condition'), LOST, statics);
    const exit = test.childForFieldName('consequence');
    const last = exit ? kids(exit).filter((k) => !k.type.endsWith('comment')).at(-1) : undefined;
    const leaves = last && /^(return_expression|expression_statement)$/.test(last.type) && /^return\b/.test(last.text);
    if (flag && leaves) return { flag, line: line(test) };
  }
  return undefined;
}
