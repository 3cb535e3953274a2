// Method chains around an acquisition: `Client::new().get(url).send().await?`, builders finished later.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, same } from '../shared/tree.js';

/** The calls that turn a builder into what it builds. */
const FINISHERS = /^(build|connect|connect_lazy|connect_with|connect_lazy_with|open|finish|spawn|start)$/;

/** Does a finisher follow `call` in its method chain (`.min_connections(0).connect(url).await?`)? */
export function finishedLater(call: SyntaxNode): boolean {
  let node = call;
  for (let i = 0; i < 24; i++) {
    const up = node.parent;
    if (!up) return false;
    if (up.type === 'await_expression' || up.type === 'try_expression') {
      node = up;
      continue;
    }
    if (up.type !== 'field_expression' || !same(up.childForFieldName('value'), node) || up.parent?.type !== 'call_expression') return false;
    if (FINISHERS.test(up.childForFieldName('field')?.text ?? '')) return true;
    node = up.parent;
  }
  return false;
}

/** Is this access the callee of a call (`x.get(..)`, `x.json::<T>()`), not a field read? */
export function isMethodCall(access: SyntaxNode): boolean {
  const up = access.parent;
  if (up?.type === 'generic_function') return up.parent?.type === 'call_expression';
  return up?.type === 'call_expression';
}

/**
 * One step up a method chain from `node`: the call it is the callee of (also through a turbofish,
 * `.json::<Price>()`), its `.await` or `?`, or a method access on it. Undefined where the chain ends.
 */
function chainStep(node: SyntaxNode): SyntaxNode | undefined {
  const up = node.parent;
  if (!up) return undefined;
  if (up.type === 'await_expression' || up.type === 'try_expression') return up;
  if (up.type === 'call_expression' && same(up.childForFieldName('function'), node)) return up;
  if (up.type === 'generic_function' && same(up.childForFieldName('function'), node)) return up;
  if (up.type === 'field_expression' && same(up.childForFieldName('value'), node)) return up;
  return undefined;
}

/** The outermost expression of the call chain that starts at this method access. */
function chainTop(access: SyntaxNode): SyntaxNode {
  let node = access;
  for (let i = 0; i < 24; i++) {
    const up = chainStep(node);
    if (!up) break;
    node = up;
  }
  return node;
}

/**
 * Does the call chain starting at this method access end as the value of a `let`, or as what the
 * function returns (`return Client::new().get(url).send().await`, a body's tail, through `Ok(..)`)?
 * Either way only the chain's result is kept.
 */
export function boundChain(access: SyntaxNode): boolean {
  let top = chainTop(access);
  if (same(top, access)) return false;
  for (let i = 0; i < 4; i++) {
    const up = top.parent;
    if (!up) return false;
    if (up.type === 'let_declaration') return same(up.childForFieldName('value'), top);
    if (up.type === 'return_expression') return true;
    if (up.type === 'block') return up.parent?.type === 'function_item' && same(kids(up).filter((k) => !k.type.endsWith('comment')).at(-1), top);
    // `Ok(client.get(url).send().await?)`: a wrapper of the result.
    const call = up.parent;
    if (up.type === 'arguments' && call?.type === 'call_expression' && /^(Ok|Some)$/.test(call.childForFieldName('function')?.text ?? '')) {
      top = call;
      continue;
    }
    return false;
  }
  return false;
}

/** Does the call chain starting at this method access end in a statement that drops its result? */
export function temporaryOfStatement(access: SyntaxNode, orLet: boolean): boolean {
  // A field read (`child.stdout`) moves a part out; only a method call makes the value a receiver.
  if (!isMethodCall(access)) return false;
  const up = chainTop(access).parent;
  return up?.type === 'expression_statement' || (orLet && up?.type === 'let_declaration');
}
