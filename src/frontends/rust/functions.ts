// Which function a node sits in, and what kind of function that is.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { EnclosingFunction } from '../../facts/types.js';
import { siteOf } from '../shared/tree.js';
import { normalisePath } from './imports.js';
import { wordRegExp } from '../shared/regex.js';

/** Names of functions that run once per object or process, not per operation. */
const CONSTRUCT_ONCE =
  /^(new|init|initialize|initialise|main|build|builder|setup|set_up|open|connect|create|default|from|try_from|try_new|with|load|bootstrap|launch|install|register)(_|$)|_(new|init|builder|setup|open|connect)$/;

const TEST_ATTR = /^#\[(?:[\w:]+::)?test\b|^#\[cfg\(test\)\]|^#\[bench\]|^#\[rstest\b/;

/** `#[cfg(all(test, not(loom)))]`: an `all` with a bare `test` among its terms compiles only in tests. */
function isTestOnlyCfg(attr: string): boolean {
  const m = /^#\[cfg\(all\((.*)\)\)\]$/.exec(attr);
  if (!m) return false;
  let depth = 0;
  let term = '';
  for (const ch of `${m[1]},`) {
    if (ch === ',' && depth === 0) {
      if (term === 'test') return true;
      term = '';
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    term += ch;
  }
  return false;
}

export function attributesOf(node: SyntaxNode): string[] {
  const out: string[] = [];
  // Sibling steps cost O(siblings) each in tree-sitter: stop after a few, so a
  // file of thousands of comments or items stays linear.
  let prev = node.previousNamedSibling;
  for (let steps = 0; prev && steps < 16 && (prev.type === 'attribute_item' || prev.type === 'line_comment' || prev.type === 'block_comment'); steps++) {
    if (prev.type === 'attribute_item') out.push(prev.text.replace(/\s+/g, ''));
    prev = prev.previousNamedSibling;
  }
  return out;
}

export function isTestItem(node: SyntaxNode): boolean {
  return attributesOf(node).some((a) => TEST_ATTR.test(a) || isTestOnlyCfg(a));
}

/** The impl's self type, without generics or path: `impl<T> Foo<T>` -> `Foo`. */
export function implTypeName(impl: SyntaxNode): string | undefined {
  const type = impl.childForFieldName('type');
  if (!type) return undefined;
  const path = normalisePath(type.text);
  return path.split('::').pop();
}

/** An item around a node, recorded on the way down the tree instead of found by climbing from the node. */
export interface ScopeItem {
  node: SyntaxNode;
  type: 'function_item' | 'impl_item' | 'mod_item';
  /** The item itself is test code (`#[test]`, `#[cfg(test)]`): `isTestItem`, asked only when it matters. */
  isTest(): boolean;
}

/**
 * A scope item whose test attribute is read on first use and remembered.
 * `mayHaveAttributes` false (see `AttributeWindow`) answers without the tree.
 */
export function scopeItem(node: SyntaxNode, type: ScopeItem['type'], mayHaveAttributes = true): ScopeItem {
  let test: boolean | undefined;
  return { node, type, isTest: () => (test ??= type !== 'impl_item' && mayHaveAttributes && isTestItem(node)) };
}

/**
 * The function a node sits in, from its function, impl and mod ancestors
 * (outermost first), without climbing the tree. `fileModule`: the module the
 * file is (see `fileModuleOf`), for a free function outside any inline `mod`.
 */
export function enclosingFromScopes(node: SyntaxNode, scopes: readonly ScopeItem[], fileIsTest: boolean, fileModule?: string): EnclosingFunction {
  let fn: SyntaxNode | null = null;
  let impl: SyntaxNode | null = null;
  let mod: SyntaxNode | null = null;
  let isTest = fileIsTest;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i]!;
    if (s.type === 'function_item' && !fn) fn = s.node;
    else if (s.type === 'impl_item' && !impl) impl = s.node;
    else if (s.type === 'mod_item' && !mod) mod = s.node;
    if (!isTest && s.isTest()) isTest = true;
  }
  return describeEnclosing(node, fn, impl, isTest, mod ? mod.childForFieldName('name')?.text : fileModule);
}

/**
 * The module a Rust file is, as calls name it: its stem (`memory.rs`), or its
 * directory for a `mod.rs`. A crate root (`lib.rs`, `main.rs`, `src/bin/*.rs`,
 * `build.rs`) is named by no call.
 */
export function fileModuleOf(path: string): string | undefined {
  const parts = path.split('/');
  const stem = parts[parts.length - 1]!.replace(/\.rs$/, '');
  const dir = parts[parts.length - 2];
  if (stem === 'mod') return dir;
  if (stem === 'lib' || stem === 'main' || stem === 'build' || dir === 'bin') return undefined;
  return stem;
}

function describeEnclosing(node: SyntaxNode, fn: SyntaxNode | null, impl: SyntaxNode | null, isTest: boolean, module: string | undefined): EnclosingFunction {
  if (!fn) {
    return { name: '<module>', constructOnce: true, isEntryPoint: false, isTest, site: siteOf(node) };
  }
  const name = fn.childForFieldName('name')?.text ?? '<fn>';
  const ownerType = impl ? implTypeName(impl) : undefined;
  const returnType = fn.childForFieldName('return_type')?.text ?? '';
  const returnsSelf = /\bSelf\b/.test(returnType) || (ownerType !== undefined && containsWord(returnType, ownerType));
  const isEntryPoint = name === 'main' && !impl;
  // An associated function without `self` that returns the type (`fn new(..) -> Self`): it makes one.
  const isConstructor = !!impl && returnsSelf && !fn.childForFieldName('parameters')?.namedChildren.some((p) => p?.type === 'self_parameter');
  return {
    name,
    ...(ownerType ? { ownerType } : {}),
    ...(!impl && module ? { module } : {}),
    constructOnce: isEntryPoint || CONSTRUCT_ONCE.test(name) || returnsSelf,
    ...(isConstructor ? { isConstructor: true as const } : {}),
    isEntryPoint,
    isTest,
    site: siteOf(fn),
  };
}

const wordPatterns = new Map<string, RegExp>();
const WORD = /^\w+$/;

/**
 * `\bword\b` matches in `text`. A plain word is looked for with `indexOf`:
 * compiling a pattern for each of the thousands of type names cost more
 * than all the searches. Any other word (a type read from code may hold `)`
 * or `<`) is matched literally through an escaped pattern.
 */
function containsWord(text: string, word: string): boolean {
  if (!WORD.test(word)) return wordPattern(word).test(text);
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(at + word.length))) return true;
  }
  return false;
}

/** `\w` (ASCII letters, digits, `_`); NaN (outside the string) is not. */
export function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** `\bword\b`, compiled once per word. */
function wordPattern(word: string): RegExp {
  let re = wordPatterns.get(word);
  if (!re) {
    re = wordRegExp(word);
    wordPatterns.set(word, re);
  }
  return re;
}

/** The function_item (or closure at top level) whose body contains `node`. */
export function functionNode(node: SyntaxNode): SyntaxNode | null {
  for (let cur = node.parent; cur; cur = cur.parent) if (cur.type === 'function_item') return cur;
  return null;
}
