// What class an instance is of, read where it is made: `new X()`, a factory
// (`X.getInstance()`), a declared type, a function that constructs the class it
// is handed, and a lazy singleton made only while its slot is empty.
import type { SyntaxNode } from '../../parse/syntax.js';
import { allKids } from '../shared/tree.js';
import { FUNCTION_TYPES, className, functionName, positionalParameters, type FunctionContext } from './functions.js';
import type { CallSite } from './call-site.js';
import { memberPath } from './qualify.js';
import type { FileScope } from './scope.js';
import { exits } from './once-guards.js';

/** `new Server(..)`, `Server.getInstance()`, `await Server.create(..)`: the class of the instance. */
export const INSTANCE_OF = /^(?:await\s+)?(?:new\s+([A-Z][\w$]*)\b|([A-Z][\w$]*)\.(?:getInstance|instance|shared|create|get|default)\b)/;

/** What `scanInstance` visits in a function: every declarator, nested functions' too. */
export const INSTANCE_SCAN_TYPES: readonly string[] = ['variable_declarator'];
/** ...and at module scope: the top-level declarators, functions pruned. */
export const INSTANCE_SCAN_TOP_TYPES: readonly string[] = ['variable_declarator', ...FUNCTION_TYPES];

/** `: Manager | null` -> `Manager`: the one class-like name a type annotation allows besides null and undefined. */
export function declaredClass(annotation: SyntaxNode | null): string | undefined {
  if (!annotation) return undefined;
  const names = annotation.text.replace(/^:\s*/, '').split('|').map((t) => t.trim()).filter((t) => t !== 'null' && t !== 'undefined');
  return names.length === 1 && /^[A-Z][\w$]*$/.test(names[0]!) ? names[0] : undefined;
}

/**
 * The functions of this file that construct a class they are given:
 * `register(StoreClass) { new StoreClass(this) }`. Keyed `Owner::name` (`::name`
 * outside a class), with the positions of the parameters they construct.
 */
export function classFactoriesOf(calls: readonly { site: CallSite; ctx: FunctionContext }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { site, ctx } of calls) {
    if (!site.isNew || site.calleeType !== 'identifier' || !ctx.fn) continue;
    const position = positionalParameters(ctx.fn).indexOf(site.callee!.text);
    if (position < 0) continue;
    const key = `${ctx.cls ? className(ctx.cls) : ''}::${functionName(ctx.fn)}`;
    const positions = out.get(key) ?? [];
    if (!positions.includes(position)) positions.push(position);
    out.set(key, positions);
  }
  return out;
}

/**
 * `new X()` stored in a slot it is only made for while the slot is empty, so
 * it runs once per process: `X.instance ??= new X()`, or `X.instance = new X()`
 * (`this.instance` in a static method, a module variable) under an `if` that
 * tests that slot.
 */
export function lazySingleton(call: SyntaxNode, className: string, ctx: FunctionContext, scope: FileScope): boolean {
  let up = call.parent;
  while (up?.type === 'parenthesized_expression') up = up.parent;
  if (!up || (up.type !== 'assignment_expression' && up.type !== 'augmented_assignment_expression')) return false;
  const left = up.childForFieldName('left');
  if (!left) return false;
  const path = memberPath(left);
  if (!path) return false;
  const slotOfClass = path.length === 2 && (path[0] === className || (path[0] === 'this' && isStaticMethod(ctx.fn)));
  const moduleSlot = path.length === 1 && scope.moduleVars.has(path[0]!);
  if (!slotOfClass && !moduleSlot) return false;
  if (up.type === 'augmented_assignment_expression') return /^(\?\?=|\|\|=)$/.test(up.childForFieldName('operator')?.text ?? '');
  const slot = left.text.replace(/\s+/g, '');
  const tests = (ifNode: SyntaxNode): boolean => (ifNode.childForFieldName('condition')?.text.replace(/\s+/g, '') ?? '').includes(slot);
  for (let cur = up.parent, inner: SyntaxNode = up; cur && !FUNCTION_TYPES.has(cur.type); inner = cur, cur = cur.parent) {
    if (cur.type === 'if_statement' && tests(cur)) return true;
    // `if (this._instance) { warn(..); return this._instance; }` earlier in a block around it.
    if (cur.type !== 'statement_block') continue;
    for (const statement of cur.namedChildren) {
      if (!statement || statement.startIndex >= inner.startIndex) break;
      if (statement.type === 'if_statement' && !statement.childForFieldName('alternative') && tests(statement) && exits(statement.childForFieldName('consequence'))) return true;
    }
  }
  return false;
}

export function isStaticMethod(fn: SyntaxNode | null): boolean {
  return fn?.type === 'method_definition' && allKids(fn).some((k) => k.type === 'static');
}
