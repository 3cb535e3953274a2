// File-level bindings of a TypeScript/JavaScript module: what each imported
// name refers to, which names live at module level, which functions the module
// calls when it loads, and the numeric constants a period can refer to.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, same, walk } from '../shared/tree.js';

export interface ImportBinding {
  /** Module specifier without a `node:` prefix: `pg`, `timers/promises`, `./bus`. */
  module: string;
  /** The export it names; `*` for a namespace or default import (CommonJS interop makes them the same object). */
  name: string;
}

export interface FileScope {
  imports: Map<string, ImportBinding>;
  /** Package roots the file imports (`pg`, `@grpc/grpc-js`, `child_process`); relative imports left out. */
  roots: Set<string>;
  /** Names declared at the top level of the module (variables, functions, classes). */
  moduleNames: Set<string>;
  /** Top-level variables: handles stored there live as long as the process. */
  moduleVars: Set<string>;
  /** Top-level functions the module calls while it loads: entry points. */
  moduleCalls: Set<string>;
  /** `const EVERY = 10_000`, `static readonly PERIOD = 5 * 1000`: name -> value. */
  numbers: Map<string, number>;
  /** Every name declared anywhere in the file: a global it declares is not the global. */
  declared: Set<string>;
  /** `const self = this`: names that stand for `this`. */
  thisAliases: Set<string>;
}

/** A member path with `this` aliases (`self.timer`, `that.bus`) written as `this`. */
export function thisPath(path: string[] | undefined, scope: FileScope): string[] | undefined {
  if (!path || path.length === 0 || !scope.thisAliases.has(path[0]!)) return path;
  return ['this', ...path.slice(1)];
}

export function normaliseModule(specifier: string): string {
  return specifier.replace(/^node:/, '');
}

/** `pg` -> `pg`; `mysql2/promise` -> `mysql2`; `@grpc/grpc-js/build` -> `@grpc/grpc-js`; relative -> undefined. */
export function packageRoot(specifier: string): string | undefined {
  const spec = normaliseModule(specifier);
  if (spec.startsWith('.') || spec.startsWith('/') || spec === '') return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'string') return node.text.slice(1, -1);
  if (node.type === 'template_string' && !node.text.includes('${')) return node.text.slice(1, -1);
  return undefined;
}

/** `require('m')`, `require('m').x`, `require('m').verbose()`, `await import('m')`: the module and export it yields. */
export function requiredModule(expr: SyntaxNode | null | undefined): ImportBinding | undefined {
  if (!expr) return undefined;
  if (expr.type === 'await_expression') return requiredModule(kids(expr)[0]);
  if (expr.type === 'parenthesized_expression') return requiredModule(kids(expr)[0]);
  if (expr.type === 'call_expression') {
    const fn = expr.childForFieldName('function');
    const args = expr.childForFieldName('arguments');
    if ((fn?.type === 'identifier' && fn.text === 'require') || fn?.type === 'import') {
      const spec = stringValue(args ? kids(args)[0] : undefined);
      return spec === undefined ? undefined : { module: normaliseModule(spec), name: '*' };
    }
    // `require('sqlite3').verbose()` is still the module.
    if (fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'verbose') {
      return requiredModule(fn.childForFieldName('object'));
    }
    return undefined;
  }
  if (expr.type === 'member_expression') {
    const base = requiredModule(expr.childForFieldName('object'));
    const prop = expr.childForFieldName('property')?.text;
    if (base && prop) return base.name === '*' ? { module: base.module, name: prop } : { module: base.module, name: `${base.name}.${prop}` };
  }
  return undefined;
}

/** Collects the file scope node by node, so the frontend's single walk can feed it. */
export class ScopeCollector {
  readonly scope: FileScope = {
    imports: new Map(),
    roots: new Set(),
    moduleNames: new Set(),
    moduleVars: new Set(),
    moduleCalls: new Set(),
    numbers: new Map(),
    declared: new Set(),
    thisAliases: new Set(),
  };
  private readonly ambiguous = new Set<string>();

  private addRoot(spec: string): void {
    const r = packageRoot(spec);
    if (r) this.scope.roots.add(r);
  }

  private setNumber(name: string, value: number | undefined): void {
    if (value === undefined || this.ambiguous.has(name)) return;
    const old = this.scope.numbers.get(name);
    if (old !== undefined && old !== value) {
      this.scope.numbers.delete(name);
      this.ambiguous.add(name);
    } else this.scope.numbers.set(name, value);
  }

  /** Looks at one node; returns false when its children hold nothing more for the scope (an import). */
  visit(node: SyntaxNode): boolean {
    const scope = this.scope;
    addDeclarations(node, scope.declared);
    switch (node.type) {
      case 'import_statement': {
        const source = stringValue(node.childForFieldName('source'));
        if (source === undefined) {
          // `import x = require('m')`
          const clause = kids(node).find((k) => k.type === 'import_require_clause');
          const id = clause ? kids(clause).find((k) => k.type === 'identifier') : undefined;
          const spec = clause ? stringValue(kids(clause).find((k) => k.type === 'string')) : undefined;
          if (id && spec !== undefined) {
            scope.imports.set(id.text, { module: normaliseModule(spec), name: '*' });
            this.addRoot(spec);
          }
          return false;
        }
        this.addRoot(source);
        const module = normaliseModule(source);
        const clause = kids(node).find((k) => k.type === 'import_clause');
        for (const part of clause ? kids(clause) : []) {
          if (part.type === 'identifier') scope.imports.set(part.text, { module, name: '*' });
          else if (part.type === 'namespace_import') {
            const id = kids(part).find((k) => k.type === 'identifier');
            if (id) scope.imports.set(id.text, { module, name: '*' });
          } else if (part.type === 'named_imports') {
            for (const spec of kids(part)) {
              if (spec.type !== 'import_specifier') continue;
              const name = spec.childForFieldName('name')?.text;
              const alias = spec.childForFieldName('alias')?.text;
              if (name) scope.imports.set(alias ?? name, { module, name: name === 'default' ? '*' : name });
            }
          }
        }
        return false;
      }
      case 'export_statement': {
        const source = stringValue(node.childForFieldName('source'));
        if (source !== undefined) this.addRoot(source);
        return true;
      }
      case 'variable_declarator': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        const required = requiredModule(value);
        if (required && name) {
          this.addRoot(required.module);
          if (name.type === 'identifier') scope.imports.set(name.text, required);
          else if (name.type === 'object_pattern') {
            for (const p of kids(name)) {
              if (p.type === 'shorthand_property_identifier_pattern') scope.imports.set(p.text, { module: required.module, name: p.text });
              else if (p.type === 'pair_pattern') {
                const key = p.childForFieldName('key')?.text;
                const local = p.childForFieldName('value');
                if (key && local?.type === 'identifier') scope.imports.set(local.text, { module: required.module, name: key });
              }
            }
          }
        }
        if (name?.type === 'identifier' && value?.type === 'this') scope.thisAliases.add(name.text);
        const decl = node.parent;
        if (name?.type === 'identifier' && value && decl?.type === 'lexical_declaration' && /^const\b/.test(decl.text)) {
          this.setNumber(name.text, numberOf(value, scope.numbers));
        }
        return true;
      }
      case 'call_expression': {
        const fn = node.childForFieldName('function');
        if (fn?.type === 'import' || (fn?.type === 'identifier' && fn.text === 'require')) {
          const args = node.childForFieldName('arguments');
          const spec = stringValue(args ? kids(args)[0] : undefined);
          if (spec !== undefined) this.addRoot(spec);
        }
        return true;
      }
      case 'public_field_definition': {
        // `static readonly PERIOD = 5000` / `private readonly every = 10_000`
        const name = node.childForFieldName('name')?.text;
        const value = node.childForFieldName('value');
        if (name && value && /\breadonly\b/.test(node.text.slice(0, node.text.indexOf(name)))) this.setNumber(name, numberOf(value, scope.numbers));
        return true;
      }
      default:
        return true;
    }
  }

  /** The module-level facts, read from the top-level statements once every node was visited. */
  finish(root: SyntaxNode): FileScope {
    for (const stmt of kids(root)) collectTopLevel(stmt, this.scope);
    return this.scope;
  }
}

function collectTopLevel(stmt: SyntaxNode, scope: FileScope): void {
  const inner = stmt.type === 'export_statement' ? (stmt.childForFieldName('declaration') ?? stmt) : stmt;
  switch (inner.type) {
    case 'lexical_declaration':
    case 'variable_declaration':
      for (const d of kids(inner)) {
        if (d.type !== 'variable_declarator') continue;
        const name = d.childForFieldName('name');
        if (name?.type === 'identifier') {
          scope.moduleNames.add(name.text);
          const value = d.childForFieldName('value');
          if (!value || !isFunctionValue(value)) scope.moduleVars.add(name.text);
        }
      }
      return;
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'class_declaration':
    case 'abstract_class_declaration': {
      const name = inner.childForFieldName('name')?.text;
      if (name) scope.moduleNames.add(name);
      return;
    }
    default:
      collectModuleCalls(inner, scope);
  }
}

function isFunctionValue(node: SyntaxNode): boolean {
  return node.type === 'arrow_function' || node.type === 'function_expression' || node.type === 'function' || node.type === 'class';
}

/** Calls made while the module loads (`main()`, `main().catch(..)`, `void start()`), outside any function. */
function collectModuleCalls(stmt: SyntaxNode, scope: FileScope): void {
  walk(stmt, (node) => {
    if (FUNCTION_LIKE.has(node.type)) return false;
    if (node.type === 'call_expression') {
      const fn = node.childForFieldName('function');
      if (fn?.type === 'identifier') scope.moduleCalls.add(fn.text);
    }
    return true;
  });
}

const FUNCTION_LIKE = new Set(['function_declaration', 'generator_function_declaration', 'function_expression', 'function', 'generator_function', 'arrow_function', 'method_definition', 'class_declaration', 'class']);

/** A compile-time number: literals (`10_000`, `0x10`), `+ - * /`, parentheses, `as const`, known constants. */
export function numberOf(node: SyntaxNode, consts: ReadonlyMap<string, number>, depth = 0): number | undefined {
  // Real constants are shallow; a generated 10 000-term sum is not worth a deep recursion.
  if (depth > 32) return undefined;
  switch (node.type) {
    case 'number': {
      const n = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(n) ? n : undefined;
    }
    case 'identifier':
      return consts.get(node.text);
    case 'member_expression': {
      // `this.PERIOD`, `Poller.PERIOD`, `config.INTERVAL` when the name is a known constant
      const prop = node.childForFieldName('property')?.text;
      return prop ? consts.get(prop) : undefined;
    }
    case 'parenthesized_expression':
    case 'as_expression':
    case 'satisfies_expression':
    case 'non_null_expression': {
      const inner = kids(node)[0];
      return inner ? numberOf(inner, consts, depth + 1) : undefined;
    }
    case 'binary_expression': {
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text;
      const a = l ? numberOf(l, consts, depth + 1) : undefined;
      const b = r ? numberOf(r, consts, depth + 1) : undefined;
      if (a === undefined || b === undefined) return undefined;
      if (op === '*') return a * b;
      if (op === '+') return a + b;
      if (op === '-') return a - b;
      if (op === '/' && b !== 0) return a / b;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Every name a subtree declares: variables, parameters, catch and loop bindings, functions and classes. */
export function declaredNames(root: SyntaxNode): Set<string> {
  const out = new Set<string>();
  walk(root, (n) => {
    addDeclarations(n, out);
    return true;
  });
  return out;
}

/** The names one node declares. */
function addDeclarations(n: SyntaxNode, out: Set<string>): void {
  switch (n.type) {
    case 'variable_declarator':
      addPattern(n.childForFieldName('name'), out);
      return;
    case 'required_parameter':
    case 'optional_parameter':
      addPattern(n.childForFieldName('pattern'), out);
      return;
    case 'formal_parameters':
      for (const p of kids(n)) if (p.type === 'identifier' || p.type.endsWith('_pattern')) addPattern(p, out);
      return;
    case 'arrow_function': {
      const single = n.childForFieldName('parameter');
      if (single) addPattern(single, out);
      return;
    }
    case 'catch_clause':
      addPattern(n.childForFieldName('parameter'), out);
      return;
    case 'for_in_statement':
      if (n.childForFieldName('kind')) addPattern(n.childForFieldName('left'), out);
      return;
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'class_declaration': {
      const name = n.childForFieldName('name');
      if (name) out.add(name.text);
      return;
    }
    default:
      return;
  }
}

function addPattern(pattern: SyntaxNode | null, out: Set<string>): void {
  if (!pattern) return;
  if (pattern.type === 'identifier') {
    out.add(pattern.text);
    return;
  }
  walk(pattern, (p) => {
    if (p.type === 'identifier' || p.type === 'shorthand_property_identifier_pattern') out.add(p.text);
    // Default values are expressions, not bindings.
    return p.type !== 'type_annotation' && !(p.parent?.type === 'assignment_pattern' && same(p.parent.childForFieldName('right'), p));
  });
}
