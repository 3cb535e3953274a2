// Release calls in Go: `s.ticker.Stop()`, `s.cancel()`, `signal.Stop(s.sigs)`,
// `resp.Body.Close()`, and what they release (a field of an owner, a package
// variable, a local).
import type { Release } from '../../facts/types.js';
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, siteOf } from '../shared/tree.js';
import type { GoFile } from './file-context.js';
import { namedFunction, receiverNameOf, receiverTypeOf } from './functions.js';
import { rangeBoundField, receiverFieldOfLocal } from './scope.js';

/** A release call: `s.ticker.Stop()`, `s.cancel()`, `signal.Stop(s.sigs)`, `ticker.Stop()` on a package variable. */
export function releaseOf(file: GoFile, node: SyntaxNode, fnNode: SyntaxNode, q: string | undefined): Release | undefined {
  const { matcher, scopes, packageVars, pkg } = file;
  let api: string | undefined;
  let targetNode: SyntaxNode | null | undefined;
  if (q && matcher.isRelease(q)) {
    api = q;
    targetNode = kids(node.childForFieldName('arguments')!)[0];
  } else if (fnNode.type === 'identifier' && !q && matcher.isRelease('()')) {
    // `cancel()`: a local, which counts only as a copy of a receiver's function field (below).
    api = '()';
    targetNode = fnNode;
  } else if (fnNode.type === 'selector_expression' && !q) {
    const method = fnNode.childForFieldName('field')?.text ?? '';
    if (matcher.isRelease(method)) {
      api = method;
      targetNode = fnNode.childForFieldName('operand');
    } else if (matcher.isRelease('()')) {
      // `s.cancel()`: calling a function kept in a field.
      api = '()';
      targetNode = fnNode;
    }
  }
  if (!api || !targetNode) return undefined;
  const method = namedFunction(node);
  const rName = method?.type === 'method_declaration' ? receiverNameOf(method) : undefined;
  // Most method calls are no call of a function field: only one on the receiver, or of a field the
  // file's structs declare with a function type (`cancel context.CancelFunc`), can be.
  // `cancel, done := c.runCancel, c.runDone; .. cancel()`: the local is that field.
  const copied = api === '()' && targetNode.type === 'identifier' && method ? receiverFieldOfLocal(targetNode.text, node, rName, method) : undefined;
  if (api === '()' && targetNode.type === 'identifier') {
    if (!copied || !file.funcFields().has(copied)) return undefined;
  } else if (api === '()') {
    const operand = targetNode.childForFieldName('operand');
    if (operand?.type !== 'identifier' || !method) return undefined;
    // `defer w.cancelCtx()` on a local of a project struct the code names (`w := &wantConn{..}`,
    // `go func(w *wantConn) {..}`) that another file of the package declares: which of its names
    // are fields is not seen here, and a release of one that is a method matches no handle.
    const elsewhere = (t: string | undefined): boolean => t !== undefined && !file.structTypes().has(t);
    if (operand.text !== rName && !file.funcFields().has(targetNode.childForFieldName('field')?.text ?? '') && !elsewhere(typedLocal(operand.text))) return undefined;
  }
  function typedLocal(name: string): string | undefined {
    // A parameter of the function literal around the call binds the name closer than the method's locals.
    return parameterTypeOf(name, node) ?? (method ? scopes.localTypeOf(name, method, node) : undefined);
  }
  const enclosing = file.enclosingOf(node);
  let ownerType = enclosing.ownerType;
  let target: Release['target'] | undefined;
  if (targetNode.type === 'selector_expression') {
    const operand = targetNode.childForFieldName('operand');
    const field = targetNode.childForFieldName('field')?.text;
    if (operand?.type === 'identifier' && field) {
      const typed = operand.text === rName ? (method ? receiverTypeOf(method) : undefined) : typedLocal(operand.text);
      if (typed) {
        ownerType = typed;
        target = { kind: 'field', field };
      }
    }
    if (api === '()' && !target) return undefined;
  } else if (targetNode.type === 'identifier') {
    const fromField = copied ?? (method ? rangeBoundField(targetNode.text, node, rName) : undefined);
    if (fromField) target = { kind: 'field', field: fromField };
    else if (packageVars.has(targetNode.text) && !scopes.boundBefore(targetNode.text, node)) {
      ownerType = pkg;
      target = { kind: 'field', field: targetNode.text };
    } else target = { kind: 'local', name: targetNode.text };
  }
  target ??= { kind: 'other', text: targetNode.text.slice(0, 60) };
  return { api, target, site: siteOf(node), fn: { name: enclosing.name, ...(ownerType ? { ownerType } : {}) } };
}

/**
 * The project struct a parameter of a function around `at` holds, as declared (`w *wantConn`,
 * `s Server`); the innermost function binding the name decides. Library types (`*http.Server`) are not the project's.
 */
function parameterTypeOf(name: string, at: SyntaxNode): string | undefined {
  for (let cur = at.parent; cur; cur = cur.parent) {
    if (cur.type !== 'func_literal' && cur.type !== 'function_declaration' && cur.type !== 'method_declaration') continue;
    const params = cur.childForFieldName('parameters');
    for (const p of params ? kids(params) : []) {
      if (p.type !== 'parameter_declaration' || !kids(p).some((k) => k.type === 'identifier' && k.text === name)) continue;
      const type = p.childForFieldName('type')?.text.replace(/^\*/, '');
      return type && /^[A-Za-z_]\w*$/.test(type) ? type : undefined;
    }
    if (cur.type !== 'func_literal') return undefined;
  }
  return undefined;
}
