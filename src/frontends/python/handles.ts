// Where the handle a Python acquisition returns goes, within its function (or
// module): a `with` / `async with` block (released at its end), a field of
// `self`, a module variable, returned, passed on, awaited, closed, or dropped.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { HandleFate } from '../../facts/types.js';
import { kids, line, shortText } from '../shared/tree.js';

/** Wrappers whose result is still the same value. */
const TRANSPARENT = new Set(['parenthesized_expression', 'conditional_expression', 'boolean_operator']);
/** Calls that take a context manager and release it when their block or stack ends. */
const SCOPING = /(^|\.)(closing|aclosing|enter_context|enter_async_context|push_async_callback|callback|push)$/;
/** Calls that wait for a task or future handed to them. */
const AWAITING = /(^|\.)(gather|wait|wait_for|shield|run_until_complete|as_completed|run|result)$/;
/** Calls that only look at a value: not a decision about the handle. */
const OBSERVERS = /^(print|repr|str|len|id|type|isinstance|hasattr|getattr|bool|format)$|(^|\.)(debug|info|warning|warn|error|exception|critical|log)$/;
/** Methods whose result keeps the handle alive (a DB-API cursor holds its connection). */
const DEPENDENTS = /^(cursor|pipeline|transaction|begin)$/;
/** Methods that put a value into a collection. */
const COLLECTION = /^(append|add|extend|insert|put|put_nowait|appendleft|setdefault|update|register)$/;

export interface FateContext {
  /** Release methods of the model (`close`, `cancel`, `shutdown`...). */
  releases: readonly string[];
  /** Methods that join a task or thread, and whether `await handle` joins it. */
  joins: readonly string[];
  awaitJoins: boolean;
  /** A `with` block releases the handle (false for sqlite3 / psycopg2 connections: it only ends a transaction). */
  withReleases: boolean;
  /** The function the acquisition runs in; null at module level. */
  fn: SyntaxNode | null;
  root: SyntaxNode;
  ownerType?: string;
  /** The file's path: module variables are fields of the module. */
  modulePath: string;
  /** Names `global` declares in the function: assigning them sets a module variable. */
  globals: ReadonlySet<string>;
  /** Names assigned at module level. */
  moduleVars: ReadonlySet<string>;
  /** For a tuple result (`conn, addr = sock.accept()`), the element that is the handle. */
  handleIndex?: number;
}

/** Climb from the acquisition through `await` and wrappers to the expression whose value is the handle. */
export function fateOf(call: SyntaxNode, ctx: FateContext): HandleFate {
  let expr = call;
  for (;;) {
    const parent = expr.parent;
    if (!parent) return { kind: 'discarded', how: 'dropped' };
    const type = parent.type;
    if (type === 'await') {
      if (ctx.awaitJoins) return { kind: 'awaited' };
      expr = parent;
      continue;
    }
    if (TRANSPARENT.has(type)) {
      expr = parent;
      continue;
    }
    if (type === 'as_pattern' || type === 'with_item') {
      if (ctx.withReleases) return { kind: 'scoped', how: `${withWord(parent)} block: released when the block ends` };
      // `with sqlite3.connect(p) as conn:` ends a transaction; the connection lives on until it is dropped.
      const alias = type === 'as_pattern' ? parent.childForFieldName('alias')?.text : undefined;
      return { kind: 'local', local: alias ?? 'the with block' };
    }
    if (type === 'expression_statement') return { kind: 'discarded', how: 'dropped at once: the call is a statement of its own' };
    if (type === 'return_statement' || type === 'yield') return type === 'yield' && yieldScoped(parent) ? { kind: 'scoped', how: 'yielded by a context manager that closes it afterwards' } : { kind: 'returned' };
    if (type === 'attribute') {
      // `Thread(..).start()`, `sqlite3.connect(p).execute(..)`: used once, then dropped.
      const method = parent.childForFieldName('attribute')?.text ?? '';
      if (ctx.releases.includes(method) || ctx.joins.includes(method)) return { kind: 'released-locally', local: shortText(call, 40), api: method, line: line(parent) };
      const outer = parent.parent;
      const outerFate = outer?.type === 'call' ? fateOf(outer, { ...ctx, awaitJoins: false }) : undefined;
      if (outerFate && outerFate.kind !== 'discarded' && method === 'start') return outerFate;
      return { kind: 'discarded', how: `dropped after \`.${method}()\`` };
    }
    if (type === 'argument_list' || type === 'keyword_argument') {
      const outer = type === 'keyword_argument' ? parent.parent?.parent : parent.parent;
      const fnText = outer?.type === 'call' ? (outer.childForFieldName('function')?.text ?? '') : '';
      if (SCOPING.test(fnText)) return { kind: 'scoped', how: `handed to \`${fnText}()\`, which releases it` };
      if (ctx.awaitJoins && AWAITING.test(fnText)) return { kind: 'awaited' };
      return { kind: 'passed', to: `\`${fnText || 'a call'}()\`` };
    }
    if (type === 'assignment' || type === 'named_expression' || type === 'augmented_assignment') {
      const left = parent.childForFieldName(type === 'named_expression' ? 'name' : 'left');
      if (!left) return { kind: 'passed', to: 'an assignment' };
      return fateOfTarget(left, call, ctx);
    }
    if (type === 'list' || type === 'tuple' || type === 'set' || type === 'pair' || type === 'dictionary' || type === 'expression_list' || type === 'list_splat') {
      return { kind: 'passed', to: 'a collection' };
    }
    if (type === 'lambda') return { kind: 'returned' };
    return { kind: 'passed', to: `\`${shortText(parent, 40)}\`` };
  }
}

function withWord(node: SyntaxNode): string {
  for (let cur: SyntaxNode | null = node; cur; cur = cur.parent) {
    if (cur.type === 'with_statement') return cur.text.startsWith('async') || cur.parent?.text.startsWith('async with') ? '`async with`' : '`with`';
  }
  return '`with`';
}

/** `yield client` inside a `@contextmanager` generator whose `finally` (or later code) closes it. */
function yieldScoped(node: SyntaxNode): boolean {
  for (let cur = node.parent; cur; cur = cur.parent) if (cur.type === 'try_statement') return kids(cur).some((k) => k.type === 'finally_clause');
  return false;
}

/** The fate of a value assigned to `left`. */
function fateOfTarget(left: SyntaxNode, call: SyntaxNode, ctx: FateContext): HandleFate {
  const field = selfField(left);
  if (field) return ctx.ownerType ? { kind: 'field', ownerType: ctx.ownerType, field, line: line(left) } : { kind: 'passed', to: `\`${shortText(left, 40)}\`` };
  if (left.type === 'identifier') {
    const name = left.text;
    if (!ctx.fn || ctx.globals.has(name)) return { kind: 'field', ownerType: ctx.modulePath, field: name, line: line(left) };
    return fateOfLocal(name, call, ctx);
  }
  if (left.type === 'subscript' || left.type === 'attribute') {
    const base = baseName(left);
    if (base && (!ctx.fn || ctx.globals.has(base) || ctx.moduleVars.has(base))) return { kind: 'field', ownerType: ctx.modulePath, field: base, line: line(left) };
    return { kind: 'passed', to: `\`${shortText(left, 40)}\`` };
  }
  // `conn, addr = sock.accept()`: the handle is one element of the tuple, followed under its own name.
  if ((left.type === 'pattern_list' || left.type === 'tuple_pattern') && ctx.handleIndex !== undefined) {
    const element = kids(left)[ctx.handleIndex];
    if (element) return fateOfTarget(element, call, { ...ctx, handleIndex: undefined });
  }
  return { kind: 'local', local: shortText(left, 30) };
}

/** `self.x`, `self.x[k]`, `self._tasks` -> the field name. */
export function selfField(node: SyntaxNode): string | undefined {
  let cur: SyntaxNode | null = node;
  for (let i = 0; cur && i < 32; i++) {
    while (cur && cur.type === 'subscript') cur = cur.childForFieldName('value');
    if (cur?.type !== 'attribute') return undefined;
    const object: SyntaxNode | null = cur.childForFieldName('object');
    if (object?.type === 'identifier' && (object.text === 'self' || object.text === 'cls')) return cur.childForFieldName('attribute')?.text;
    cur = object;
  }
  return undefined;
}

function baseName(node: SyntaxNode): string | undefined {
  let cur: SyntaxNode | null = node;
  while (cur && (cur.type === 'subscript' || cur.type === 'attribute')) cur = cur.childForFieldName(cur.type === 'subscript' ? 'value' : 'object');
  return cur?.type === 'identifier' ? cur.text : undefined;
}

/**
 * What the function does with a local after binding the handle to it: the
 * strongest use decides (scoped > released > awaited > stored > returned > passed).
 */
function fateOfLocal(name: string, call: SyntaxNode, ctx: FateContext): HandleFate {
  const fn = ctx.fn!;
  const after = call.endIndex;
  const uses = fn.descendantsOfType('identifier').filter((id): id is SyntaxNode => id !== null && id.text === name && id.startIndex > after);
  let released: { api: string; line: number; node: SyntaxNode } | undefined;
  let awaited = false;
  let stored: HandleFate | undefined;
  let returned = false;
  let passed: string | undefined;
  /** `session = None` after handing it on: ownership moved, a later close is for the failure path. */
  let handedOff = false;
  for (const id of uses) {
    const parent = id.parent;
    if (!parent) continue;
    const ptype = parent.type;
    if ((ptype === 'as_pattern' || ptype === 'with_item') && ctx.withReleases) return { kind: 'scoped', how: `${withWord(parent)} block: released when the block ends` };
    if (ptype === 'attribute' && parent.childForFieldName('object')?.startIndex === id.startIndex) {
      const method = parent.childForFieldName('attribute')?.text ?? '';
      const isCall = parent.parent?.type === 'call';
      if (isCall && ctx.releases.includes(method)) released ??= { api: method, line: line(parent), node: parent.parent! };
      else if (isCall && ctx.joins.includes(method)) awaited = true;
      // `return conn.cursor()`: what is returned keeps the handle alive and goes to the caller.
      else if (isCall && DEPENDENTS.test(method) && returnedExpression(parent.parent!)) returned = true;
      continue;
    }
    if (ptype === 'assignment' && parent.childForFieldName('left')?.startIndex === id.startIndex && parent.childForFieldName('right')?.type === 'none') {
      handedOff = true;
      continue;
    }
    if (ptype === 'await' && ctx.awaitJoins) awaited = true;
    else if (ptype === 'return_statement' || ptype === 'yield') returned = true;
    else if (ptype === 'assignment' && parent.childForFieldName('right')?.startIndex === id.startIndex) {
      const left = parent.childForFieldName('left');
      const field = left ? selfField(left) : undefined;
      if (field && ctx.ownerType) stored ??= { kind: 'field', ownerType: ctx.ownerType, field, line: line(parent) };
      else if (left && (left.type === 'identifier' || left.type === 'subscript') && (ctx.globals.has(baseName(left) ?? '') || ctx.moduleVars.has(baseName(left) ?? ''))) {
        stored ??= { kind: 'field', ownerType: ctx.modulePath, field: baseName(left)!, line: line(parent) };
      } else passed ??= `\`${shortText(left ?? parent, 40)}\``;
    } else if (ptype === 'argument_list' || ptype === 'keyword_argument' || ptype === 'list_splat') {
      const outer = ptype === 'keyword_argument' ? parent.parent?.parent : ptype === 'list_splat' ? parent.parent?.parent : parent.parent;
      const fnNode = outer?.type === 'call' ? outer.childForFieldName('function') : null;
      const fnText = fnNode?.text ?? '';
      // `await pool.release(conn)`, `pool.putconn(conn)`: handed back to where it came from.
      const outerMethod = fnNode?.type === 'attribute' ? (fnNode.childForFieldName('attribute')?.text ?? '') : '';
      if (outerMethod && ctx.releases.includes(outerMethod) && outer) {
        released ??= { api: outerMethod, line: line(outer), node: outer };
        continue;
      }
      if (SCOPING.test(fnText)) return { kind: 'scoped', how: `handed to \`${fnText}()\`, which releases it` };
      if (ctx.awaitJoins && AWAITING.test(fnText)) {
        awaited = true;
        continue;
      }
      if (OBSERVERS.test(fnText)) continue;
      // `self._tasks.add(task)`: kept in a collection the owner holds.
      const method = fnNode?.type === 'attribute' ? (fnNode.childForFieldName('attribute')?.text ?? '') : '';
      const receiver = fnNode?.type === 'attribute' ? fnNode.childForFieldName('object') : null;
      const field = receiver ? selfField(receiver) : undefined;
      if (COLLECTION.test(method) && field && ctx.ownerType) stored ??= { kind: 'field', ownerType: ctx.ownerType, field, line: line(id) };
      else if (COLLECTION.test(method) && receiver?.type === 'identifier' && (ctx.globals.has(receiver.text) || ctx.moduleVars.has(receiver.text))) {
        stored ??= { kind: 'field', ownerType: ctx.modulePath, field: receiver.text, line: line(id) };
      } else passed ??= `\`${fnText}()\``;
    } else if (ptype === 'list' || ptype === 'tuple' || ptype === 'set' || ptype === 'pair' || ptype === 'dictionary' || ptype === 'expression_list') {
      passed ??= 'a collection';
    }
  }
  // Closed only when something failed (in an `except`, or guarded in `finally` after `x = None` on
  // success), and otherwise handed on: the new owner keeps it.
  if (released && (stored || passed) && (handedOff || inExcept(released.node))) released = undefined;
  if (released) {
    const risk = inFinally(released.node) ? undefined : callBetween(call, released.node, name, fn);
    return { kind: 'released-locally', local: name, api: released.api, line: released.line, ...(risk ? { onlyOnSuccess: risk } : {}) };
  }
  if (awaited) return { kind: 'awaited', local: name };
  if (stored) return stored;
  if (returned) return { kind: 'returned' };
  if (passed) return { kind: 'passed', to: passed };
  return { kind: 'local', local: name };
}

/** `return <node>` / `return await <node>` / `yield <node>`. */
function returnedExpression(node: SyntaxNode): boolean {
  const parent = node.parent?.type === 'await' ? node.parent.parent : node.parent;
  return parent?.type === 'return_statement' || parent?.type === 'yield';
}

function inExcept(node: SyntaxNode): boolean {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type === 'except_clause') return true;
    if (cur.type === 'function_definition') return false;
  }
  return false;
}

function inFinally(node: SyntaxNode): boolean {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type === 'finally_clause') return true;
    if (cur.type === 'function_definition') return false;
  }
  return false;
}

/** The first call between the acquisition and its release that can raise and skip the release. */
function callBetween(acquire: SyntaxNode, release: SyntaxNode, local: string, fn: SyntaxNode): { call: string; line: number } | undefined {
  for (const c of fn.descendantsOfType('call')) {
    if (!c || c.startIndex <= acquire.endIndex || c.startIndex >= release.startIndex) continue;
    // Calls nested in an argument of a later call are found through that call.
    const callee = c.childForFieldName('function')?.text ?? '';
    if (OBSERVERS.test(callee)) continue;
    if (inExceptOrFinally(c)) continue;
    return { call: callee.startsWith(`${local}.`) ? callee : callee || shortText(c, 40), line: line(c) };
  }
  return undefined;
}

function inExceptOrFinally(node: SyntaxNode): boolean {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type === 'except_clause' || cur.type === 'finally_clause' || cur.type === 'try_statement') return true;
    if (cur.type === 'function_definition') return false;
  }
  return false;
}
