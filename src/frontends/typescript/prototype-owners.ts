// Prototype-style owners: `function Pool() { this.timer = .. }` with methods assigned to
// `Pool.prototype.close = function () {..}`, `Pool.prototype = { close() {..} }` or
// `Object.assign(Pool.prototype, { close() {..} })`. The constructor function and its
// prototype methods are one owner, like a class: `this.x` in any of them is the owner's field,
// and a teardown method among them (`close`, `destroy` ..) is the owner's teardown.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { memberPath, unwrap } from './qualify.js';

/** Function values that bind their own `this`: an arrow function's `this` is the module's. */
const THIS_BINDING = new Set(['function_expression', 'function', 'generator_function']);

export interface PrototypeOwners {
  /** Start index of each constructor and prototype method function -> the owner's constructor. */
  ownerOf: Map<number, SyntaxNode>;
  /** Each owner's constructor, with its methods (name and function node). */
  owners: { ctor: SyntaxNode; methods: { name: string; fn: SyntaxNode }[] }[];
}

/** Statements the module runs while it loads: the program's, and those of a top-level IIFE (UMD wrappers). */
function moduleStatements(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const stmt of kids(root)) {
    out.push(stmt);
    if (stmt.type !== 'expression_statement') continue;
    const expr = stmt.namedChildren[0] ? unwrap(stmt.namedChildren[0]) : undefined;
    if (expr?.type !== 'call_expression') continue;
    const callee = expr.childForFieldName('function');
    const fn = callee ? unwrap(callee) : undefined;
    if (!fn || (fn.type !== 'function_expression' && fn.type !== 'function' && fn.type !== 'arrow_function')) continue;
    const body = fn.childForFieldName('body');
    if (body?.type === 'statement_block') out.push(...kids(body));
  }
  return out;
}

export function prototypeOwners(root: SyntaxNode): PrototypeOwners {
  const ctors = new Map<string, SyntaxNode>();
  const methods = new Map<string, { name: string; fn: SyntaxNode }[]>();
  const addMethod = (owner: string, name: string, value: SyntaxNode | null | undefined): void => {
    const fn = value ? unwrap(value) : undefined;
    if (!fn || (!THIS_BINDING.has(fn.type) && fn.type !== 'method_definition' && fn.type !== 'generator_function_declaration')) return;
    methods.set(owner, [...(methods.get(owner) ?? []), { name, fn }]);
  };
  const addObject = (owner: string, object: SyntaxNode): void => {
    for (const member of kids(object)) {
      if (member.type === 'method_definition') addMethod(owner, member.childForFieldName('name')?.text.replace(/^['"]|['"]$/g, '') ?? '', member);
      else if (member.type === 'pair') addMethod(owner, member.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '') ?? '', member.childForFieldName('value'));
    }
  };
  for (const s of moduleStatements(root)) {
    const stmt = s.type === 'export_statement' ? (s.childForFieldName('declaration') ?? s) : s;
    if (stmt.type === 'function_declaration') {
      const name = stmt.childForFieldName('name')?.text;
      if (name && !ctors.has(name)) ctors.set(name, stmt);
      continue;
    }
    if (stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') {
      for (const d of kids(stmt)) {
        const name = d.childForFieldName('name');
        const value = d.childForFieldName('value');
        if (name?.type === 'identifier' && value && THIS_BINDING.has(unwrap(value).type) && !ctors.has(name.text)) ctors.set(name.text, unwrap(value));
      }
      continue;
    }
    if (stmt.type !== 'expression_statement') continue;
    const expr = stmt.namedChildren[0] ? unwrap(stmt.namedChildren[0]) : undefined;
    if (expr?.type === 'assignment_expression') {
      const left = expr.childForFieldName('left');
      const right = expr.childForFieldName('right');
      const path = left ? memberPath(left) : undefined;
      if (!path || !right || path[1] !== 'prototype') continue;
      if (path.length === 3) addMethod(path[0]!, path[2]!, right);
      else if (path.length === 2 && unwrap(right).type === 'object') addObject(path[0]!, unwrap(right));
    } else if (expr?.type === 'call_expression' && expr.childForFieldName('function')?.text === 'Object.assign') {
      const args = kids(expr.childForFieldName('arguments') ?? expr);
      const target = args[0] ? memberPath(args[0]) : undefined;
      if (target?.length !== 2 || target[1] !== 'prototype') continue;
      for (const a of args.slice(1)) if (unwrap(a).type === 'object') addObject(target[0]!, unwrap(a));
    }
  }
  const ownerOf = new Map<number, SyntaxNode>();
  const owners: PrototypeOwners['owners'] = [];
  for (const [name, ms] of methods) {
    const ctor = ctors.get(name);
    if (!ctor) continue;
    ownerOf.set(ctor.startIndex, ctor);
    for (const m of ms) ownerOf.set(m.fn.startIndex, ctor);
    owners.push({ ctor, methods: ms });
  }
  return { ownerOf, owners };
}

/** Is `fn` the constructor function of a prototype owner (`cls`)? */
export function isPrototypeConstructor(fn: SyntaxNode, cls: SyntaxNode | null): boolean {
  return cls !== null && cls.startIndex === fn.startIndex && cls.endIndex === fn.endIndex && cls.type !== 'class_declaration' && cls.type !== 'class' && cls.type !== 'abstract_class_declaration';
}
