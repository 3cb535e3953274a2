// Where a handle goes when the call site itself does not keep it: handed to the caller's own
// callback (a pool adapter's `getConnection(cb)`), resolved as the value of a promise by the
// callback it runs (`resolve(this)` in `listen`'s callback), or released by a handler for the
// owner's own end that the same function registers (`this.once('close', () => this.x.close())`).
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, line, walk } from '../shared/tree.js';
import { FUNCTION_TYPES, bodyOf, positionalParameters } from './functions.js';
import { memberPath, unwrap } from './qualify.js';
import { thisPath } from './scope.js';
import { selfEndHandlers } from './prototype-owners.js';
import type { FateContext } from './handles.js';

/**
 * The call's last argument is a parameter of a function around it (`cb`, `cb as Callback`): a
 * callback the caller handed in. Its name, or undefined.
 */
export function callerCallback(call: SyntaxNode): string | undefined {
  const args = call.childForFieldName('arguments');
  const last = args ? kids(args).at(-1) : undefined;
  const value = last ? unwrap(last) : undefined;
  if (value?.type !== 'identifier') return undefined;
  for (let cur = call.parent; cur; cur = cur.parent) {
    if (FUNCTION_TYPES.has(cur.type) && positionalParameters(cur).includes(value.text)) return value.text;
  }
  return undefined;
}

/**
 * The `new Promise(..)` a call's callback resolves with the resource: the call is a statement of the
 * promise's executor, and its last argument, a `function` (whose `this` is the resource), calls the
 * executor's first parameter with `this`.
 */
export function promisedByCallback(call: SyntaxNode): SyntaxNode | undefined {
  const args = call.childForFieldName('arguments');
  const last = args ? kids(args).at(-1) : undefined;
  if (!last || (last.type !== 'function_expression' && last.type !== 'function') || call.parent?.type !== 'expression_statement') return undefined;
  let executor: SyntaxNode | null = call.parent;
  while (executor && !FUNCTION_TYPES.has(executor.type)) executor = executor.parent;
  const promise = executor?.parent?.type === 'arguments' ? executor.parent.parent : null;
  if (!executor || promise?.type !== 'new_expression' || promise.childForFieldName('constructor')?.text !== 'Promise') return undefined;
  const resolve = positionalParameters(executor)[0];
  const body = bodyOf(last);
  if (!resolve || !body) return undefined;
  let resolves = false;
  walk(body, (n) => {
    if (resolves || (FUNCTION_TYPES.has(n.type) && n.type !== 'arrow_function')) return false;
    if (n.type === 'call_expression' && n.childForFieldName('function')?.text === resolve) {
      const arg = n.childForFieldName('arguments');
      const first = arg ? kids(arg)[0] : undefined;
      resolves = !!first && unwrap(first).type === 'this';
    }
    return !resolves;
  });
  return resolves ? promise : undefined;
}

/** A handler `fn` registers on its own object for its end that calls a release on `this.<field>`: its event and line. */
export function selfEndRelease(fn: SyntaxNode, field: string, ctx: FateContext): { event: string; line: number } | undefined {
  for (const handler of selfEndHandlers(fn)) {
    let released = false;
    walk(handler.fn, (n) => {
      if (released) return false;
      if (n.type !== 'call_expression') return true;
      const path = thisPath(memberPath(n.childForFieldName('function') ?? n), ctx.scope);
      released = path?.length === 3 && path[0] === 'this' && path[1]?.replace(/^#/, '') === field && ctx.model.releases.includes(path[2]!);
      return !released;
    });
    if (released) return { event: handler.name.replace(/^on\('|'\)$/g, ''), line: line(handler.fn) };
  }
  return undefined;
}

