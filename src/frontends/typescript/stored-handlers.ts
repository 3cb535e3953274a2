// Handlers kept in a collection and removed from it later:
// `this.listeners.push({ name: signal, listener }); process.on(signal, listener)`, then
// `for (const item of this.listeners) process.removeListener(item.name, item.listener)`.
// The removal names the handler through the collection, so it cannot be matched by text; a
// removal on the same emitter in this file is taken as the one meant for the stored handler.
// The collection may be an owner's field reached through a local (`let cbs = this.callbacks.get(k);
// .. cbs.add(handler)`) or a module-level map (`subscriptions.set(channel, handler)`); a removal
// whose handler is read out of that very collection (`subscriptions.get(channel)`, the variable of a
// loop over it) is the one meant for it, whatever expression it names the emitter by.
import type { SyntaxNode } from '../../parse/syntax.js';
import { bodyOf } from './functions.js';
import { memberPath, unwrap } from './qualify.js';
import { line, same } from '../shared/tree.js';
import { thisPath, type FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';
import type { Removal } from './listeners.js';

const STORES = /^(push|unshift|set|add)$/;

/** Where a handler is kept: a field of the owner (`this.listeners`) or a module-level variable. */
interface Collection {
  /** How code names it: `this.listeners`, `subscriptions`. */
  text: string;
  /** The field or variable name. */
  name: string;
}

const mentionOf = (name: string): RegExp => new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`);

/** The collection `path` (a receiver's member path) names: a field of `this` or a module variable not shadowed in `fn`. */
function collectionOf(path: string[] | undefined, fn: SyntaxNode, index: NodeIndex, scope: FileScope): Collection | undefined {
  if (!path) return undefined;
  if (path[0] === 'this' && path.length === 2) return { text: `this.${path[1]}`, name: path[1]! };
  if (path.length === 1 && scope.moduleVars.has(path[0]!) && !declaredIn(fn, path[0]!, index)) return { text: path[0]!, name: path[0]! };
  return undefined;
}

function declaredIn(fn: SyntaxNode, name: string, index: NodeIndex): boolean {
  let found = false;
  index.walk(fn, ['variable_declarator'], (n) => {
    if (n.childForFieldName('name')?.text === name) found = true;
    return found ? 'stop' : true;
  });
  return found;
}

/**
 * The collection `fn` stores the handler `name` in: `this.listeners.push(..)`, `subscriptions.set(k, handler)`,
 * or a local that is one of a field's entries (`let cbs = this.callbacks.get(k); if (!cbs) { cbs = new Set();
 * this.callbacks.set(k, cbs) } cbs.add(handler)`).
 */
function storingCollection(fn: SyntaxNode, name: string, index: NodeIndex, scope: FileScope): Collection | undefined {
  const body = bodyOf(fn);
  if (!body) return undefined;
  const mention = mentionOf(name);
  let found: Collection | undefined;
  index.walk(body, ['call_expression'], (n) => {
    const callee = n.childForFieldName('function');
    if (callee?.type !== 'member_expression' || !STORES.test(callee.childForFieldName('property')?.text ?? '')) return true;
    if (!mention.test(n.childForFieldName('arguments')?.text ?? '')) return true;
    const object = callee.childForFieldName('object')!;
    const path = thisPath(memberPath(object), scope);
    found = collectionOf(path, fn, index, scope) ?? (object.type === 'identifier' ? entryOfField(body, object.text, index, scope) : undefined);
    return found ? 'stop' : true;
  });
  return found;
}

/** The field a local is an entry of: it is read out of it (`= this.callbacks.get(k)`) or put into it (`this.callbacks.set(k, local)`). */
function entryOfField(body: SyntaxNode, local: string, index: NodeIndex, scope: FileScope): Collection | undefined {
  const mention = mentionOf(local);
  let found: Collection | undefined;
  index.walk(body, ['variable_declarator', 'call_expression'], (n, type) => {
    if (type === 'variable_declarator') {
      const value = n.childForFieldName('value');
      if (n.childForFieldName('name')?.text !== local || !value) return true;
      const read = unwrap(value);
      const callee = read.type === 'call_expression' ? read.childForFieldName('function') : null;
      const holder = callee?.type === 'member_expression' ? callee.childForFieldName('object') : read.type === 'subscript_expression' ? read.childForFieldName('object') : null;
      const path = holder ? thisPath(memberPath(holder), scope) : undefined;
      if (path?.[0] === 'this' && path.length === 2) found = { text: `this.${path[1]}`, name: path[1]! };
    } else {
      const callee = n.childForFieldName('function');
      if (callee?.type !== 'member_expression' || !STORES.test(callee.childForFieldName('property')?.text ?? '')) return true;
      const path = thisPath(memberPath(callee.childForFieldName('object')!), scope);
      if (path?.[0] === 'this' && path.length === 2 && mention.test(n.childForFieldName('arguments')?.text ?? '')) found = { text: `this.${path[1]}`, name: path[1]! };
    }
    return found ? 'stop' : true;
  });
  return found;
}

/**
 * Is the handler argument of a removal read out of the collection? It names it (`subscriptions.get(channel)`,
 * `this.handlers[id]`), or it is the variable of a loop over it, directly or through an outer loop's
 * variable (`for (const [topic, cbs] of this.callbacks) for (const cb of cbs) emitter.off(topic, cb)`).
 */
function readFrom(arg: SyntaxNode, collection: Collection): boolean {
  const mentions = (text: string): boolean => (collection.text.startsWith('this.') ? text.replace(/\s+/g, '').includes(collection.text) : mentionOf(collection.name).test(text));
  if (mentions(arg.text)) return true;
  let wanted = unwrap(arg).type === 'identifier' ? unwrap(arg).text : undefined;
  for (let cur = arg.parent; cur && wanted !== undefined; cur = cur.parent) {
    const iterable = loopOver(cur, wanted);
    if (iterable === undefined) continue;
    if (mentions(iterable.text)) return true;
    const inner = unwrap(iterable);
    wanted = inner.type === 'identifier' ? inner.text : undefined;
  }
  return false;
}

/** When `node` is a loop binding `name` (`for (const name of xs)`, `xs.forEach((name) => ..)`): what it iterates. */
function loopOver(node: SyntaxNode, name: string): SyntaxNode | undefined {
  const binds = (pattern: SyntaxNode | null | undefined): boolean => !!pattern && (pattern.text === name || mentionOf(name).test(pattern.text));
  if (node.type === 'for_in_statement' && binds(node.childForFieldName('left'))) return node.childForFieldName('right') ?? undefined;
  const call = node.parent?.type === 'arguments' ? node.parent.parent : null;
  const callee = call?.childForFieldName('function');
  if (call && callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'forEach' && same(node.parent!.namedChildren[0] ?? null, node)) {
    const params = node.childForFieldName('parameters') ?? node.childForFieldName('parameter');
    if (binds(params)) return callee.childForFieldName('object') ?? undefined;
  }
  return undefined;
}

/** A removal of this file meant for the handler, when the handler was stored in a collection. */
export function storedHandlerRemoval(receiver: SyntaxNode, handler: SyntaxNode | undefined, fn: SyntaxNode | null, removals: readonly Removal[], releases: readonly string[], index: NodeIndex, scope: FileScope): { api: string; line: number; field: string } | undefined {
  const h = handler ? unwrap(handler) : undefined;
  if (!fn || h?.type !== 'identifier') return undefined;
  const collection = storingCollection(fn, h.text, index, scope);
  if (!collection) return undefined;
  const target = receiver.text.replace(/\s+/g, '');
  const found = removals.find((r) => {
    if (r.method === undefined || r.method === 'removeAllListeners' || !releases.includes(r.method) || r.argumentCount < 2) return false;
    const arg = r.argumentNode(1)!;
    // Read out of the very collection it was stored in: the removal meant for it.
    if (readFrom(arg, collection)) return true;
    // On the same emitter, through some collection.
    return r.receiverText === target && /[.\]]/.test(r.argumentText(1));
  });
  return found ? { api: found.method!, line: line(found.site.node), field: collection.name } : undefined;
}
