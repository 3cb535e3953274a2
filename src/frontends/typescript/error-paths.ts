// Code that runs only when something failed: a `catch` clause, a `.catch(fn)`
// handler, or the rejection handler of `.then(onOk, onError)`. A release there
// is clean-up after a failed open, not the release of a handle whose success
// path hands it to the caller (`return waitOn(client).then(() => client,
// (err) => (disconnect(client), Promise.reject(err)))`).
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { FUNCTION_TYPES } from './functions.js';

/** Does `node` run only on an error path, between it and `scope`? */
export function onErrorPath(node: SyntaxNode, scope: SyntaxNode): boolean {
  for (let up = node.parent; up && up.id !== scope.id; up = up.parent) {
    if (up.type === 'catch_clause') return true;
    if (!FUNCTION_TYPES.has(up.type) || up.parent?.type !== 'arguments') continue;
    const call = up.parent.parent;
    const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    if (callee?.type !== 'member_expression') continue;
    const method = callee.childForFieldName('property')?.text;
    if (method === 'catch') return true;
    if (method === 'then' && kids(up.parent).filter((k) => k.type !== 'comment').findIndex((k) => k.id === up.id) === 1) return true;
  }
  return false;
}
