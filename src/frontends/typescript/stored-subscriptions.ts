// A subscription object kept in a field of its owner and removed through it: React Native's
// `this.sub = Keyboard.addListener('keyboardDidShow', f)` (also `AppState`, `BackHandler`, `Linking`,
// `Dimensions` ..: any add that returns an EmitterSubscription) with `this.sub.remove()` in
// `componentWillUnmount`. The release is a method of the stored result (`resultReleases` of the model),
// not of the emitter, so the owner's teardown pairing by emitter releases does not see it.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { HandleFate } from '../../facts/types.js';
import { kids, line } from '../shared/tree.js';
import { CLASS_TYPES } from './functions.js';
import type { NodeIndex } from './node-index.js';

/** `this.sub.remove()` / `this.sub?.remove()` in the class that keeps the call's result in `this.sub`. */
export function removedThroughField(call: SyntaxNode, fate: HandleFate, resultReleases: readonly string[], index: NodeIndex): { local: string; api: string; line: number } | undefined {
  if (fate.kind !== 'field' || resultReleases.length === 0 || !storedInThis(call, fate.field)) return undefined;
  let cls: SyntaxNode | null = call.parent;
  while (cls && !CLASS_TYPES.has(cls.type)) cls = cls.parent;
  if (!cls) return undefined;
  const holder = `this.${fate.field}`;
  let found: { local: string; api: string; line: number } | undefined;
  index.walk(cls, ['call_expression'], (n) => {
    const callee = n.childForFieldName('function');
    if (callee?.type !== 'member_expression') return;
    const api = callee.childForFieldName('property')?.text ?? '';
    if (!resultReleases.includes(api)) return;
    const args = n.childForFieldName('arguments');
    if (args && kids(args).length > 0) return;
    const object = callee.childForFieldName('object')?.text.replace(/\s+/g, '').replace(/[?!]$/, '');
    if (object !== holder) return;
    found = { local: holder, api, line: line(n) };
    return 'stop';
  });
  return found;
}

/** The call's result itself is assigned to `this.<field>` (not a handler kept in a field). */
function storedInThis(call: SyntaxNode, field: string): boolean {
  let expr = call;
  while (expr.parent && (expr.parent.type === 'parenthesized_expression' || expr.parent.type === 'as_expression' || expr.parent.type === 'non_null_expression')) expr = expr.parent;
  const parent = expr.parent;
  if (parent?.type !== 'assignment_expression' || parent.childForFieldName('right')?.id !== expr.id) return false;
  return parent.childForFieldName('left')?.text.replace(/\s+/g, '') === `this.${field}`;
}
