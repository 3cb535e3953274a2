// Listener source lifetimes: how long the object a listener is attached to lives, compared with the
// function that attaches it (split from listeners.ts, which decides whether anything removes the listener).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { SourceLifetime } from '../../facts/types.js';
import { FUNCTION_TYPES, functionName, parameterNames } from './functions.js';
import { isLookupCall, memberPath, unwrap } from './qualify.js';
import { thisPath } from './scope.js';
import type { NodeIndex } from './node-index.js';
import { GLOBAL_OBJECTS } from './construction-arguments.js';
import { perOperationMethod } from './self-listeners.js';
import { isRequestConnection } from './request-connections.js';
import { isEndlessCreation, passedOnSource } from './endless-observables.js';
import type { ListenerContext } from './listeners.js';

/** Lifetimes of values that come from outside the function: an element of one shares it. */
const HANDED_IN: ReadonlySet<SourceLifetime> = new Set(['injected', 'parameter', 'imported', 'global', 'module', 'found']);

/** How long the object `expr` evaluates to lives, compared with the function that uses it. */
export function lifetimeOf(expr: SyntaxNode, ctx: ListenerContext, depth = 0): SourceLifetime {
  const node = unwrap(expr);
  if (depth > 4) return 'unknown';
  if (node.type === 'this') return selfLifetime(ctx);
  if (node.type === 'call_expression') {
    const callee = node.childForFieldName('function');
    if (!callee) return 'unknown';
    if (isEndlessCreation(node, ctx.scope)) return 'endless';
    // `document.querySelector(..)`, `findDOMNode(..)`: an element of the page, found, not made here.
    // A query under an element made here (`title.querySelector(..)` after `title = createElement(..)`) finds a part of it.
    if (isLookupCall(node)) {
      const receiver = callee.type === 'member_expression' ? callee.childForFieldName('object') : null;
      return receiver && lifetimeOf(receiver, ctx, depth + 1) === 'local' ? 'local' : 'found';
    }
    if (callee.type === 'member_expression' && /^(select|pipe|asObservable|select\$|observe)$/.test(callee.childForFieldName('property')?.text ?? '')) {
      const obj = callee.childForFieldName('object');
      return obj ? lifetimeOf(obj, ctx, depth + 1) : 'unknown';
    }
    // `this.pollTimer.concatMap(..)`: an operator on a source that never completes never completes either.
    const source = passedOnSource(node);
    if (source && lifetimeOf(source, ctx, depth + 1) === 'endless') return 'endless';
    return 'unknown';
  }
  // `args[1]`, `event.streams[0]`: an element of a value someone else handed in or holds is theirs too;
  // an element of what the function made (or of an unknown value) says nothing more than `unknown`.
  if (node.type === 'subscript_expression') {
    const whole = node.childForFieldName('object');
    // The same depth: the expression only gets shorter.
    const lifetime = whole ? lifetimeOf(whole, ctx, depth) : 'unknown';
    return HANDED_IN.has(lifetime) ? lifetime : 'unknown';
  }
  const path = thisPath(memberPath(node), ctx.scope);
  if (!path) return 'unknown';
  const root = path[0]!;
  // `process.stdin`, `this.bus`: the root's lifetime. Deeper (`socket.io.engine`, `this.client.stream`)
  // is an object the root holds now, which may be replaced at any time: unknown.
  if (path.length > 2) return 'unknown';
  if (root === 'this') {
    if (path.length === 1) return selfLifetime(ctx);
    const field = path[1]!.replace(/^#/, '');
    const origin = ctx.ownerType ? ctx.classes.get(ctx.ownerType)?.origins.get(field) : undefined;
    return origin ?? 'unknown';
  }
  // Parameters and locals shadow imports and globals. `req.socket`: the connection, shared by the requests it carries.
  if (ctx.fn && isRequestConnection(path, ctx.fn, node)) return 'connection';
  if (ctx.fn && parameterNames(ctx.fn).has(root)) return ctx.constructorKind === 'public' ? 'injected' : ctx.constructorKind === 'private' ? 'owned' : 'parameter';
  if (ctx.fn && ctx.declarations.has(ctx.fn, root)) {
    // `let el = find(); if (!el) { el = make(); el.on(..) }`: in that branch it holds what was just made.
    const made = assignedInBranch(ctx.fn, root, ctx.index, expr);
    if (made) return lifetimeOfValue(made, ctx, depth);
    const value = initialValue(ctx.fn, root, ctx.index);
    // `let signal = null; if (..) signal = init.signal`: the local holds what the caller handed in.
    if (!value || /^(null|undefined)$/.test(value.text)) return handedInLocal(ctx.fn, root, ctx, depth) ?? 'local';
    return lifetimeOfValue(value, ctx, depth);
  }
  if (ctx.fn && wrapperCapture(ctx.fn, root)) return 'injected';
  if (ctx.scope.imports.has(root)) return 'imported';
  // `var self = this`, a local `location`: a name the file declares is not the global.
  if (GLOBAL_OBJECTS.has(root) && !ctx.scope.declared.has(root)) return 'global';
  if (ctx.scope.moduleNames.has(root)) {
    // `socket = io.connect(..); socket.on(..)`: the module variable holds what this function just
    // made (or was handed), so the listener lives as long as that value, not the module.
    const value = ctx.fn ? freshAssignment(ctx.fn, root, ctx.index, expr) : undefined;
    return value ? lifetimeOfValue(value, ctx, depth) : 'module';
  }
  return 'unknown';
}

/**
 * `this` itself: in a constructor (or a field initialiser) the object listens to itself and the
 * listener dies with it; in any other function each call adds one to an object that outlives it.
 */
function selfLifetime(ctx: ListenerContext): SourceLifetime {
  return ctx.fn && !ctx.constructorKind && perOperationMethod(ctx.fn, functionName(ctx.fn)) ? 'self' : 'owned';
}

/**
 * `withCancel(fn, signal) { return function wrapped() { signal.addEventListener(..) } }`: `fn` is the
 * function a factory returns, and `name` a parameter of that factory. Every call of the returned
 * function shares the one value the factory was handed.
 */
function wrapperCapture(fn: SyntaxNode, name: string): boolean {
  let up = fn.parent;
  while (up && (up.type === 'parenthesized_expression' || up.type === 'as_expression' || up.type === 'satisfies_expression')) up = up.parent;
  if (up?.type !== 'return_statement') return false;
  for (let outer = up.parent; outer; outer = outer.parent) {
    if (FUNCTION_TYPES.has(outer.type)) return parameterNames(outer).has(name);
  }
  return false;
}

/**
 * A local declared empty and later assigned a parameter's value or a part of it (`signal = init.signal`):
 * the lifetime of that value, when it is someone else's; undefined otherwise.
 */
function handedInLocal(fn: SyntaxNode, name: string, ctx: ListenerContext, depth: number): SourceLifetime | undefined {
  let found: SourceLifetime | undefined;
  ctx.index.walk(fn, ['assignment_expression'], (n) => {
    if (n.childForFieldName('left')?.text !== name) return true;
    const right = n.childForFieldName('right');
    const v = right ? unwrap(right) : null;
    if (!v || (v.type !== 'identifier' && v.type !== 'member_expression' && v.type !== 'subscript_expression') || v.text === name) return true;
    const lifetime = lifetimeOf(v, ctx, depth + 1);
    if (lifetime === 'injected' || lifetime === 'parameter' || lifetime === 'imported' || lifetime === 'global' || lifetime === 'module') found = lifetime;
    return found ? 'stop' : true;
  });
  return found;
}

/** How long a value the function itself makes or is handed lives: a new object is the function's own. */
function lifetimeOfValue(value: SyntaxNode, ctx: ListenerContext, depth: number): SourceLifetime {
  const v = unwrap(value);
  if (v.type === 'new_expression' || v.type === 'object' || v.type === 'array') return 'local';
  // `el instanceof HTMLElement ? el : null`, `found || fallback`: what a branch holds that outlives the function.
  if ((v.type === 'ternary_expression' || (v.type === 'binary_expression' && /^(\|\||\?\?|&&)$/.test(v.childForFieldName('operator')?.text ?? ''))) && depth < 4) {
    const branches = v.type === 'ternary_expression' ? [v.childForFieldName('consequence'), v.childForFieldName('alternative')] : [v.childForFieldName('left'), v.childForFieldName('right')];
    for (const b of branches) {
      if (!b || /^(null|undefined)$/.test(b.text)) continue;
      const lifetime = lifetimeOfValue(b, ctx, depth + 1);
      if (lifetime === 'injected' || lifetime === 'found' || lifetime === 'global' || lifetime === 'module' || lifetime === 'imported') return lifetime;
    }
    return 'local';
  }
  const inner = lifetimeOf(v, ctx, depth + 1);
  return inner === 'unknown' ? 'local' : inner;
}

/**
 * The value `fn` itself stores in the module variable `name` (`name = ..` not under an `if` that
 * tests `name`: a lazy `if (!name) name = ..` keeps one value for every call). Under such an `if`,
 * the value is still fresh for code `at` later in the same branch (`if (!con) { con = connect();
 * con.on(..) }`): that code runs only when a new value was just made.
 */
function freshAssignment(fn: SyntaxNode, name: string, index: NodeIndex, at: SyntaxNode): SyntaxNode | null {
  let out: SyntaxNode | null = null;
  index.walk(fn, ['assignment_expression'], (n) => {
    if (n.childForFieldName('left')?.text !== name) return true;
    for (let up = n.parent; up && up.id !== fn.id; up = up.parent) {
      if (up.type !== 'if_statement' || !new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(up.childForFieldName('condition')?.text ?? '')) continue;
      const branch = up.childForFieldName('consequence');
      const sameBranch = !!branch && at.startIndex > n.endIndex && at.endIndex <= branch.endIndex && n.startIndex >= branch.startIndex;
      if (!sameBranch) return true;
    }
    out = n.childForFieldName('right');
    return 'stop';
  });
  return out;
}

/** The value assigned to `name` earlier in the same block of an `if` (or its else) that also holds `at`. */
function assignedInBranch(fn: SyntaxNode, name: string, index: NodeIndex, at: SyntaxNode): SyntaxNode | null {
  let out: SyntaxNode | null = null;
  index.walk(fn, ['assignment_expression'], (n) => {
    if (n.childForFieldName('left')?.text !== name || n.endIndex > at.startIndex) return true;
    const block = n.parent?.parent;
    if (block?.type !== 'statement_block' || !(block.parent?.type === 'if_statement' || block.parent?.type === 'else_clause')) return true;
    if (at.startIndex >= block.startIndex && at.endIndex <= block.endIndex) out = n.childForFieldName('right');
    return true;
  });
  return out;
}

/** The initialiser of `const name = ..` in `fn`. */
function initialValue(fn: SyntaxNode, name: string, index: NodeIndex): SyntaxNode | null {
  let out: SyntaxNode | null = null;
  index.walk(fn, ['variable_declarator'], (n) => {
    if (n.childForFieldName('name')?.text === name) out = n.childForFieldName('value');
    return out ? 'stop' : true;
  });
  return out;
}
