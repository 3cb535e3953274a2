// The qualified names a callee can mean, after import resolution:
// `setInterval` -> `setInterval`; `cp.spawn` with `import * as cp from 'node:child_process'`
// -> `child_process.spawn`; `new Client` with `import { Client } from 'pg'` -> `pg.Client`.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { requiredModule, type FileScope } from './scope.js';

/** Objects whose properties are globals: `globalThis.setInterval` is `setInterval`. */
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'global', 'self']);

// Types are passed along where known and read once otherwise: each read of a
// node's `type` crosses into the parser.

/** The expression a wrapper (of type `type`) holds; undefined when `node` is no wrapper. */
function wrapped(node: SyntaxNode, type: string): SyntaxNode | undefined {
  if (type === 'parenthesized_expression' || type === 'non_null_expression' || type === 'as_expression' || type === 'satisfies_expression') return kids(node)[0];
  if (type === 'type_assertion') return kids(node).at(-1);
  return undefined;
}

/** Wrappers that do not change what an expression refers to. `type`: the node's, when known. */
export function unwrap(node: SyntaxNode, type: string = node.type): SyntaxNode {
  let cur = node;
  for (let inner = wrapped(cur, type); inner; inner = wrapped(cur, cur.type)) cur = inner;
  return cur;
}

/**
 * `a.b.c` -> ['a', 'b', 'c'] when every step is a plain property; the root may be `this` or an identifier.
 * `type`: the node's, when known.
 */
export function memberPath(node: SyntaxNode, type: string = node.type): string[] | undefined {
  const out: string[] = [];
  let cur = node;
  let curType = type;
  for (;;) {
    // `unwrap`, keeping the type of what it ends at.
    for (let inner = wrapped(cur, curType); inner; inner = wrapped(cur, curType)) {
      cur = inner;
      curType = cur.type;
    }
    if (curType !== 'member_expression') break;
    const prop = cur.childForFieldName('property');
    const propType = prop?.type;
    if (!prop || (propType !== 'property_identifier' && propType !== 'private_property_identifier')) return undefined;
    out.unshift(prop.text);
    const obj = cur.childForFieldName('object');
    if (!obj) return undefined;
    cur = obj;
    curType = obj.type;
  }
  if (curType === 'identifier' || curType === 'this') {
    out.unshift(cur.text);
    return out;
  }
  return undefined;
}

export function qualifiedNames(callee: SyntaxNode, scope: FileScope, calleeType: string = callee.type): string[] {
  const node = unwrap(callee, calleeType);
  const type = node === callee ? calleeType : node.type;
  if (type === 'identifier') {
    const binding = scope.imports.get(node.text);
    if (!binding) return [node.text];
    return [binding.name === '*' ? binding.module : `${binding.module}.${binding.name}`];
  }
  if (type !== 'member_expression') return [];
  // `require('child_process').spawn`
  const required = requiredModule(node, type);
  if (required) return [required.name === '*' ? required.module : `${required.module}.${required.name}`];
  const path = memberPath(node, type);
  if (!path) {
    // `require('pg').Client` handled above; `(await import('pg')).Client` likewise; others unknown.
    return [];
  }
  const [head, ...rest] = path as [string, ...string[]];
  const binding = scope.imports.get(head);
  if (binding) {
    const base = binding.name === '*' ? binding.module : `${binding.module}.${binding.name}`;
    return [[base, ...rest].join('.')];
  }
  if (GLOBAL_OBJECTS.has(head) && rest.length > 0) return [path.join('.'), rest.join('.')];
  return [path.join('.')];
}

/**
 * Calls that find an object that already exists rather than make one: DOM queries
 * (`document.querySelector(..)`, `el.closest(..)`, React's `findDOMNode(ref)`). What they return
 * lives in the page, not in the function or object that looked it up.
 */
const LOOKUP_CALLS = /^(querySelector|getElementById|getElementsByClassName|getElementsByTagName|getElementsByName|closest|findDOMNode|getRootNode|elementFromPoint)$/;

export function isLookupCall(node: SyntaxNode): boolean {
  if (node.type !== 'call_expression') return false;
  const callee = node.childForFieldName('function');
  if (!callee) return false;
  const name = callee.type === 'member_expression' ? callee.childForFieldName('property')?.text : callee.text;
  return !!name && LOOKUP_CALLS.test(name);
}
