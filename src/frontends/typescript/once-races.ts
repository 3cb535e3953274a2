// One-shot listeners that race each other: `conn.once('connect', ..)` beside
// `conn.once('error', ..)` in the same function. Exactly one of the two events
// ends the operation; the other listener stays registered on the emitter until
// its event comes (an `error` that may never come), once per call. Only a
// removal of the loser (each handler removing the other, `removeAllListeners`)
// makes the pair clean; `findRemoval` decides that before this is asked.
import type { SyntaxNode } from '../../parse/syntax.js';
import { bodyOf, onceOption } from './functions.js';
import { stringValue } from './scope.js';
import type { NodeIndex } from './node-index.js';
import { kids } from '../shared/tree.js';

/** Methods that add a listener removed after its first event. */
const ONCE_METHODS = /^(once|prependOnceListener)$/;
/** Methods that add a listener, for `{ once: true }` registrations. */
const ADD_METHODS = /^(addEventListener|on|addListener)$/;

/** `a?.b` and `a.b` are the same receiver; whitespace never matters. */
function normalised(node: SyntaxNode): string {
  return node.text.replace(/\s+/g, '').replace(/\?\./g, '.').replace(/!/g, '');
}

/** The event of a one-shot registration `call` (literal), or undefined when `call` is not one. */
function oneShotEvent(call: SyntaxNode): { receiver: string; event: string } | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'member_expression') return undefined;
  const method = callee.childForFieldName('property')?.text ?? '';
  const args = call.childForFieldName('arguments');
  const list = args ? kids(args) : [];
  if (!ONCE_METHODS.test(method) && !(ADD_METHODS.test(method) && onceOption(list[2]))) return undefined;
  const object = callee.childForFieldName('object');
  const event = stringValue(list[0]);
  if (!object || event === undefined) return undefined;
  return { receiver: normalised(object), event };
}

/**
 * The event another one-shot listener on the same emitter (any of `aliases`) waits for, in the
 * same function as `call`, when it differs from `call`'s own: the two race, and one of them loses.
 */
export function racingOnce(call: SyntaxNode, aliases: ReadonlySet<string>, fn: SyntaxNode | null, index: NodeIndex): string | undefined {
  const own = oneShotEvent(call);
  const body = fn ? bodyOf(fn) : null;
  if (!own || !body) return undefined;
  let other: string | undefined;
  index.walk(body, ['call_expression'], (n) => {
    if (n.id === call.id) return true;
    const reg = oneShotEvent(n);
    if (reg && reg.event !== own.event && aliases.has(reg.receiver) && sameBlock(n, call)) other = reg.event;
    return other === undefined ? true : 'stop';
  });
  return other;
}

/**
 * Both registrations are statements of one block: they are made together, as alternatives.
 * One under `if (cb)` and another under a nested `if` are sequential steps, not a race.
 */
function sameBlock(a: SyntaxNode, b: SyntaxNode): boolean {
  const blockOf = (n: SyntaxNode): SyntaxNode | null => (n.parent?.type === 'expression_statement' ? n.parent.parent : null);
  const x = blockOf(a);
  const y = blockOf(b);
  return !!x && !!y && x.id === y.id;
}
