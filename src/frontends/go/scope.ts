// Names in Go scopes: package-level variables, what a function binds (and
// where), the struct type a local holds, `sync.Once` guards and range loops
// over a field.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, line } from '../shared/tree.js';

/** Names declared by top-level `var` declarations: they live as long as the process. */
export function packageVariables(root: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (const decl of kids(root)) {
    if (decl.type !== 'var_declaration') continue;
    for (const spec of decl.descendantsOfType('var_spec')) {
      if (!spec) continue;
      for (const n of kids(spec)) if (n.type === 'identifier' && n.text !== '_') names.add(n.text);
    }
  }
  return names;
}

/** Names each function binds (parameters, receiver, results, `:=`, `var`, range variables), with where each binding starts: one per file. */
export class GoScopes {
  private readonly byFunction = new Map<number, Map<string, number[]>>();
  private readonly typesByFunction = new Map<number, Map<string, { start: number; type: string | undefined }[]>>();
  /** Every name any function of the file binds: most names (package names, callees) are in none, and need no search. */
  private boundAnywhere: Set<string> | undefined;

  /** `fieldTypes`: the file's struct field types, read on first need. */
  constructor(
    private readonly root: SyntaxNode,
    private readonly fieldTypes: () => FieldTypes,
  ) {}

  /**
   * The struct type a local holds when its binding says: `s := &Server{..}`, `s := Server{..}`,
   * `s := new(Server)`, `s := NewServer(..)`, `var s *Server`, `sub, ok := c.subs[id]`. Library
   * types (`http.Server`) are not the project's.
   */
  localTypeOf(name: string, fn: SyntaxNode, at: SyntaxNode): string | undefined {
    return this.localTypes(fn).get(name)?.filter((b) => b.start < at.startIndex).at(-1)?.type;
  }

  private localTypes(fn: SyntaxNode): Map<string, { start: number; type: string | undefined }[]> {
    const cached = this.typesByFunction.get(fn.id);
    if (cached) return cached;
    const out = new Map<string, { start: number; type: string | undefined }[]>();
    const body = fn.childForFieldName('body');
    for (const decl of body ? body.descendantsOfType(['short_var_declaration', 'var_spec']) : []) {
      if (!decl) continue;
      const left = decl.type === 'var_spec' ? decl : decl.childForFieldName('left');
      const names = left ? kids(left).filter((k) => k.type === 'identifier') : [];
      if (names.length === 0) continue;
      const valueList = decl.childForFieldName(decl.type === 'var_spec' ? 'value' : 'right');
      const values = valueList ? kids(valueList) : [];
      const declared = decl.type === 'var_spec' ? decl.childForFieldName('type')?.text.replace(/^\*/, '') : undefined;
      names.forEach((n, i) => {
        const value = values.length === names.length ? values[i] : values[0];
        const type = (declared && /^[A-Z]\w*$/.test(declared) ? declared : undefined) ?? (value ? (constructedType(value) ?? elementOfField(value, fn, this.fieldTypes)) : undefined);
        const list = out.get(n.text);
        if (list) list.push({ start: decl.startIndex, type });
        else out.set(n.text, [{ start: decl.startIndex, type }]);
      });
    }
    this.typesByFunction.set(fn.id, out);
    return out;
  }

  bindingsOf(fn: SyntaxNode): Map<string, number[]> {
    const cached = this.byFunction.get(fn.id);
    if (cached) return cached;
    const out = new Map<string, number[]>();
    const add = (n: SyntaxNode): void => {
      if (n.type !== 'identifier' || n.text === '_') return;
      const list = out.get(n.text);
      if (list) list.push(n.startIndex);
      else out.set(n.text, [n.startIndex]);
    };
    for (const field of ['receiver', 'parameters', 'result']) {
      const list = fn.childForFieldName(field);
      if (list?.type === 'parameter_list') for (const p of kids(list)) for (const n of kids(p)) add(n);
    }
    const body = fn.childForFieldName('body');
    if (body) {
      for (const decl of body.descendantsOfType(['short_var_declaration', 'var_spec', 'range_clause', 'const_spec'])) {
        if (!decl) continue;
        const left = decl.type === 'var_spec' || decl.type === 'const_spec' ? decl : decl.childForFieldName('left');
        if (left) for (const n of kids(left)) add(n);
      }
    }
    this.byFunction.set(fn.id, out);
    return out;
  }

  /** Is `name` bound in the function around `at` (or one around that) before `at`? */
  boundBefore(name: string, at: SyntaxNode): boolean {
    this.boundAnywhere ??= new Set(
      this.root.descendantsOfType(['short_var_declaration', 'var_spec', 'range_clause', 'const_spec', 'parameter_declaration', 'variadic_parameter_declaration']).flatMap((d) => {
        if (!d) return [];
        const left = d.type === 'short_var_declaration' || d.type === 'range_clause' ? d.childForFieldName('left') : d;
        return left ? kids(left).filter((k) => k.type === 'identifier').map((k) => k.text) : [];
      }),
    );
    if (!this.boundAnywhere.has(name)) return false;
    for (let cur = enclosingCode(at); cur; cur = enclosingCode(cur)) {
      if ((this.bindingsOf(cur).get(name) ?? []).some((start) => start < at.startIndex)) return true;
    }
    return false;
  }
}

function enclosingCode(node: SyntaxNode): SyntaxNode | null {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type === 'function_declaration' || cur.type === 'method_declaration' || cur.type === 'func_literal') return cur;
  }
  return null;
}

/** Field types of the file's structs: owner -> field -> type as written (`map[string]*subscription`). */
export type FieldTypes = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** `sub, ok := c.subscriptions[id]` in a method of `c`: the element type of that field's map or slice (`subscription`). */
function elementOfField(value: SyntaxNode, fn: SyntaxNode, fieldTypesOf: () => FieldTypes): string | undefined {
  if (value.type !== 'index_expression' || fn.type !== 'method_declaration') return undefined;
  const fieldTypes = fieldTypesOf();
  const operand = value.childForFieldName('operand');
  if (operand?.type !== 'selector_expression') return undefined;
  const receiver = fn.childForFieldName('receiver');
  const param = receiver ? kids(receiver)[0] : undefined;
  if (operand.childForFieldName('operand')?.text !== param?.childForFieldName('name')?.text) return undefined;
  const owner = param?.childForFieldName('type')?.text.replace(/^\*/, '').replace(/\[.*$/, '');
  const type = owner ? fieldTypes.get(owner)?.get(operand.childForFieldName('field')?.text ?? '') : undefined;
  return type ? /^(?:map\[[^\]]*\]|\[\d*\])\*?([A-Z_a-z]\w*)$/.exec(type.replace(/\s+/g, ''))?.[1] : undefined;
}

/** The project type an expression makes: `&Server{..}`, `(&Server{})`, `Server{}`, `new(Server)`, `NewServer(..)`. */
export function constructedType(value: SyntaxNode): string | undefined {
  let v = value;
  while (v.type === 'parenthesized_expression' || v.type === 'unary_expression') {
    const inner = v.type === 'unary_expression' ? v.childForFieldName('operand') : kids(v)[0];
    if (!inner) return undefined;
    v = inner;
  }
  if (v.type === 'composite_literal') {
    let t = v.childForFieldName('type');
    // `&Queue[T]{..}`: the generic type's name.
    if (t?.type === 'generic_type') t = t.childForFieldName('type');
    return t?.type === 'type_identifier' ? t.text : undefined;
  }
  if (v.type === 'call_expression') {
    const fn = v.childForFieldName('function');
    if (fn?.text === 'new') {
      const arg = kids(v.childForFieldName('arguments')!)[0];
      return arg?.type === 'type_identifier' ? arg.text : undefined;
    }
    return fn ? constructorTypeOf(fn) : undefined;
  }
  return undefined;
}

/** `once.Do(func() {..})`, `s.startOnce.Do(..)`: what runs inside happens at most once per Once. */
export function onceGuard(node: SyntaxNode): { flag: string; line: number } | undefined {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type === 'function_declaration' || cur.type === 'method_declaration') return undefined;
    if (cur.type !== 'func_literal' || cur.parent?.type !== 'argument_list') continue;
    const call = cur.parent.parent;
    const fn = call?.childForFieldName('function');
    if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Do') continue;
    const receiver = fn.childForFieldName('operand')?.text ?? '';
    if (/once$/i.test(receiver)) return { flag: receiver, line: line(call!) };
  }
  return undefined;
}

/** `for _, t := range s.tickers { t.Stop() }`: the receiver field a range variable comes from. */
export function rangeBoundField(name: string, at: SyntaxNode, receiverName: string | undefined): string | undefined {
  if (!receiverName) return undefined;
  for (let cur = at.parent; cur; cur = cur.parent) {
    if (cur.type === 'function_declaration' || cur.type === 'method_declaration' || cur.type === 'func_literal') return undefined;
    if (cur.type !== 'for_statement') continue;
    const clause = kids(cur).find((k) => k.type === 'range_clause');
    const left = clause?.childForFieldName('left');
    const right = clause?.childForFieldName('right');
    if (!left || !right || !kids(left).some((k) => k.text === name)) continue;
    if (right.type === 'selector_expression' && right.childForFieldName('operand')?.text === receiverName) return right.childForFieldName('field')?.text;
  }
  return undefined;
}

/**
 * The receiver's field a local holds before `at` in `method`: bound by `range` over it
 * (`for _, t := range s.tickers`), or copied from it by the last assignment of the local
 * (`cancel, done := c.runCancel, c.runDone`).
 */
export function receiverFieldOfLocal(name: string, at: SyntaxNode, receiverName: string | undefined, method: SyntaxNode): string | undefined {
  if (!receiverName) return undefined;
  const ranged = rangeBoundField(name, at, receiverName);
  if (ranged) return ranged;
  let copied: string | undefined;
  for (const assign of method.descendantsOfType(['short_var_declaration', 'assignment_statement'])) {
    if (!assign || assign.startIndex >= at.startIndex) continue;
    const names = kids(assign.childForFieldName('left') ?? assign);
    const values = kids(assign.childForFieldName('right') ?? assign);
    const i = names.findIndex((n) => n.type === 'identifier' && n.text === name);
    if (i < 0) continue;
    // The last assignment before `at` decides: anything but a field of the receiver ends the copy.
    const value = names.length === values.length ? values[i] : undefined;
    copied = value?.type === 'selector_expression' && value.childForFieldName('operand')?.text === receiverName ? value.childForFieldName('field')?.text : undefined;
  }
  return copied;
}

/** `NewServer`, `newServer`, `MustServer`, `pkg.NewServer`: the type a call names by Go's constructor convention. */
export function constructorTypeOf(fn: SyntaxNode): string | undefined {
  const name = fn.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn.type === 'identifier' ? fn.text : undefined;
  return name ? /^(?:New|new|Must)([A-Z]\w*)$/.exec(name)?.[1] : undefined;
}

/** Every struct's field types, before the main pass (a method may come before its type). */
export function structFieldTypes(root: SyntaxNode): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const spec of root.descendantsOfType('type_spec')) {
    const name = spec?.childForFieldName('name')?.text;
    const type = spec?.childForFieldName('type');
    if (!name || type?.type !== 'struct_type') continue;
    const fields = new Map<string, string>();
    const list = kids(type).find((k) => k.type === 'field_declaration_list');
    for (const field of list ? kids(list) : []) {
      const ftype = field.childForFieldName('type')?.text.replace(/\s+/g, ' ');
      if (ftype) for (const n of kids(field)) if (n.type === 'field_identifier') fields.set(n.text, ftype);
    }
    out.set(name, fields);
  }
  return out;
}
