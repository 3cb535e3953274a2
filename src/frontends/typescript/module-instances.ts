// Module-level objects a file makes with `new` and exports: `export const jobs = new JobController()`,
// `export default new Store()`, `module.exports = new Scheduler()`, `exports.bus = new Bus()`. Another
// file that imports one (`import { jobs } from './jobs'; jobs.start()`) calls a method of that class,
// on the one instance the module made; the join is the analysis's (analysis/imported-instances.ts).
import type { SyntaxNode } from '../../parse/syntax.js';
import { DEFAULT_EXPORT, type ModuleInstance } from '../../facts/types.js';
import { kids } from '../shared/tree.js';
import { memberPath, unwrap } from './qualify.js';
import { packageRoot, type FileScope } from './scope.js';
import { importedFile } from './call-facts.js';

/** Cheap test on the source before the top-level statements are read. */
const MAY_EXPORT_INSTANCE = /\bnew\s+[A-Z]/;

/**
 * The exported module-level instances of `root`'s file (`path` without extension: `bare`), each with
 * the file its class comes from: an import by relative path, or this file when it declares the class.
 */
export function moduleInstancesOf(root: SyntaxNode, source: string, scope: FileScope, bare: string): ModuleInstance[] {
  if (!MAY_EXPORT_INSTANCE.test(source) || !/\bexports?\b/.test(source)) return [];
  /** Module-level `const x = new C(..)`: x -> C. */
  const made = new Map<string, string>();
  /** Export name -> what it exports: a local name, or a class constructed right there. */
  const exported: { name: string; local?: string; cls?: string; line: number }[] = [];
  const constructed = (value: SyntaxNode | null): string | undefined => {
    if (!value) return undefined;
    const v = unwrap(value);
    if (v.type !== 'new_expression') return undefined;
    const ctor = v.childForFieldName('constructor');
    return ctor?.type === 'identifier' && /^[A-Z]/.test(ctor.text) ? ctor.text : undefined;
  };
  const exportValue = (name: string, value: SyntaxNode | null, line: number): void => {
    if (!value) return;
    const cls = constructed(value);
    const v = unwrap(value);
    if (cls) exported.push({ name, cls, line });
    else if (v.type === 'identifier') exported.push({ name, local: v.text, line });
    // `module.exports = { jobs, bus: new Bus() }`: each property is a named export.
    else if (v.type === 'object' && name === DEFAULT_EXPORT) {
      for (const p of kids(v)) {
        if (p.type === 'shorthand_property_identifier') exported.push({ name: p.text, local: p.text, line });
        else if (p.type === 'pair') {
          const key = p.childForFieldName('key');
          if (key?.type === 'property_identifier') exportValue(key.text, p.childForFieldName('value'), line);
        }
      }
    }
  };
  for (const statement of kids(root)) {
    const line = statement.startPosition.row + 1;
    if (statement.type === 'lexical_declaration' || statement.type === 'variable_declaration') {
      declared(statement, made, constructed);
      continue;
    }
    if (statement.type === 'export_statement') {
      const declaration = statement.childForFieldName('declaration');
      if (declaration && (declaration.type === 'lexical_declaration' || declaration.type === 'variable_declaration')) {
        for (const name of declared(declaration, made, constructed)) exported.push({ name, local: name, line });
        continue;
      }
      // `export default jobs`, `export default new Jobs()`
      const value = statement.childForFieldName('value');
      if (value) {
        exportValue(DEFAULT_EXPORT, value, line);
        continue;
      }
      // `export { jobs, bus as events }` (not a re-export from another module)
      if (statement.childForFieldName('source')) continue;
      const clause = kids(statement).find((k) => k.type === 'export_clause');
      for (const spec of clause ? kids(clause) : []) {
        if (spec.type !== 'export_specifier') continue;
        const local = spec.childForFieldName('name')?.text;
        const alias = spec.childForFieldName('alias')?.text;
        if (local) exported.push({ name: alias === 'default' ? DEFAULT_EXPORT : (alias ?? local), local, line });
      }
      continue;
    }
    // `module.exports = ..`, `exports.jobs = ..`, `module.exports.jobs = ..`
    if (statement.type !== 'expression_statement') continue;
    const assignment = kids(statement)[0];
    if (assignment?.type !== 'assignment_expression') continue;
    const left = assignment.childForFieldName('left');
    const path = left ? memberPath(left) : undefined;
    if (!path) continue;
    const name = path.length === 2 && path[0] === 'module' && path[1] === 'exports' ? DEFAULT_EXPORT
      : path.length === 2 && path[0] === 'exports' ? path[1]!
      : path.length === 3 && path[0] === 'module' && path[1] === 'exports' ? path[2]!
      : undefined;
    if (name !== undefined) exportValue(name, assignment.childForFieldName('right'), line);
  }
  const out: ModuleInstance[] = [];
  const names = new Map<string, number>();
  for (const e of exported) names.set(e.name, (names.get(e.name) ?? 0) + 1);
  for (const e of exported) {
    // An export assigned twice (`module.exports = a` then `= b`) may hold either: no one class.
    if (names.get(e.name)! > 1) continue;
    const cls = e.cls ?? (e.local !== undefined ? made.get(e.local) : undefined);
    if (!cls) continue;
    out.push({ name: e.name, cls, ...classSource(cls, scope, bare), line: e.line });
  }
  return out;
}

/** The names a module-level declaration binds, recording those bound to `new C(..)` in `made`. */
function declared(declaration: SyntaxNode, made: Map<string, string>, constructed: (value: SyntaxNode | null) => string | undefined): string[] {
  const out: string[] = [];
  for (const declarator of kids(declaration)) {
    if (declarator.type !== 'variable_declarator') continue;
    const name = declarator.childForFieldName('name');
    if (name?.type !== 'identifier') continue;
    out.push(name.text);
    const cls = constructed(declarator.childForFieldName('value'));
    if (cls) made.set(name.text, cls);
  }
  return out;
}

/**
 * Where the class comes from: the file a relative import names (without extension), this file when
 * it declares the class, or a package (`external`: a class no file of the project declares, or a
 * path alias that cannot be read here).
 */
function classSource(cls: string, scope: FileScope, bare: string): { clsFile?: string; external?: true } {
  const imported = scope.imports.get(cls);
  if (imported) {
    if (packageRoot(imported.module) !== undefined || !imported.module.startsWith('.')) return { external: true };
    return { clsFile: importedFile(bare, imported.module) };
  }
  return scope.moduleNames.has(cls) ? { clsFile: bare } : { external: true };
}
