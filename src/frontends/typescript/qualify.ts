// The qualified names a callee can mean, after import resolution:
// `setInterval` -> `setInterval`; `cp.spawn` with `import * as cp from 'node:child_process'`
// -> `child_process.spawn`; `new Client` with `import { Client } from 'pg'` -> `pg.Client`.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { requiredModule, type FileScope } from './scope.js';

/** Objects whose properties are globals: `globalThis.setInterval` is `setInterval`. */
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'global', 'self']);

/** Wrappers that do not change what an expression refers to. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let cur = node;
  for (;;) {
    let inner: SyntaxNode | undefined;
    if (cur.type === 'parenthesized_expression' || cur.type === 'non_null_expression' || cur.type === 'as_expression' || cur.type === 'satisfies_expression') inner = kids(cur)[0];
    else if (cur.type === 'type_assertion') inner = kids(cur).at(-1);
    if (!inner) return cur;
    cur = inner;
  }
}

/** `a.b.c` -> ['a', 'b', 'c'] when every step is a plain property; the root may be `this` or an identifier. */
export function memberPath(node: SyntaxNode): string[] | undefined {
  const out: string[] = [];
  let cur: SyntaxNode = unwrap(node);
  while (cur.type === 'member_expression') {
    const prop = cur.childForFieldName('property');
    if (!prop || (prop.type !== 'property_identifier' && prop.type !== 'private_property_identifier')) return undefined;
    out.unshift(prop.text);
    const obj = cur.childForFieldName('object');
    if (!obj) return undefined;
    cur = unwrap(obj);
  }
  if (cur.type === 'identifier' || cur.type === 'this') {
    out.unshift(cur.text);
    return out;
  }
  return undefined;
}

export function qualifiedNames(callee: SyntaxNode, scope: FileScope): string[] {
  const node = unwrap(callee);
  if (node.type === 'identifier') {
    const binding = scope.imports.get(node.text);
    if (!binding) return [node.text];
    return [binding.name === '*' ? binding.module : `${binding.module}.${binding.name}`];
  }
  if (node.type !== 'member_expression') return [];
  // `require('child_process').spawn`
  const required = requiredModule(node);
  if (required) return [required.name === '*' ? required.module : `${required.module}.${required.name}`];
  const path = memberPath(node);
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
