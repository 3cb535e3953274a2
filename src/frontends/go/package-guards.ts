// A package-level run-once guard: a package variable tested and set around the code, so that code runs
// once per process however often its function is called.
//   if tailer == nil { tailer = &Tailer{}; go tailer.Run() }
//   if started { return }; started = true; go loop()
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, line } from '../shared/tree.js';

/** A value that leaves the flag unset: assigning it resets the guard rather than setting it. */
const UNSET = /^(nil|false)$/;

/**
 * The package variable guarding `at` in `fn`, when `at` sits in `if X == nil { .. }` / `if !X { .. }`
 * whose block sets X, or follows `if X != nil { return .. }` / `if X { return }` and an assignment
 * setting X. `local(name)` says a local of that name shadows the package variable at `at`.
 */
export function packageOnceGuard(
  at: SyntaxNode,
  fn: SyntaxNode | null,
  packageVars: ReadonlySet<string>,
  local: (name: string, at: SyntaxNode) => boolean,
): { flag: string; line: number } | undefined {
  if (!fn || packageVars.size === 0) return undefined;
  const isFlag = (name: string | undefined): name is string => !!name && packageVars.has(name) && !local(name, at);
  for (let up = at.parent; up && up.id !== fn.id; up = up.parent) {
    if (up.type === 'func_literal') return undefined;
    if (up.type !== 'if_statement') continue;
    const block = up.childForFieldName('consequence');
    if (!block || at.startIndex < block.startIndex || at.endIndex > block.endIndex) continue;
    const flag = testedUnset(up.childForFieldName('condition'));
    if (isFlag(flag) && setsFlag(block, flag, block.endIndex)) return { flag, line: line(up) };
  }
  // The early-exit form: among the function body's statements before `at`.
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  for (const statement of statements(body)) {
    if (statement.startIndex >= at.startIndex) break;
    if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) continue;
    const flag = testedSet(statement.childForFieldName('condition'));
    if (isFlag(flag) && leaves(statement.childForFieldName('consequence')) && setsFlag(body, flag, at.startIndex, statement.endIndex)) return { flag, line: line(statement) };
  }
  return undefined;
}

/** `X == nil`, `nil == X`, `!X`: the name tested for being unset. */
function testedUnset(condition: SyntaxNode | null): string | undefined {
  if (!condition) return undefined;
  if (condition.type === 'unary_expression' && condition.childForFieldName('operator')?.text === '!') {
    const operand = condition.childForFieldName('operand');
    return operand?.type === 'identifier' ? operand.text : undefined;
  }
  return compared(condition, '==');
}

/** `X != nil`, `X`: the name tested for being set. */
function testedSet(condition: SyntaxNode | null): string | undefined {
  if (condition?.type === 'identifier') return condition.text;
  return condition ? compared(condition, '!=') : undefined;
}

function compared(condition: SyntaxNode, operator: string): string | undefined {
  if (condition.type !== 'binary_expression' || condition.childForFieldName('operator')?.text !== operator) return undefined;
  const left = condition.childForFieldName('left');
  const right = condition.childForFieldName('right');
  if (left?.type === 'identifier' && right?.text === 'nil') return left.text;
  if (right?.type === 'identifier' && left?.text === 'nil') return right.text;
  return undefined;
}

/** A block's statements (the grammar may wrap them in a `statement_list`). */
function statements(block: SyntaxNode): SyntaxNode[] {
  return kids(block).flatMap((k) => (k.type === 'statement_list' ? kids(k) : [k]));
}

/** A block whose last statement leaves the function. */
function leaves(block: SyntaxNode | null): boolean {
  const last = block ? statements(block).filter((k) => k.type !== 'comment').at(-1) : undefined;
  return last?.type === 'return_statement';
}

/** An assignment in `within` (between `from` and `before`) giving `flag` a value that is not nil or false. */
function setsFlag(within: SyntaxNode, flag: string, before: number, from = within.startIndex): boolean {
  for (const assign of within.descendantsOfType('assignment_statement')) {
    if (!assign || assign.startIndex < from || assign.startIndex >= before) continue;
    if (assign.childForFieldName('operator')?.text !== '=') continue;
    const left = kids(assign.childForFieldName('left') ?? assign);
    const right = kids(assign.childForFieldName('right') ?? assign);
    const i = left.findIndex((k) => k.type === 'identifier' && k.text === flag);
    if (i < 0) continue;
    const value = right.length === left.length ? right[i] : right[0];
    if (value && !UNSET.test(value.text)) return true;
  }
  return false;
}
