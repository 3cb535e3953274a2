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

/**
 * `try { t = setTimeout(..); connect() } catch (e) { reject(e) }`: a call after the acquisition
 * in the same `try` that can throw, into a `catch` that neither releases `name` nor rethrows (and
 * no `finally` that releases it). Then the handle is left behind on that path, whatever the
 * callbacks that release it on the others do.
 */
export function swallowedAfter(at: SyntaxNode, name: string, fn: SyntaxNode | null): { call: string; line: number } | undefined {
  const mentions = new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}\\b`);
  for (let up = at.parent; up && up.id !== fn?.id; up = up.parent) {
    if (FUNCTION_TYPES.has(up.type)) return undefined;
    if (up.type !== 'try_statement') continue;
    const body = up.childForFieldName('body');
    const handler = up.childForFieldName('handler');
    const finalizer = up.childForFieldName('finalizer');
    if (!body || !handler || at.startIndex < body.startIndex || at.endIndex > body.endIndex) continue;
    if (finalizer && mentions.test(finalizer.text)) return undefined;
    const handlerBody = handler.childForFieldName('body');
    if (!handlerBody || mentions.test(handlerBody.text) || /\bthrow\b/.test(handlerBody.text)) return undefined;
    let found: SyntaxNode | undefined;
    const visit = (n: SyntaxNode): void => {
      if (found || n.endIndex <= at.endIndex) return;
      if (FUNCTION_TYPES.has(n.type)) return;
      if ((n.type === 'call_expression' || n.type === 'new_expression') && n.startIndex > at.endIndex) {
        found = n;
        return;
      }
      for (const k of kids(n)) visit(k);
    };
    visit(body);
    if (!found) return undefined;
    return { call: found.text.split('\n')[0]!.slice(0, 60), line: found.startPosition.row + 1 };
  }
  return undefined;
}
