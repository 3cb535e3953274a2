// Which function a node sits in, and what kind of function that is.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { EnclosingFunction } from '../../facts/types.js';
import { siteOf } from '../shared/tree.js';
import { normalisePath } from './imports.js';

/** Names of functions that run once per object or process, not per operation. */
const CONSTRUCT_ONCE =
  /^(new|init|initialize|initialise|main|build|builder|setup|set_up|open|connect|create|default|from|try_from|try_new|with|load|bootstrap|launch|install|register)(_|$)|_(new|init|builder|setup|open|connect)$/;

const TEST_ATTR = /^#\[(?:[\w:]+::)?test\b|^#\[cfg\(test\)\]|^#\[bench\]|^#\[rstest\b/;

export function attributesOf(node: SyntaxNode): string[] {
  const out: string[] = [];
  let prev = node.previousNamedSibling;
  while (prev && (prev.type === 'attribute_item' || prev.type === 'line_comment' || prev.type === 'block_comment')) {
    if (prev.type === 'attribute_item') out.push(prev.text.replace(/\s+/g, ''));
    prev = prev.previousNamedSibling;
  }
  return out;
}

export function isTestItem(node: SyntaxNode): boolean {
  return attributesOf(node).some((a) => TEST_ATTR.test(a));
}

/** The impl's self type, without generics or path: `impl<T> Foo<T>` -> `Foo`. */
export function implTypeName(impl: SyntaxNode): string | undefined {
  const type = impl.childForFieldName('type');
  if (!type) return undefined;
  const path = normalisePath(type.text);
  return path.split('::').pop();
}

export function enclosingFunction(node: SyntaxNode, fileIsTest: boolean): EnclosingFunction {
  let fn: SyntaxNode | null = null;
  let impl: SyntaxNode | null = null;
  let isTest = fileIsTest;
  for (let cur: SyntaxNode | null = node; cur; cur = cur.parent) {
    if (cur.type === 'function_item' && !fn) fn = cur;
    else if (cur.type === 'impl_item' && !impl) impl = cur;
    if ((cur.type === 'function_item' || cur.type === 'mod_item') && isTestItem(cur)) isTest = true;
  }
  if (!fn) {
    return { name: '<module>', constructOnce: true, isEntryPoint: false, isTest, site: siteOf(node) };
  }
  const name = fn.childForFieldName('name')?.text ?? '<fn>';
  const ownerType = impl ? implTypeName(impl) : undefined;
  const returnType = fn.childForFieldName('return_type')?.text ?? '';
  const returnsSelf = /\bSelf\b/.test(returnType) || (ownerType !== undefined && new RegExp(`\\b${ownerType}\\b`).test(returnType));
  const isEntryPoint = name === 'main' && !impl;
  return {
    name,
    ...(ownerType ? { ownerType } : {}),
    constructOnce: isEntryPoint || CONSTRUCT_ONCE.test(name) || returnsSelf,
    isEntryPoint,
    isTest,
    site: siteOf(fn),
  };
}

/** The function_item (or closure at top level) whose body contains `node`. */
export function functionNode(node: SyntaxNode): SyntaxNode | null {
  for (let cur = node.parent; cur; cur = cur.parent) if (cur.type === 'function_item') return cur;
  return null;
}
