// Go imports: the name a file uses for each imported package, and the
// qualified path a `pkg.Name` selector resolves to (`http.Get` -> `net/http.Get`).
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';

export interface GoImports {
  /** Local package name -> import path (`http` -> `net/http`, `sigs` -> `os/signal`). */
  byName: Map<string, string>;
  /** Every import path, sorted. */
  paths: string[];
}

/** The name a package is used under when the import gives none: the last path element, without a major-version suffix. */
export function defaultPackageName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1] ?? path;
  // `github.com/x/y/v2` is package y; `gopkg.in/yaml.v3` is package yaml.
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2]!;
  last = last.replace(/\.v\d+$/, '').replace(/^go-/, '').replace(/[-.]go$/, '');
  return last.replace(/[^A-Za-z0-9_]/g, '_');
}

export function collectImports(root: SyntaxNode): GoImports {
  const byName = new Map<string, string>();
  const paths = new Set<string>();
  // Imports come first in a file: only its import declarations are searched.
  const specs = kids(root).filter((d) => d.type === 'import_declaration').flatMap((d) => d.descendantsOfType('import_spec'));
  for (const spec of specs) {
    if (!spec) continue;
    const pathNode = spec.childForFieldName('path');
    const path = pathNode?.text.replace(/^["`]|["`]$/g, '');
    if (!path) continue;
    paths.add(path);
    const alias = spec.childForFieldName('name')?.text;
    // `_` imports run init only; `.` imports merge names in (left unresolved).
    if (alias === '_' || alias === '.') continue;
    byName.set(alias ?? defaultPackageName(path), path);
  }
  return { byName, paths: [...paths].sort() };
}

/** `pkg.Name` (a selector on an imported package name) -> `import/path.Name`. */
export function qualifiedSelector(node: SyntaxNode, imports: GoImports, shadowed: (name: string) => boolean): string | undefined {
  if (node.type !== 'selector_expression') return undefined;
  const operand = node.childForFieldName('operand');
  const field = node.childForFieldName('field');
  if (operand?.type !== 'identifier' || !field) return undefined;
  const path = imports.byName.get(operand.text);
  if (!path || shadowed(operand.text)) return undefined;
  return `${path}.${field.text}`;
}

/** `http.Transport`, `*http.Transport` -> `net/http.Transport` for a composite literal's type. */
export function qualifiedType(type: SyntaxNode | null, imports: GoImports): string | undefined {
  if (!type) return undefined;
  if (type.type === 'pointer_type') return qualifiedType(kids(type)[0] ?? null, imports);
  if (type.type !== 'qualified_type') return undefined;
  const pkg = type.childForFieldName('package')?.text;
  const name = type.childForFieldName('name')?.text;
  const path = pkg ? imports.byName.get(pkg) : undefined;
  return path && name ? `${path}.${name}` : undefined;
}
