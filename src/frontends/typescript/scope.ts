// File-level bindings of a TypeScript/JavaScript module: what each imported
// name refers to, which names live at module level, which functions the module
// calls when it loads, and the numeric constants a period can refer to.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, same, walk } from '../shared/tree.js';
import { EnclosingStack, isWithin, type NodeIndex } from './node-index.js';
import { CallSite } from './call-site.js';

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

/** `import type X from 'm'`, `import type { X } from 'm'`: erased at compile time. */
function isTypeOnlyImport(statement: SyntaxNode): boolean {
  return statement.children.some((c) => c?.type === 'type');
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
export function requiredModule(expr: SyntaxNode | null | undefined, type: string | undefined = expr?.type): ImportBinding | undefined {
  // Each node's type is read once, and a field only when it can matter: every read crosses into the parser.
  if (!expr) return undefined;
  if (type === 'await_expression') return requiredModule(kids(expr)[0]);
  if (type === 'parenthesized_expression') return requiredModule(kids(expr)[0]);
  if (type === 'call_expression') {
    const fn = expr.childForFieldName('function');
    const fnType = fn?.type;
    if ((fnType === 'identifier' && fn!.text === 'require') || fnType === 'import') {
      const args = expr.childForFieldName('arguments');
      const spec = stringValue(args ? kids(args)[0] : undefined);
      return spec === undefined ? undefined : { module: normaliseModule(spec), name: '*' };
    }
    // `require('sqlite3').verbose()` is still the module.
    if (fnType === 'member_expression' && fn!.childForFieldName('property')?.text === 'verbose') {
      return requiredModule(fn!.childForFieldName('object'));
    }
    return undefined;
  }
  if (type === 'member_expression') {
    const base = requiredModule(expr.childForFieldName('object'));
    if (!base) return undefined;
    const prop = expr.childForFieldName('property')?.text;
    if (prop) return base.name === '*' ? { module: base.module, name: prop } : { module: base.module, name: `${base.name}.${prop}` };
  }
  return undefined;
}

/** The node types `addDeclarations` looks at. */
const DECLARING_NODE_TYPES: readonly string[] = [
  'variable_declarator',
  'required_parameter',
  'optional_parameter',
  'formal_parameters',
  'arrow_function',
  'catch_clause',
  'for_in_statement',
  'function_declaration',
  'generator_function_declaration',
  'class_declaration',
];

/** Functions and classes: code in them does not run while the module loads. */
const FUNCTION_LIKE: ReadonlySet<string> = new Set(['function_declaration', 'generator_function_declaration', 'function_expression', 'function', 'generator_function', 'arrow_function', 'method_definition', 'class_declaration', 'class']);

/** The node types `ScopeCollector.visit` and `track` act on; every other node is nothing to them. */
export const SCOPE_NODE_TYPES: readonly string[] = [
  'import_statement',
  'export_statement',
  'variable_declarator',
  'call_expression',
  'public_field_definition',
  ...DECLARING_NODE_TYPES,
  ...FUNCTION_LIKE,
];

const DECLARING: ReadonlySet<string> = new Set(DECLARING_NODE_TYPES);

/** Collects the file scope node by node, so the frontend's single pass can feed it. */
export class ScopeCollector {
  readonly scope: FileScope;
  private readonly ambiguous = new Set<string>();
  /**
   * The declaring nodes visited, for `scope.declared`. Most files never ask for it
   * (it decides only whether a bare global name or a listener's root is the
   * file's own), so the names are read from these nodes on the first question.
   */
  private readonly declaring: SyntaxNode[] = [];
  private readonly declaringTypes: string[] = [];
  private declared: Set<string> | undefined;
  private finished = false;
  /** Functions and classes around the node being tracked. */
  private readonly functionLike = new EnclosingStack<true>();
  /** Calls outside every function and class, in order: `finish` keeps those in top-level code. */
  private readonly moduleLevelCalls: SyntaxNode[] = [];

  constructor() {
    const collector = this;
    this.scope = {
      imports: new Map(),
      roots: new Set(),
      moduleNames: new Set(),
      moduleVars: new Set(),
      moduleCalls: new Set(),
      numbers: new Map(),
      get declared(): Set<string> {
        return collector.declaredNames();
      },
      thisAliases: new Set(),
    };
  }

  private declaredNames(): Set<string> {
    if (this.declared) return this.declared;
    if (!this.finished) throw new Error('declared names asked for before every node was visited');
    this.declared = new Set();
    for (let i = 0; i < this.declaring.length; i++) addDeclarations(this.declaring[i]!, this.declaringTypes[i]!, this.declared);
    return this.declared;
  }

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

  /**
   * Sees every node of the pass in pre-order, the insides of imports included
   * (the walk for module calls this replaces did not skip them).
   */
  track(node: SyntaxNode, type: string): void {
    this.functionLike.enter(node);
    if (type === 'call_expression' && this.functionLike.depth === 0) this.moduleLevelCalls.push(node);
    if (FUNCTION_LIKE.has(type)) this.functionLike.push(node, true);
  }

  /**
   * Looks at one node (`site`: a call's, when the caller keeps it); returns false when
   * its children hold nothing more for the scope (an import).
   */
  visit(node: SyntaxNode, type: string, site?: CallSite): boolean {
    const scope = this.scope;
    if (DECLARING.has(type)) {
      this.declaring.push(node);
      this.declaringTypes.push(type);
    }
    switch (type) {
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
        // `import type express from 'express'`: no runtime import, so not a library the file uses.
        if (!isTypeOnlyImport(node)) this.addRoot(source);
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
        // The value first: only a `require`, `this` or a number makes the name worth reading.
        const value = node.childForFieldName('value');
        if (!value) return true;
        const valueType = value.type;
        const required = requiredModule(value, valueType);
        const number = numberOf(value, scope.numbers, 0, valueType);
        if (!required && valueType !== 'this' && number === undefined) return true;
        const name = node.childForFieldName('name');
        const nameType = name?.type;
        if (required && name) {
          this.addRoot(required.module);
          if (nameType === 'identifier') scope.imports.set(name.text, required);
          else if (nameType === 'object_pattern') {
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
        if (nameType === 'identifier' && valueType === 'this') scope.thisAliases.add(name!.text);
        if (nameType === 'identifier' && number !== undefined) {
          const decl = node.parent;
          if (decl?.type === 'lexical_declaration' && /^const\b/.test(decl.text)) this.setNumber(name!.text, number);
        }
        return true;
      }
      case 'call_expression': {
        const call = site ?? new CallSite(node, type);
        if (call.calleeType === 'import' || call.identifier === 'require') {
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
        // The value first: most are not numbers, and then the field's text need not be read.
        const number = name && value ? numberOf(value, scope.numbers) : undefined;
        if (number !== undefined) {
          const text = node.text;
          if (/\breadonly\b/.test(text.slice(0, text.indexOf(name!)))) this.setNumber(name!, number);
        }
        return true;
      }
      default:
        return true;
    }
  }

  /** The module-level facts, read from the top-level statements once every node was visited. */
  finish(root: SyntaxNode): FileScope {
    this.finished = true;
    const calls = this.moduleLevelCalls;
    let next = 0;
    for (const stmt of kids(root)) {
      const code = collectTopLevel(stmt, this.scope);
      if (!code) continue;
      // Statements come in order: calls before this one's code are in none of the rest.
      while (next < calls.length && calls[next]!.startIndex < code.startIndex) next++;
      const end = code.endIndex;
      for (let i = next; i < calls.length && calls[i]!.startIndex <= end; i++) {
        if (isWithin(calls[i]!, code)) addModuleCall(calls[i]!, this.scope);
      }
    }
    return this.scope;
  }
}

/** Names and variables a top-level statement declares; returns the statement's code when it runs at load time. */
function collectTopLevel(stmt: SyntaxNode, scope: FileScope): SyntaxNode | undefined {
  const stmtType = stmt.type;
  const inner = stmtType === 'export_statement' ? (stmt.childForFieldName('declaration') ?? stmt) : stmt;
  switch (inner === stmt ? stmtType : inner.type) {
    case 'lexical_declaration':
    case 'variable_declaration':
      for (const d of kids(inner)) {
        if (d.type !== 'variable_declarator') continue;
        const name = d.childForFieldName('name');
        if (name?.type === 'identifier') {
          const text = name.text;
          scope.moduleNames.add(text);
          const value = d.childForFieldName('value');
          if (!value || !isFunctionValue(value)) scope.moduleVars.add(text);
        }
      }
      return undefined;
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'class_declaration':
    case 'abstract_class_declaration': {
      const name = inner.childForFieldName('name')?.text;
      if (name) scope.moduleNames.add(name);
      return undefined;
    }
    case 'ambient_declaration': {
      // `declare const shared: Connection`: a module-level name whose value comes from elsewhere.
      const declared = kids(inner).find((k) => k.type === 'lexical_declaration' || k.type === 'variable_declaration');
      if (declared) collectTopLevel(declared, scope);
      return undefined;
    }
    default:
      return inner;
  }
}

function isFunctionValue(node: SyntaxNode): boolean {
  const type = node.type;
  return type === 'arrow_function' || type === 'function_expression' || type === 'function' || type === 'class';
}

/**
 * A call made while the module loads (`main()`, `main().catch(..)`, `void start()`): in
 * top-level code, outside any function or class.
 */
function addModuleCall(call: SyntaxNode, scope: FileScope): void {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') scope.moduleCalls.add(fn.text);
}

/** A compile-time number: literals (`10_000`, `0x10`), `+ - * /`, parentheses, `as const`, known constants. */
export function numberOf(node: SyntaxNode, consts: ReadonlyMap<string, number>, depth = 0, type: string = node.type): number | undefined {
  // Real constants are shallow; a generated 10 000-term sum is not worth a deep recursion.
  if (depth > 32) return undefined;
  switch (type) {
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
export function declaredNames(root: SyntaxNode, index: NodeIndex): Set<string> {
  const out = new Set<string>();
  index.walk(root, DECLARING_NODE_TYPES, (n, type) => addDeclarations(n, type, out));
  return out;
}

/** The names one node (of type `type`) declares. */
function addDeclarations(n: SyntaxNode, type: string, out: Set<string>): void {
  switch (type) {
    case 'variable_declarator':
      // `declare const window: Window & {..}` only types the global for the checker: it binds nothing.
      if (n.parent?.parent?.type === 'ambient_declaration') return;
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
