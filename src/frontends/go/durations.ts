// Go durations: `5 * time.Second`, `time.Duration(n) * time.Millisecond`, a
// named constant. Only what the file itself says; anything else is unknown.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';

const UNIT_MS: Record<string, number> = {
  Nanosecond: 0.000001,
  Microsecond: 0.001,
  Millisecond: 1,
  Second: 1000,
  Minute: 60_000,
  Hour: 3_600_000,
};

/** Names of `const`/`var`/`:=` durations and plain numbers in the file: `name` -> ms, `#name` -> number. */
export function collectDurations(root: SyntaxNode, timeName: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const spec of root.descendantsOfType(['const_spec', 'var_spec', 'short_var_declaration'])) {
    if (!spec) continue;
    const names = spec.type === 'short_var_declaration' ? kids(spec.childForFieldName('left')!) : kids(spec).filter((k) => k.type === 'identifier');
    const valueList = spec.childForFieldName(spec.type === 'short_var_declaration' ? 'right' : 'value');
    const values = valueList ? kids(valueList) : [];
    if (names.length !== values.length) continue;
    names.forEach((name, i) => {
      if (name.type !== 'identifier' || out.has(name.text)) return;
      const ms = durationMs(values[i]!, out, timeName);
      if (ms !== undefined) out.set(name.text, ms);
      else {
        const n = numberOf(values[i]!, out);
        if (n !== undefined) out.set(`#${name.text}`, n);
      }
    });
  }
  return out;
}

/** Milliseconds of a duration expression, when the file says. `timeName`: what the file calls package time. */
export function durationMs(expr: SyntaxNode, consts: ReadonlyMap<string, number>, timeName: string | undefined): number | undefined {
  switch (expr.type) {
    case 'identifier':
      return consts.get(expr.text);
    case 'parenthesized_expression': {
      const inner = kids(expr)[0];
      return inner ? durationMs(inner, consts, timeName) : undefined;
    }
    case 'selector_expression': {
      if (expr.childForFieldName('operand')?.text !== timeName) return undefined;
      return UNIT_MS[expr.childForFieldName('field')?.text ?? ''];
    }
    case 'call_expression': {
      // `time.Duration(n)`: a count of nanoseconds unless multiplied by a unit.
      if (expr.childForFieldName('function')?.text !== `${timeName}.Duration`) return undefined;
      const arg = kids(expr.childForFieldName('arguments')!)[0];
      const n = arg ? numberOf(arg, consts) : undefined;
      return n === undefined ? undefined : n / 1_000_000;
    }
    case 'binary_expression': {
      const l = expr.childForFieldName('left');
      const r = expr.childForFieldName('right');
      const op = expr.childForFieldName('operator')?.text;
      if (!l || !r) return undefined;
      const unitL = durationMs(l, consts, timeName);
      const unitR = durationMs(r, consts, timeName);
      if (op === '*') {
        const nL = numberOf(l, consts) ?? countOf(l, consts, timeName);
        const nR = numberOf(r, consts) ?? countOf(r, consts, timeName);
        if (unitR !== undefined && nL !== undefined) return nL * unitR;
        if (unitL !== undefined && nR !== undefined) return unitL * nR;
        return undefined;
      }
      if (op === '+' && unitL !== undefined && unitR !== undefined) return unitL + unitR;
      if (op === '/' && unitL !== undefined) {
        const n = numberOf(r, consts);
        return n ? unitL / n : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** `time.Duration(5)` used as a count: 5. */
function countOf(expr: SyntaxNode, consts: ReadonlyMap<string, number>, timeName: string | undefined): number | undefined {
  if (expr.type !== 'call_expression' || expr.childForFieldName('function')?.text !== `${timeName}.Duration`) return undefined;
  const arg = kids(expr.childForFieldName('arguments')!)[0];
  return arg ? numberOf(arg, consts) : undefined;
}

function numberOf(expr: SyntaxNode, consts: ReadonlyMap<string, number>): number | undefined {
  if (expr.type === 'int_literal' || expr.type === 'float_literal') {
    const n = Number(expr.text.replace(/_/g, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  if (expr.type === 'identifier') return consts.get(`#${expr.text}`);
  if (expr.type === 'parenthesized_expression') {
    const inner = kids(expr)[0];
    return inner ? numberOf(inner, consts) : undefined;
  }
  return undefined;
}
