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

/**
 * The `self` flag a gate method exchanges, when its value is whether this caller won the exchange:
 *   fn should_start(&self) -> bool { self.started.compare_exchange(false, true, ..).is_ok() }
 *   fn should_start(&self) -> bool { let res = self.watchdog.compare_exchange(prev, now, ..); res.is_ok() }
 *   fn should_start(&self) -> bool { !self.started.swap(true, ..) }
 */
export function exchangeGate(fnItem: SyntaxNode): { flag: string; line: number } | undefined {
  const body = fnItem.childForFieldName('body');
  if (!body || fnItem.childForFieldName('return_type')?.text !== 'bool') return undefined;
  const tail = body.namedChildren.filter((c) => c && !c.type.endsWith('comment')).at(-1);
  if (!tail || tail.type.endsWith('statement') || tail.type === 'let_declaration') return undefined;
  const text = tail.text.replace(/\s+/g, '');
  const direct = /^self\.(\w+)\.compare_exchange(?:_weak)?\(.*\)\.is_ok\(\)$/.exec(text)?.[1] ?? /^!self\.(\w+)\.swap\(true\b/.exec(text)?.[1];
  if (direct) return { flag: `self.${direct}`, line: line(tail) };
  const local = /^(\w+)\.is_ok\(\)$/.exec(text)?.[1];
  if (!local) return undefined;
  const bound = new RegExp(`\\blet${local}(?::[^=]+)?=self\\.(\\w+)\\.compare_exchange(?:_weak)?\\(`).exec(body.text.replace(/\s+/g, ''))?.[1];
  return bound ? { flag: `self.${bound}`, line: line(tail) } : undefined;
}

/** `if tm.should_start() { .. }` around `at`: the argument-less call its `if` tests, and the `if`'s line. */
export function gatingCall(at: SyntaxNode, fnItem: SyntaxNode | null): { callee: string; line: number } | undefined {
  for (let up = at.parent; up && up.id !== fnItem?.id; up = up.parent) {
    if (up.type !== 'if_expression') continue;
    const consequence = up.childForFieldName('consequence');
    if (!consequence || !within(at, consequence)) continue;
    const callee = /^(?:[\w.]+\.)?(\w+)\(\)$/.exec((up.childForFieldName('condition')?.text ?? '').replace(/\s+/g, ''))?.[1];
    if (callee) return { callee, line: line(up) };
  }
  return undefined;
}

/** The lazily initialised statics of std and once_cell: their initialiser runs on first use, once per process. */
const LAZY_TYPES = /^(LazyLock|LazyCell|Lazy)$/;
/** Once-cells' run-once methods (`OnceLock::get_or_init`, `OnceCell::get_or_try_init`, `Once::call_once`). */
const CELL_METHODS = /^(get_or_init|get_or_try_init|get_or_init_async|call_once|call_once_force)$/;

/** Names of the `static` items a file declares (at any depth: a function-local `static` is one too). */
export function staticNames(source: string): Set<string> {
  const out = new Set<string>();
  if (!source.includes('static')) return out;
  for (const m of source.matchAll(/\bstatic\s+(?:ref\s+)?(?:mut\s+)?([A-Za-z_]\w*)\s*:/g)) out.add(m[1]!);
  return out;
}

/**
 * The static whose one-time initialiser `at` runs in: once per process, however often
 * the code around it runs.
 *   static X: LazyLock<T> = LazyLock::new(|| ..);       (also once_cell's `Lazy::new`)
 *   static CELL: OnceLock<T> = ..;  CELL.get_or_init(|| ..)   (OnceCell, get_or_try_init, Once::call_once)
 */
export function staticOnceGuard(at: SyntaxNode, statics: ReadonlySet<string>): { flag: string; line: number } | undefined {
  if (statics.size === 0) return undefined;
  for (let up = at.parent; up; up = up.parent) {
    if (up.type === 'closure_expression' && up.parent?.type === 'arguments') {
      const call = up.parent.parent;
      const callee = call?.childForFieldName('function');
      if (!call || !callee) continue;
      if (callee.type === 'field_expression' && CELL_METHODS.test(callee.childForFieldName('field')?.text ?? '')) {
        const cell = callee.childForFieldName('value')?.text.replace(/\s+/g, '') ?? '';
        const name = /^(?:[\w]+::)*(\w+)$/.exec(cell)?.[1];
        if (name && statics.has(name)) return { flag: name, line: line(call) };
        continue;
      }
      const path = callee.text.replace(/\s+/g, '').replace(/::<.*>(?=::)/g, '').split('::');
      if (path.length >= 2 && path[path.length - 1] === 'new' && LAZY_TYPES.test(path[path.length - 2]!.replace(/<.*$/, ''))) {
        // The lazy value is the initialiser of a static item (not a `let` or a field: those run per use).
        let holder: SyntaxNode | null = call.parent;
        while (holder && (holder.type === 'parenthesized_expression' || holder.type === 'type_cast_expression')) holder = holder.parent;
        if (holder?.type === 'static_item') {
          const name = holder.childForFieldName('name')?.text;
          if (name) return { flag: name, line: line(holder) };
        }
      }
    }
    if (up.type === 'static_item') return undefined;
  }
  return undefined;
}
