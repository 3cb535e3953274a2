// Handlers kept in a collection of the owner and removed from it later:
// `this.listeners.push({ name: signal, listener }); process.on(signal, listener)`, then
// `for (const item of this.listeners) process.removeListener(item.name, item.listener)`.
// The removal names the handler through the collection, so it cannot be matched by text; a
// removal on the same emitter in this file is taken as the one meant for the stored handler.
import type { SyntaxNode } from '../../parse/syntax.js';
import { bodyOf } from './functions.js';
import { memberPath, unwrap } from './qualify.js';
import { line } from '../shared/tree.js';
import { thisPath, type FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';
import type { Removal } from './listeners.js';

const STORES = /^(push|unshift|set|add)$/;

/** The collection field (`listeners` in `this.listeners.push(..)`) `fn` stores the handler `name` in. */
function storingField(fn: SyntaxNode, name: string, index: NodeIndex, scope: FileScope): string | undefined {
  const body = bodyOf(fn);
  if (!body) return undefined;
  const mention = new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`);
  let field: string | undefined;
  index.walk(body, ['call_expression'], (n) => {
    const callee = n.childForFieldName('function');
    if (callee?.type !== 'member_expression' || !STORES.test(callee.childForFieldName('property')?.text ?? '')) return true;
    const path = thisPath(memberPath(callee.childForFieldName('object')!), scope);
    if (!path || path[0] !== 'this' || path.length !== 2) return true;
    if (mention.test(n.childForFieldName('arguments')?.text ?? '')) field = path[1];
    return field ? 'stop' : true;
  });
  return field;
}

/** A removal of this file on the same emitter, when the handler was stored in a collection of the owner. */
export function storedHandlerRemoval(receiver: SyntaxNode, handler: SyntaxNode | undefined, fn: SyntaxNode | null, removals: readonly Removal[], releases: readonly string[], index: NodeIndex, scope: FileScope): { api: string; line: number; field: string } | undefined {
  const h = handler ? unwrap(handler) : undefined;
  if (!fn || h?.type !== 'identifier') return undefined;
  const field = storingField(fn, h.text, index, scope);
  if (!field) return undefined;
  const target = receiver.text.replace(/\s+/g, '');
  const found = removals.find((r) => r.method !== undefined && r.method !== 'removeAllListeners' && releases.includes(r.method) && r.receiverText === target && r.argumentCount >= 2 && /[.\]]/.test(r.argumentText(1)));
  return found ? { api: found.method!, line: line(found.site.node), field } : undefined;
}
