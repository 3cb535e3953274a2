// Rust `use` declarations -> a resolver from the path written at a call site
// to the fully qualified paths it can mean.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, walk } from '../shared/tree.js';
import type { NodeIndex } from './node-index.js';

export interface RustImports {
  /**
   * Local name -> qualified paths (`spawn` -> `tokio::spawn`, `Connection` -> `rusqlite::Connection`).
   * Several when the file imports one name in different scopes (a function-local `use sqlx::Connection`).
   */
  names: Map<string, string[]>;
  /** `use a::b::*` roots. */
  globs: string[];
  /** Crate roots named in any use path or qualified call (`tokio`, `rusqlite`). */
  roots: Set<string>;
}

function bind(imports: RustImports, name: string, path: string): void {
  const list = imports.names.get(name);
  if (!list) imports.names.set(name, [path]);
  else if (!list.includes(path)) list.push(path);
}

/** The node types `collectImports` needs in its index. */
export const IMPORT_NODE_TYPES = ['use_declaration', 'scoped_identifier'] as const;

/**
 * Imports of a file. With an index (pre-order nodes that include every
 * `IMPORT_NODE_TYPES` node) no tree walk is needed; the answer is the same.
 */
export function collectImports(root: SyntaxNode, index?: NodeIndex): RustImports {
  const imports: RustImports = { names: new Map(), globs: [], roots: new Set() };
  if (!index) {
    walk(root, (node) => {
      if (node.type === 'use_declaration') {
        addUseDeclaration(node, imports);
        return false;
      }
      if (node.type === 'scoped_identifier' && node.parent?.type !== 'scoped_identifier') addRoot(node, imports);
      return true;
    });
    return imports;
  }
  // End of the `use` declaration being skipped, and of the scoped identifiers seen:
  // a node that starts after all of them cannot be inside one.
  let useEnd = -1;
  let scopedEnd = -1;
  for (let i = 0; i < index.nodes.length; i++) {
    const type = index.types[i];
    if (type !== 'use_declaration' && type !== 'scoped_identifier') continue;
    const node = index.nodes[i]!;
    if (node.startIndex < useEnd) continue;
    if (type === 'use_declaration') {
      addUseDeclaration(node, imports);
      useEnd = node.endIndex;
      continue;
    }
    const nested = node.startIndex < scopedEnd;
    scopedEnd = Math.max(scopedEnd, node.endIndex);
    if (!nested || node.parent?.type !== 'scoped_identifier') addRoot(node, imports);
  }
  return imports;
}

function addUseDeclaration(node: SyntaxNode, imports: RustImports): void {
  const arg = node.childForFieldName('argument');
  if (arg) addUse(arg, '', imports);
}

function addRoot(scoped: SyntaxNode, imports: RustImports): void {
  const first = scoped.text.split('::')[0]!.trim();
  if (/^[a-z_][a-z0-9_]*$/.test(first)) imports.roots.add(first);
}

function join(prefix: string, rest: string): string {
  return prefix ? `${prefix}::${rest}` : rest;
}

function addUse(node: SyntaxNode, prefix: string, imports: RustImports): void {
  switch (node.type) {
    case 'identifier':
    case 'scoped_identifier':
    case 'crate':
    case 'self':
    case 'super': {
      const full = join(prefix, node.text.replace(/\s+/g, ''));
      const segments = full.split('::');
      const last = segments[segments.length - 1]!;
      if (last === 'self') {
        const parent = segments.slice(0, -1).join('::');
        bind(imports, segments[segments.length - 2] ?? parent, parent);
      } else {
        bind(imports, last, full);
      }
      imports.roots.add(segments[0]!);
      return;
    }
    case 'use_as_clause': {
      const path = node.childForFieldName('path');
      const alias = node.childForFieldName('alias');
      if (path && alias) {
        const full = join(prefix, path.text.replace(/\s+/g, ''));
        bind(imports, alias.text, full);
        imports.roots.add(full.split('::')[0]!);
      }
      return;
    }
    case 'use_wildcard': {
      const text = node.text.replace(/\s+/g, '').replace(/::\*$/, '').replace(/^\*$/, '');
      const full = join(prefix, text);
      if (full) {
        imports.globs.push(full);
        imports.roots.add(full.split('::')[0]!);
      }
      return;
    }
    case 'scoped_use_list': {
      const path = node.childForFieldName('path');
      const list = node.childForFieldName('list');
      const next = path ? join(prefix, path.text.replace(/\s+/g, '')) : prefix;
      if (next) imports.roots.add(next.split('::')[0]!);
      if (list) for (const item of kids(list)) addUse(item, next, imports);
      return;
    }
    case 'use_list':
      for (const item of kids(node)) addUse(item, prefix, imports);
      return;
    default:
      return;
  }
}

/** Words joined by `::`, without spaces or generics: its own normal form. */
const PLAIN_PATH = /^\w+(?:::\w+)*$/;

/** Strip turbofish / generic arguments: `Vec::<T>::new` -> `Vec::new`. */
export function normalisePath(text: string): string {
  // The common case, `a::b::c` as written, has nothing to strip.
  if (PLAIN_PATH.test(text)) return text;
  let out = '';
  let depth = 0;
  for (const ch of text.replace(/\s+/g, '')) {
    if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out.replace(/::::/g, '::').replace(/::$/, '').replace(/^::/, '');
}

/** The qualified paths a written call path can mean, most specific first. */
export function resolvePath(written: string, imports: RustImports): string[] {
  const path = normalisePath(written);
  const segments = path.split('::');
  const head = segments[0]!;
  const tail = segments.slice(1);
  const out: string[] = [];
  for (const mapped of imports.names.get(head) ?? []) out.push([mapped, ...tail].join('::'));
  out.push(path);
  for (const glob of imports.globs) out.push(`${glob}::${path}`);
  return out;
}
