// Waits the function blocks on until a resource has ended (`await once(child, 'exit')`, an awaited
// `new Promise` around `child.on('exit', ..)`): split from handles.ts, which follows where the handle goes.
import type { SyntaxNode } from '../../parse/syntax.js';
import { same } from '../shared/tree.js';
import { FUNCTION_TYPES } from './functions.js';

/** Climbs through wrappers that keep the value: `(x)`, `x as T`, `x!`. */
function valueParent(node: SyntaxNode): SyntaxNode | null {
  let up = node.parent;
  while (up && (up.type === 'parenthesized_expression' || up.type === 'as_expression' || up.type === 'non_null_expression' || up.type === 'satisfies_expression')) up = up.parent;
  return up;
}

/**
 * The function does not go on until the wait is over: `await once(child, 'exit')`, or
 * `child.on('exit', ..)` inside the executor of a `new Promise(..)` that is awaited or returned.
 */
export function blocksUntilDone(wait: SyntaxNode): boolean {
  const awaitedOrReturned = (n: SyntaxNode): boolean => {
    const up = valueParent(n);
    return up?.type === 'await_expression' || up?.type === 'return_statement' || (up?.type === 'arrow_function' && same(up.childForFieldName('body'), n));
  };
  if (awaitedOrReturned(wait)) return true;
  for (let cur = wait.parent; cur; cur = cur.parent) {
    if (!FUNCTION_TYPES.has(cur.type)) continue;
    const promise = cur.parent?.type === 'arguments' ? cur.parent.parent : null;
    return promise?.type === 'new_expression' && promise.childForFieldName('constructor')?.text === 'Promise' && awaitedOrReturned(promise);
  }
  return false;
}
