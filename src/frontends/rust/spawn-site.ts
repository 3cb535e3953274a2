// Around a spawn or release site: the body a spawned argument runs, the function
// it delegates to, the names and fields bound before it, and whether it sits in a loop.
import type { SyntaxNode } from '../../parse/syntax.js';
import { same } from '../shared/tree.js';
import { functionNode } from './functions.js';
import { selfField } from './handles.js';
import { walkTypes, type NodeIndex } from './node-index.js';
import { wordRegExp } from '../shared/regex.js';
import { blocksOn } from './body.js';

/** The block a spawned argument runs: `async move { .. }`, `move || { .. }`, `async { .. }`. */
export function bodyOfArgument(arg: SyntaxNode): SyntaxNode | undefined {
  if (arg.type === 'async_block') return arg;
  if (arg.type === 'closure_expression') {
    const body = arg.childForFieldName('body');
    return body ?? undefined;
  }
  // `tokio::spawn(run(rx))`, `tokio::spawn(self.run())`, `tokio::spawn(Box::pin(fut))`
  if (arg.type === 'call_expression' || arg.type === 'identifier' || arg.type === 'await_expression') return arg;
  return undefined;
}

/**
 * The future a spawned body blocks on (`rt.block_on(fut)`, `block_on(self.run())`), outside nested
 * closures: the thread runs as long as it does.
 */
export function blockedOnFuture(body: SyntaxNode, index: NodeIndex): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  index.walk(body, ['closure_expression', 'async_block', 'call_expression'], (node, type) => {
    if (type !== 'call_expression') return same(node, body);
    if (!blocksOn(node)) return true;
    const args = node.childForFieldName('arguments');
    found = args?.namedChildren.find((a) => a !== null && !a.type.endsWith('comment')) ?? undefined;
    return 'stop';
  });
  return found;
}

/** The function a non-looping body hands its work to: `run_loop(rx).await` -> `run_loop`. */
export function delegatedCall(body: SyntaxNode, index: NodeIndex, fnItem: SyntaxNode | null, spawn: SyntaxNode): { name: string; onOther: boolean; receiver?: SyntaxNode; free?: true } | undefined {
  const calls: { name: string; onOther: boolean; receiver?: SyntaxNode; free?: true }[] = [];
  index.walk(body, ['closure_expression', 'call_expression'], (node, type) => {
    if (type === 'closure_expression' && !same(node, body)) return false;
    if (type === 'call_expression') {
      const fn = node.childForFieldName('function');
      if (fn?.type === 'identifier') calls.push({ name: fn.text, onOther: false, free: true });
      else if (fn?.type === 'scoped_identifier') {
        // `console::start(..)`: a module's free function; `Self::run(..)`, `Server::run(..)`: a type's.
        const path = fn.childForFieldName('path')?.text ?? '';
        const lastSegment = path.split('::').pop() ?? '';
        const free = /^[a-z_]/.test(lastSegment) && lastSegment !== 'self' ? { free: true as const } : {};
        calls.push({ name: fn.childForFieldName('name')?.text ?? '', onOther: false, ...free });
      }
      else if (fn?.type === 'field_expression') {
        const method = fn.childForFieldName('field')?.text ?? '';
        // `self.run()`, or `this.run()` after `let this = self.clone()`, is the spawning type's own
        // method; `server.run()` after `let server = builder.build()` some other value's.
        const receiver = fn.childForFieldName('value');
        const onOther = receiver?.type !== 'self' && !(receiver?.type === 'identifier' && boundToSelf(receiver.text, fnItem, spawn, index));
        if (!/^(clone|await|unwrap|expect|into|to_string|as_ref|map_err|lock|read|write|send|recv)$/.test(method)) calls.push({ name: method, onOther, ...(onOther && receiver ? { receiver } : {}) });
      }
    }
    return true;
  });
  return calls.find((c) => c.name !== '');
}

/** Is `name` bound, before `at`, to the function's own receiver: `let this = self.clone()`, `Arc::clone(&self)`, `self`? */
export function boundToSelf(name: string, fnItem: SyntaxNode | null, at: SyntaxNode, index: NodeIndex): boolean {
  const value = fnItem ? lastLetBefore(name, fnItem, at, index)?.childForFieldName('value')?.text : undefined;
  return value !== undefined && SELF_VALUE.test(value.replace(/\s+/g, ''));
}

/** The last `let name = ..` (or `let mut name`) of the function before `at`: the binding `name` refers to there. */
export function lastLetBefore(name: string, fnItem: SyntaxNode, at: SyntaxNode, index: NodeIndex): SyntaxNode | undefined {
  const body = fnItem.childForFieldName('body');
  let found: SyntaxNode | undefined;
  if (body) {
    index.walk(body, ['let_declaration'], (n) => {
      if (n.startIndex >= at.startIndex) return 'stop';
      if (n.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') === name) found = n;
      return true;
    });
  }
  return found;
}

/** `self`, `self.clone()`, `Arc::clone(&self)`, `Rc::clone(&self)`: the receiver itself, shared. */
const SELF_VALUE = /^(?:self|self\.clone\(\)|(?:Arc|Rc)::clone\(&?self\))$/;

/** Let-bound names and parameters of the enclosing function declared before `at`. */
export function outerNames(fnItem: SyntaxNode | null, at: SyntaxNode, index: NodeIndex): Set<string> {
  const names = new Set<string>();
  if (!fnItem) return names;
  const params = fnItem.childForFieldName('parameters');
  if (params) walkTypes(params, ['identifier', 'type_identifier'], (n) => {
    if (n.type === 'identifier' && n.parent?.type !== 'type_identifier') names.add(n.text);
    return n.type !== 'type_identifier';
  });
  const body = fnItem.childForFieldName('body');
  // Lets come in order: the first at or after `at` ends the search.
  if (body) index.walk(body, ['let_declaration'], (n) => {
    if (n.startIndex >= at.startIndex) return 'stop';
    const pattern = n.childForFieldName('pattern');
    if (pattern) walkTypes(pattern, ['identifier'], (p) => {
      if (p.type === 'identifier') names.add(p.text);
      return true;
    });
    return true;
  });
  return names;
}

export function insideLoop(node: SyntaxNode, fnItem: SyntaxNode | null): boolean {
  for (let cur = node.parent; cur && !same(cur, fnItem); cur = cur.parent) {
    if (cur.type === 'closure_expression' || cur.type === 'async_block') return false;
    if (cur.type === 'loop_expression' || cur.type === 'while_expression' || cur.type === 'for_expression') return true;
  }
  return false;
}

/** `if let Some(h) = self.task.take() { h.abort() }`, `for h in self.handles.drain(..)`: which field a local came from. */
export function fieldBoundTo(name: string, at: SyntaxNode, index: NodeIndex, origin?: { text?: string }): string | undefined {
  const fnItem = functionNode(at);
  if (!fnItem) return undefined;
  let field: string | undefined;
  for (let cur = at.parent; cur && !same(cur, fnItem) && !field; cur = cur.parent) {
    let pattern: SyntaxNode | null = null;
    let value: SyntaxNode | null = null;
    if (cur.type === 'for_expression') {
      pattern = cur.childForFieldName('pattern');
      value = cur.childForFieldName('value');
    } else if (cur.type === 'if_expression' || cur.type === 'while_expression') {
      const cond = cur.childForFieldName('condition');
      if (cond?.type === 'let_condition') {
        pattern = cond.childForFieldName('pattern');
        value = cond.childForFieldName('value');
      }
    } else if (cur.type === 'closure_expression') {
      // `self.handles.iter().for_each(|h| h.abort())`
      const call = cur.parent?.parent;
      if (call?.type === 'call_expression') value = call.childForFieldName('function');
      pattern = cur.childForFieldName('parameters');
    }
    if (pattern && value && wordRegExp(name).test(pattern.text)) {
      field = selfField(value) ?? /\bself\s*\.\s*(\w+)/.exec(value.text)?.[1];
      if (field && origin) origin.text = value.text.slice(value.text.search(/\bself\s*\./));
    }
  }
  if (field) return field;
  // `let h = self.task.take();` earlier in the function
  const body = fnItem.childForFieldName('body');
  if (body) index.walk(body, ['let_declaration'], (n) => {
    if (n.startIndex >= at.startIndex) return 'stop';
    if (n.childForFieldName('pattern')?.text.match(wordRegExp(name))) {
      const value = n.childForFieldName('value');
      const m = value ? /\bself\s*\.\s*(\w+)/.exec(value.text) : null;
      if (m) field = m[1];
      if (m && origin) origin.text = value!.text.slice(m.index);
    }
    return field ? 'stop' : true;
  });
  return field;
}
