// Python imports: which module a name in a call refers to. `import threading as th`
// makes `th.Thread` mean `threading.Thread`; `from asyncio import create_task`
// makes a bare `create_task` mean `asyncio.create_task`.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';

export interface PythonImports {
  /** Local name -> fully qualified module path or imported object (`th` -> `threading`). */
  names: Map<string, string>;
  /** Local names bound by `import x` / `import x.y as z`: modules, not objects. */
  modules: Set<string>;
  /** Top-level packages the file imports (`asyncio`, `sqlalchemy`). */
  roots: Set<string>;
}

export const IMPORT_NODE_TYPES = ['import_statement', 'import_from_statement'];

export function collectImports(nodes: readonly SyntaxNode[]): PythonImports {
  const out: PythonImports = { names: new Map(), modules: new Set(), roots: new Set() };
  for (const node of nodes) {
    if (node.type === 'import_statement') {
      for (const item of kids(node)) {
        if (item.type === 'dotted_name') {
          // `import concurrent.futures` binds `concurrent`; `concurrent.futures.X` is then written out in full.
          const first = item.text.split('.')[0]!;
          out.names.set(first, first);
          out.modules.add(first);
          out.roots.add(first);
        } else if (item.type === 'aliased_import') {
          const path = item.childForFieldName('name')?.text;
          const alias = item.childForFieldName('alias')?.text;
          if (!path || !alias) continue;
          out.names.set(alias, path);
          out.modules.add(alias);
          out.roots.add(path.split('.')[0]!);
        }
      }
      continue;
    }
    const moduleNode = node.childForFieldName('module_name');
    const module = moduleNode?.text ?? '';
    // `from . import x`, `from .db import connect`: the project's own code, named relative to the file.
    const relative = module.startsWith('.');
    if (!relative && module) out.roots.add(module.split('.')[0]!);
    for (const item of kids(node)) {
      if (moduleNode && item.startIndex === moduleNode.startIndex) continue;
      let name: string | undefined;
      let alias: string | undefined;
      if (item.type === 'dotted_name') name = alias = item.text;
      else if (item.type === 'aliased_import') {
        name = item.childForFieldName('name')?.text;
        alias = item.childForFieldName('alias')?.text;
      }
      if (!name || !alias) continue;
      out.names.set(alias, relative ? `${module}${module.endsWith('.') ? '' : '.'}${name}` : `${module}.${name}`);
    }
  }
  return out;
}

/** `th.Thread` -> `threading.Thread` after `import threading as th`; an unimported name stays as written. */
export function qualify(dotted: string, imports: PythonImports): string {
  const dot = dotted.indexOf('.');
  const first = dot < 0 ? dotted : dotted.slice(0, dot);
  const resolved = imports.names.get(first);
  if (!resolved) return dotted;
  return dot < 0 ? resolved : `${resolved}${dotted.slice(dot)}`;
}

/** The dotted text of a name or attribute chain of names (`asyncio.create_task`); undefined for anything else. */
export function dottedName(node: SyntaxNode): string | undefined {
  const parts: string[] = [];
  let cur: SyntaxNode | null = node;
  // A loop, not recursion: a chain of thousands of attributes must not overflow the stack.
  while (cur?.type === 'attribute') {
    const attr = cur.childForFieldName('attribute')?.text;
    if (!attr || parts.length > 16) return undefined;
    parts.push(attr);
    cur = cur.childForFieldName('object');
  }
  if (cur?.type !== 'identifier') return undefined;
  parts.push(cur.text);
  return parts.reverse().join('.');
}
