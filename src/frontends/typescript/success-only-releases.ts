// Releases reached only on the success path: a call that can throw between the acquisition and its
// release, outside a try that releases on failure (split from handles.ts, which follows where the handle goes).
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, line, shortText, walk, same } from '../shared/tree.js';
import { FUNCTION_TYPES, isInlineCallback } from './functions.js';
import { memberPath, unwrap } from './qualify.js';

/** Methods on the handle that cannot fail in a way that strands it (or that only make it usable). */
const HARMLESS = /^(connect|on|once|off|addListener|removeListener|setMaxListeners|unref|ref|release|close|end|destroy)$/;

/**
 * A release reached only on the success path: the first call between the
 * acquisition and the last release that can throw, outside any try whose
 * catch or finally releases (or swallows the error).
 */
export function successOnlyRisk(
  from: SyntaxNode,
  releaseUses: SyntaxNode[],
  scopeNode: SyntaxNode,
  name: string,
  releaseApis: readonly string[],
  /** In async code errors come from awaits; a plain method call on the handle (`browser.version()`) is then not counted. */
  asyncCode: boolean,
): { call: string; line: number } | undefined {
  const releaseCalls: SyntaxNode[] = [];
  for (const use of releaseUses) {
    let call: SyntaxNode | null = use;
    while (call && call.type !== 'call_expression') call = call.parent;
    if (!call) return undefined;
    // A release inside a callback (`req.on('close', () => c.end())`, `.finally(() => c.end())`) runs on failure too.
    for (let cur = call.parent; cur && !same(cur, scopeNode); cur = cur.parent) if (FUNCTION_TYPES.has(cur.type)) return undefined;
    releaseCalls.push(call);
  }
  if (releaseCalls.length === 0) return undefined;
  const last = releaseCalls.reduce((a, b) => (b.startIndex > a.startIndex ? b : a));
  const isRelease = (n: SyntaxNode): boolean => releaseCalls.some((r) => same(r, n));
  const containsRelease = (n: SyntaxNode): boolean => releaseCalls.some((r) => r.startIndex >= n.startIndex && r.endIndex <= n.endIndex);
  let risk: { call: string; line: number } | undefined;
  walk(scopeNode, (node) => {
    if (risk) return false;
    if (node.endIndex <= from.endIndex || node.startIndex >= last.startIndex) return false;
    if (!same(node, scopeNode) && FUNCTION_TYPES.has(node.type) && !isInlineCallback(node)) return false;
    if (node.startIndex < from.endIndex) return true;
    let candidate: SyntaxNode | undefined;
    if (node.type === 'await_expression' && !containsRelease(node)) candidate = kids(node)[0];
    else if (!asyncCode && node.type === 'call_expression' && !isRelease(node)) {
      const callee = node.childForFieldName('function');
      const path = callee ? memberPath(callee) : undefined;
      if (path && path[0] === name && path.length === 2 && !HARMLESS.test(path[1]!) && !releaseApis.includes(path[1]!)) candidate = node;
    }
    if (!candidate) return true;
    const target = unwrap(candidate);
    if (target.type === 'call_expression') {
      const callee = target.childForFieldName('function');
      const path = callee ? memberPath(callee) : undefined;
      if (path && path[0] === name && HARMLESS.test(path.at(-1) ?? '')) return true;
    }
    if (!protectedByTry(node, scopeNode, containsRelease)) risk = { call: shortText(target, 60), line: line(node) };
    return !risk;
  });
  return risk;
}

/** Inside a try block whose finally releases, or whose catch releases or swallows the error. */
function protectedByTry(node: SyntaxNode, scopeNode: SyntaxNode, containsRelease: (n: SyntaxNode) => boolean): boolean {
  for (let cur: SyntaxNode | null = node; cur && cur.parent && !same(cur, scopeNode); cur = cur.parent) {
    const parent: SyntaxNode = cur.parent;
    if (parent.type !== 'try_statement') continue;
    const inBody = same(parent.childForFieldName('body'), cur);
    const handler = parent.childForFieldName('handler');
    if (!inBody && !same(handler, cur)) continue;
    const finalizer = parent.childForFieldName('finalizer');
    if (finalizer && containsRelease(finalizer)) return true;
    if (!inBody) continue;
    if (handler) {
      if (containsRelease(handler)) return true;
      let leaves = false;
      walk(handler, (n) => {
        if (n.type === 'throw_statement' || n.type === 'return_statement') leaves = true;
        return !leaves && !FUNCTION_TYPES.has(n.type);
      });
      if (!leaves) return true;
    }
  }
  return false;
}
