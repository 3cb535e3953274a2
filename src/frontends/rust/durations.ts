// Durations written in Rust: `Duration::from_secs(10)`, a named const, arithmetic.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { normalisePath } from './imports.js';
import type { NodeIndex } from './node-index.js';

/**
 * `const HEARTBEAT: Duration = Duration::from_secs(10);` and `let d = Duration::from_secs(10)`
 * anywhere in the file, in tree order; nothing inside a const or static is looked at.
 */
export function collectDurationConsts(index: NodeIndex): Map<string, number> {
  const out = new Map<string, number>();
  let insideConstUntil = -1;
  for (let i = 0; i < index.nodes.length; i++) {
    const type = index.types[i];
    if (type !== 'const_item' && type !== 'static_item' && type !== 'let_declaration') continue;
    const node = index.nodes[i]!;
    if (node.startIndex < insideConstUntil) continue;
    if (type === 'const_item' || type === 'static_item') {
      insideConstUntil = node.endIndex;
      const name = node.childForFieldName('name')?.text;
      const value = node.childForFieldName('value');
      if (name && value) {
        const ms = durationMs(value, out);
        if (ms !== undefined) out.set(name, ms);
        else {
          const n = numberOf(value, out);
          if (n !== undefined) out.set(`#${name}`, n);
        }
      }
      continue;
    }
    const pattern = node.childForFieldName('pattern');
    const value = node.childForFieldName('value');
    if (pattern?.type === 'identifier' && value) {
      const ms = durationMs(value, out);
      if (ms !== undefined && !out.has(pattern.text)) out.set(pattern.text, ms);
    }
  }
  return out;
}

const UNIT_MS: Record<string, number> = {
  from_secs: 1000,
  from_secs_f64: 1000,
  from_secs_f32: 1000,
  from_millis: 1,
  from_micros: 0.001,
  from_nanos: 0.000001,
  from_mins: 60_000,
  from_hours: 3_600_000,
};

/** Milliseconds of `Duration::from_secs(10)`, `tokio::time::Duration::from_millis(500)`, a named const, or `N * K`. */
export function durationMs(expr: SyntaxNode, consts: ReadonlyMap<string, number>): number | undefined {
  if (expr.type === 'identifier' || expr.type === 'scoped_identifier') return consts.get(expr.text.split('::').pop()!);
  if (expr.type === 'reference_expression') {
    const inner = expr.childForFieldName('value');
    return inner ? durationMs(inner, consts) : undefined;
  }
  if (expr.type !== 'call_expression') return undefined;
  const fn = expr.childForFieldName('function');
  const unit = fn ? UNIT_MS[normalisePath(fn.text).split('::').pop()!] : undefined;
  if (unit === undefined) return undefined;
  const args = expr.childForFieldName('arguments');
  const arg = args ? kids(args)[0] : undefined;
  const n = arg ? numberOf(arg, consts) : undefined;
  return n === undefined ? undefined : n * unit;
}

function numberOf(node: SyntaxNode, consts: ReadonlyMap<string, number>): number | undefined {
  if (node.type === 'integer_literal' || node.type === 'float_literal') {
    const n = Number(node.text.replace(/_/g, '').replace(/(u|i)(8|16|32|64|128|size)$|f(32|64)$/, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  if (node.type === 'identifier' || node.type === 'scoped_identifier') return consts.get(`#${node.text.split('::').pop()}`);
  if (node.type === 'binary_expression') {
    const l = node.childForFieldName('left');
    const r = node.childForFieldName('right');
    const op = node.childForFieldName('operator')?.text ?? node.children.find((c) => c && !c.isNamed)?.text;
    const a = l ? numberOf(l, consts) : undefined;
    const b = r ? numberOf(r, consts) : undefined;
    if (a === undefined || b === undefined) return undefined;
    if (op === '*') return a * b;
    if (op === '+') return a + b;
    return undefined;
  }
  if (node.type === 'parenthesized_expression') {
    const inner = kids(node)[0];
    return inner ? numberOf(inner, consts) : undefined;
  }
  return undefined;
}
