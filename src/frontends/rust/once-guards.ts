// A run-once guard kept in a field of the receiver: what it guards starts at
// most once per instance, however often the method runs.
//   if !self.running.load(Relaxed) { tokio::spawn(..); self.running.store(true, Relaxed) }
//   if !self.running.swap(true, SeqCst) { tokio::spawn(..) }
//   if self.running.compare_exchange(false, true, ..).is_ok() { .. }
//   self.started.call_once(|| { .. }); self.cell.get_or_init(|| ..)
import type { SyntaxNode } from '../../parse/syntax.js';
import { line } from '../shared/tree.js';

const ONCE_METHODS = /^(call_once|call_once_force|get_or_init|get_or_try_init|get_or_insert_with)$/;

function within(node: SyntaxNode, outer: SyntaxNode): boolean {
  return node.startIndex >= outer.startIndex && node.endIndex <= outer.endIndex;
}

/** The `self` field that guards `at` to run once per instance, and the guard's line. */
export function instanceOnceGuard(at: SyntaxNode, fnItem: SyntaxNode | null): { flag: string; line: number } | undefined {
  for (let up = at.parent; up && up.id !== fnItem?.id; up = up.parent) {
    if (up.type === 'if_expression') {
      const consequence = up.childForFieldName('consequence');
      if (!consequence || !within(at, consequence)) continue;
      const condition = (up.childForFieldName('condition')?.text ?? '').replace(/\s+/g, '');
      const tested = /^!self\.(\w+)\.load\(/.exec(condition)?.[1];
      if (tested && new RegExp(`self\\.${tested}\\.(store|swap)\\(\\s*true\\b`).test(consequence.text)) return { flag: `self.${tested}`, line: line(up) };
      const swapped = /^!self\.(\w+)\.swap\(true\b/.exec(condition)?.[1] ?? /^self\.(\w+)\.compare_exchange(?:_weak)?\(false,true\b.*\.is_ok\(\)$/.exec(condition)?.[1];
      if (swapped) return { flag: `self.${swapped}`, line: line(up) };
    } else if (up.type === 'closure_expression' && up.parent?.type === 'arguments') {
      const callee = up.parent.parent?.childForFieldName('function');
      if (callee?.type !== 'field_expression' || !ONCE_METHODS.test(callee.childForFieldName('field')?.text ?? '')) continue;
      const cell = callee.childForFieldName('value')?.text.replace(/\s+/g, '') ?? '';
      if (/^self\.\w+$/.test(cell)) return { flag: cell, line: line(up.parent.parent!) };
    }
  }
  return undefined;
}
