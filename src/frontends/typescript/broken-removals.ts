// Removals that cannot remove the listener they are written for: the same emitter and handler
// but another event (`on('close', h)` .. `removeListener('exit', h)`), or the same event with a
// function made on the spot (`off('input', this.onChange.bind(this))`, an inline arrow): a fresh
// function was never added, so the call removes nothing and the listener stays.
import type { SyntaxNode } from '../../parse/syntax.js';
import { FUNCTION_TYPES } from './functions.js';
import { memberPath, unwrap } from './qualify.js';
import { line } from '../shared/tree.js';
import { thisPath, type FileScope } from './scope.js';
import type { Removal } from './listeners.js';

export interface BrokenRemoval {
  line: number;
  /** Why it removes nothing, in words. */
  how: string;
}

/** `self.process`, `that.process` and `this.process` are one receiver: the root alias of `this` becomes `this`. */
function canonical(node: SyntaxNode | undefined, scope: FileScope): string | undefined {
  if (!node) return undefined;
  const path = thisPath(memberPath(unwrap(node)), scope);
  return path ? path.join('.') : node.text.replace(/\s+/g, '');
}

/** A function made by the expression itself: it cannot be one added before. */
export function isFreshFunction(node: SyntaxNode | undefined): boolean {
  if (!node) return false;
  const n = unwrap(node);
  if (FUNCTION_TYPES.has(n.type)) return true;
  return n.type === 'call_expression' && /\.bind$/.test(n.childForFieldName('function')?.text ?? '');
}

/** The text a handler is compared by: `.bind(x)` dropped, so a fresh bind names the method it binds. */
function handlerName(node: SyntaxNode | undefined, scope: FileScope): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'call_expression' && /\.bind$/.test(n.childForFieldName('function')?.text ?? '')) return canonical(n.childForFieldName('function')!.childForFieldName('object') ?? undefined, scope);
  if (FUNCTION_TYPES.has(n.type)) return undefined;
  return canonical(n, scope);
}

/** The removals of this file aimed at this listener that cannot remove it. */
export function brokenRemovals(receiver: SyntaxNode, event: string | undefined, handler: SyntaxNode | undefined, removals: readonly Removal[], releases: readonly string[], scope: FileScope): BrokenRemoval[] {
  const target = canonical(receiver, scope);
  const name = handlerName(handler, scope);
  if (!target || event === undefined || !name) return [];
  const out: BrokenRemoval[] = [];
  for (const r of removals) {
    const method = r.method;
    if (method === undefined || method === 'removeAllListeners' || !releases.includes(method) || r.argumentCount < 2) continue;
    const receiverNode = r.site.callee?.childForFieldName('object');
    if (canonical(receiverNode ?? undefined, scope) !== target) continue;
    const removedEvent = r.argumentNode(0);
    const removedHandler = r.argumentNode(1);
    if (handlerName(removedHandler, scope) !== name) continue;
    const text = removedEvent && /^['"`]/.test(removedEvent.text) ? removedEvent.text.slice(1, -1) : undefined;
    if (text !== undefined && text !== event) {
      out.push({ line: line(r.site.node), how: `\`${method}('${text}', ..)\` at line ${line(r.site.node)} names another event: the listener was added for \`${event}\`, so it removes nothing` });
    } else if (text === event && isFreshFunction(removedHandler)) {
      out.push({ line: line(r.site.node), how: `\`${method}('${text}', ${removedHandler!.text.slice(0, 40)})\` at line ${line(r.site.node)} passes a function made on the spot, never added: it removes nothing` });
    } else if (text === event && isFreshFunction(handler)) {
      out.push({ line: line(r.site.node), how: `the listener was added as a function made on the spot (\`${handler!.text.slice(0, 40)}\`), so \`${method}('${text}', ..)\` at line ${line(r.site.node)} cannot name it: it removes nothing` });
    }
  }
  return out;
}
