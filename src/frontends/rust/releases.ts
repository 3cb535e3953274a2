// Rust release facts: which handle a stop call (`abort()`, `close()`) releases, and which owner fields shrink.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { EnclosingFunction, FileFacts, Release } from '../../facts/types.js';
import { line, siteOf } from '../shared/tree.js';
import { selfField } from './handles.js';
import type { NodeIndex } from './node-index.js';
import { fieldBoundTo } from './spawn-site.js';

/** Methods that take entries out of a collection (or all of it). */
export const SHRINKS = /^(remove|remove_entry|swap_remove|shift_remove|retain|retain_mut|drain|drain_filter|extract_if|clear|pop|pop_front|pop_back|truncate|split_off|take|dedup)$/;

/** `self.tasks.remove(&id)`, `mem::take(&mut self.tasks)`: entries taken out of a field of the enclosing owner. */
export function recordShrink(facts: FileFacts, call: SyntaxNode, fnNode: SyntaxNode, method: string | undefined, enclosingOf: (node: SyntaxNode) => EnclosingFunction): void {
  let target: SyntaxNode | null | undefined;
  if (method !== undefined) target = fnNode.childForFieldName('value');
  else target = call.childForFieldName('arguments')?.namedChildren[0];
  const field = target ? /^(?:&\s*mut\s+)?self\s*\.\s*(\w+)/.exec(target.text)?.[1] : undefined;
  const owner = field ? enclosingOf(call).ownerType : undefined;
  if (field && owner) (facts.fieldShrinks ??= []).push({ ownerType: owner, field, line: line(call), how: method ? `.${method}()` : `${fnNode.text}()` });
}

export function releaseOf(call: SyntaxNode, fnNode: SyntaxNode, method: string, index: NodeIndex, enclosingOf: (node: SyntaxNode) => EnclosingFunction): Release {
  const receiver = fnNode.childForFieldName('value');
  const enclosing = enclosingOf(call);
  const fn = { name: enclosing.name, ...(enclosing.ownerType ? { ownerType: enclosing.ownerType } : {}) };
  let field = receiver ? selfField(receiver) : undefined;
  let path = receiver && field ? selfFieldPath(receiver.text) : undefined;
  if (!field && receiver?.type === 'identifier') {
    // `if let Some(h) = self.inner.pump.take() { h.abort() }`: the chain the local was taken from.
    const origin: { text?: string } = {};
    field = fieldBoundTo(receiver.text, call, index, origin);
    if (field && origin.text) path = selfFieldPath(origin.text);
  }
  // `entry.handle.abort()` with `entry` from `for entry in self.pending.values()`: a part of an element of that field.
  if (!field && receiver?.type === 'field_expression') {
    let root: SyntaxNode | null = receiver;
    while (root?.type === 'field_expression') root = root.childForFieldName('value');
    if (root?.type === 'identifier') field = fieldBoundTo(root.text, call, index);
  }
  if (!field) {
    // `self.task.take().map(|h| h.abort())`: the statement names the field.
    let stmt: SyntaxNode | null = call;
    while (stmt && stmt.type !== 'expression_statement' && stmt.type !== 'let_declaration' && stmt.type !== 'block') stmt = stmt.parent;
    const m = stmt ? /\bself\s*\.\s*(\w+)/.exec(stmt.text) : null;
    if (m && stmt && stmt.text.length < 400) {
      field = m[1];
      path = selfFieldPath(stmt.text.slice(m.index));
    }
  }
  const target: Release['target'] = field
    ? { kind: 'field', field, ...(path && path.length > 1 ? { path } : {}) }
    : receiver?.type === 'identifier'
      ? { kind: 'local', name: receiver.text }
      : { kind: 'other', text: receiver?.text.slice(0, 60) ?? '' };
  return { api: method, target, site: siteOf(call), fn };
}

/**
 * The fields written from `self` on: `self.inner.child` -> inner, child; accessors without
 * arguments in between (`self.inner.lock().unwrap().child`, `.as_mut()`, `.take()`) are stepped over.
 */
function selfFieldPath(text: string): string[] | undefined {
  const m = /^self\s*\.\s*([\w.\s()?]*)/.exec(text);
  if (!m) return undefined;
  const out: string[] = [];
  for (const segment of m[1]!.replace(/\s+/g, '').split('.')) {
    if (/^\w+$/.test(segment)) out.push(segment);
    // `self.inner().child`: a method, not a field, comes first: no chain of fields.
    else if (out.length === 0 || !/^\w+\(\)\??$/.test(segment)) break;
  }
  return out.length > 0 ? out : undefined;
}
