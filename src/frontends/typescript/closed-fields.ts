// Objects of classes no model knows, which their owner treats as resources itself: it
// closes the field that holds one (`this.runner.closeProcess()`, `this.subscriber.disconnect()`)
// somewhere. A method that stores a new one in that field (`this.runner = new Runner(..)`)
// without closing, or even reading, the one there leaves the earlier object running.
import type { SyntaxNode } from '../../parse/syntax.js';
import { line } from '../shared/tree.js';
import { escapeRegExp } from '../shared/regex.js';
import { bodyOf, CLASS_TYPES, FUNCTION_TYPES, functionName, runsOnceByName } from './functions.js';
import { memberPath, unwrap } from './qualify.js';
import { thisPath, type FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';

/**
 * Methods that end what an object holds open. Not `clear` (a Map), `abort` (an operation),
 * `unsubscribe`/`cancel`/`release` (a registration or a lease): storing a new one over those is not a leak of that kind.
 */
const CLOSERS = /^(close|dispose|destroy|stop|shutdown|shutDown|terminate|disconnect|quit|kill)([A-Z_$]|$)|^end$/;

export interface FieldCloser {
  /** The closing method called on the field (`closeProcess`). */
  api: string;
  site: SyntaxNode;
  /** The function that calls it. */
  fn: SyntaxNode | null;
}

/**
 * Fields of the class (or prototype owner) whose `functions` close them: `this.f.close()`,
 * `self.f.disconnect()`; the method must be named like a teardown (close, stop, kill, dispose ..).
 */
export function closedFields(roots: readonly SyntaxNode[], scope: FileScope, index: NodeIndex): Map<string, FieldCloser> {
  const out = new Map<string, FieldCloser>();
  for (const body of roots) {
    index.walk(body, ['call_expression'], (call) => {
      const callee = call.childForFieldName('function');
      const path = callee?.type === 'member_expression' ? thisPath(memberPath(callee), scope) : undefined;
      if (!path || path.length !== 3 || path[0] !== 'this') return true;
      const field = path[1]!.replace(/^#/, '');
      if (!out.has(field) && CLOSERS.test(path[2]!.replace(/^[_#]+/, ''))) out.set(field, { api: path[2]!, site: call, fn: enclosingFunction(call) });
      return true;
    });
  }
  return out;
}

function enclosingFunction(node: SyntaxNode): SyntaxNode | null {
  for (let cur = node.parent; cur; cur = cur.parent) if (FUNCTION_TYPES.has(cur.type)) return cur;
  return null;
}

/**
 * `this.f = new X(..)` (`call`, a `new` no model matched) outside a constructor, over a field the
 * owner closes elsewhere, in a function that neither reads nor tests `f` before (plain
 * assignments `this.f = ..` aside) and not under an `if` that tests it: the field it overwrites.
 */
export function overwrittenClosedField(call: SyntaxNode, fn: SyntaxNode | null, source: string, closed: ReadonlyMap<string, FieldCloser>, scope: FileScope): string | undefined {
  if (!fn || functionName(fn) === 'constructor') return undefined;
  // A helper closure of a set-up method (`listen() { const create = () => { this.f = new X() } .. }`) runs as rarely as it.
  for (let cur: SyntaxNode | null = fn; cur && !CLASS_TYPES.has(cur.type); cur = cur.parent) {
    if (FUNCTION_TYPES.has(cur.type) && (functionName(cur) === 'constructor' || runsOnceByName(functionName(cur)))) return undefined;
  }
  let expr = call;
  while (expr.parent && (expr.parent.type === 'parenthesized_expression' || expr.parent.type === 'as_expression' || expr.parent.type === 'non_null_expression')) expr = expr.parent;
  const assignment = expr.parent;
  if (assignment?.type !== 'assignment_expression' || assignment.childForFieldName('right')?.startIndex !== expr.startIndex) return undefined;
  const left = assignment.childForFieldName('left');
  const path = left ? thisPath(memberPath(unwrap(left)), scope) : undefined;
  if (!path || path.length !== 2 || path[0] !== 'this') return undefined;
  const field = path[1]!.replace(/^#/, '');
  if (!closed.has(field)) return undefined;
  const body = bodyOf(fn);
  if (!body) return undefined;
  const f = escapeRegExp(field);
  const before = source
    .slice(body.startIndex, assignment.startIndex)
    .replace(new RegExp(`\\b(this|self|that|_this)\\s*\\.\\s*#?${f}\\s*=(?!=)`, 'g'), '');
  if (new RegExp(`\\b(this|self|that|_this)\\s*\\.\\s*#?${f}\\b`).test(before)) return undefined;
  for (let up = assignment.parent; up && up.id !== fn.id; up = up.parent) {
    if (up.type === 'if_statement' && new RegExp(`\\b${f}\\b`).test(up.childForFieldName('condition')?.text ?? '')) return undefined;
  }
  return field;
}

/** The closer's line, for evidence. */
export function closerLine(c: FieldCloser): number {
  return line(c.site);
}
