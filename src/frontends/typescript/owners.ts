// Classes (and the module itself) as owners: their fields, which fields the
// owner creates and which it is handed, and the teardown methods that run when
// it goes away.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Owner, OwnerMethod } from '../../facts/types.js';
import { kids, siteOf } from '../shared/tree.js';
import { className, FUNCTION_TYPES, methodName, parameterNames } from './functions.js';
import { isLookupCall, memberPath, unwrap } from './qualify.js';
import { thisPath, type FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';
import { isEndlessValue } from './endless-observables.js';

/** Teardown names: `close`, `dispose`, `stopPolling`, `destroyAll`, framework destroy hooks, `[Symbol.dispose]`. */
const TEARDOWN_PREFIX =
  /^(close|dispose|destroy|stop|shutdown|shutDown|terminate|teardown|tearDown|cleanup|cleanUp|disconnect|quit|kill|abort|cancel|unsubscribe|unmount|unregister|unlisten|unwatch|release|halt|detach|end|finalize|uninstall|deactivate|clear)([A-Z_$]|$)/;
const TEARDOWN_HOOKS =
  /^(ngOnDestroy|componentWillUnmount|onModuleDestroy|beforeApplicationShutdown|onApplicationShutdown|beforeUnmount|unmounted|beforeDestroy|destroyed|disconnectedCallback|onUnmounted|onDestroy|stopped|onunload|onRemove|onDetach|_destroy|_final|\[Symbol\.dispose\]|\[Symbol\.asyncDispose\])$/;
const DISPOSE_PROTOCOL = /^\[Symbol\.(asyncD|d)ispose\]$/;

export function isTeardownName(name: string): boolean {
  // `on('close')`: a handler an object registers on itself for its own end (see prototype-owners).
  if (/^on\('(close|end|destroy|destroyed|exit|unload|disconnect)'\)$/.test(name)) return true;
  const bare = name.replace(/^[#_]+/, '');
  return TEARDOWN_HOOKS.test(name) || TEARDOWN_PREFIX.test(bare);
}

/** `endless`: made by the class, an observable that never completes (`interval(1000).pipe(share())`). */
export type FieldOrigin = 'owned' | 'injected' | 'found' | 'endless';

export interface ClassInfo {
  owner: Owner;
  /** Where each field's value comes from: created by the class, or handed to it. */
  origins: Map<string, FieldOrigin>;
}

/** Calls that hand a dependency in rather than create one. */
const INJECTORS = /^(inject|useInject|useService|useContext|Inject|getService|container\.get|resolve)$/;

export function collectClass(cls: SyntaxNode, scope: FileScope, index: NodeIndex): ClassInfo {
  const name = className(cls);
  const owner: Owner = { name, site: siteOf(cls), fields: [], methods: [], hasDropImpl: false };
  const decorators = classDecorators(cls, scope);
  if (decorators.length > 0) owner.decorators = decorators;
  const base = baseClassOf(cls);
  if (base) owner.bases = [base];
  const origins = new Map<string, FieldOrigin>();
  const fieldNames = new Set<string>();
  const addField = (fname: string, type?: string): void => {
    if (fieldNames.has(fname)) return;
    fieldNames.add(fname);
    owner.fields.push({ name: fname, ...(type ? { type: type.replace(/^:\s*/, '').replace(/\s+/g, ' ') } : {}) });
  };
  const body = cls.childForFieldName('body');
  for (const member of body ? kids(body) : []) {
    if (member.type === 'method_definition') {
      const mname = methodName(member);
      const method: OwnerMethod = { name: mname, teardown: isTeardownName(mname), site: siteOf(member) };
      owner.methods.push(method);
      if (DISPOSE_PROTOCOL.test(mname)) owner.hasDropImpl = true;
      if (mname === 'constructor') collectParameterProperties(member, addField, origins);
    } else if (member.type === 'public_field_definition') {
      const fname = member.childForFieldName('name');
      if (!fname) continue;
      const text = fname.type === 'computed_property_name' ? `[${kids(fname).map((k) => k.text).join('')}]` : fname.text;
      const value = member.childForFieldName('value');
      addField(text, member.childForFieldName('type')?.text);
      if (value && FUNCTION_TYPES.has(value.type)) {
        // `close = () => { .. }`: an arrow-function method.
        owner.methods.push({ name: text, teardown: isTeardownName(text), site: siteOf(member) });
        if (DISPOSE_PROTOCOL.test(text)) owner.hasDropImpl = true;
      } else if (value) {
        origins.set(text, originOfValue(value, new Set(), scope));
      } else if (hasDecorator(member)) {
        // `@Input() bus`, `@Inject(TOKEN) bus`: set from outside.
        origins.set(text, 'injected');
      }
    }
  }
  // `this.x = ..` anywhere in the class body.
  if (body) {
    index.walk(body, ['assignment_expression'], (node) => {
      const left = node.childForFieldName('left');
      const path = left ? memberPath(left) : undefined;
      if (!path || path[0] !== 'this' || path.length !== 2) return true;
      const fname = path[1]!;
      addField(fname);
      const value = node.childForFieldName('right');
      if (value && !origins.has(fname)) origins.set(fname, originOfValue(value, parametersAround(node), scope));
      return true;
    });
  }
  // Declared, never assigned in the class: set from outside (property injection, a base class).
  for (const f of fieldNames) if (!origins.has(f)) origins.set(f, 'injected');
  return { owner, origins };
}

/** `class A extends Base`, `extends events.EventEmitter`: the base's last name (not a mixin call's). */
function baseClassOf(cls: SyntaxNode): string | undefined {
  const heritage = kids(cls).find((k) => k.type === 'class_heritage');
  if (!heritage) return undefined;
  // TypeScript wraps it in an `extends_clause`; JavaScript's heritage is the expression itself.
  const clause = kids(heritage).find((k) => k.type === 'extends_clause');
  const value = clause ? (clause.childForFieldName('value') ?? kids(clause)[0]) : kids(heritage)[0];
  const name = value?.type === 'identifier' || value?.type === 'member_expression' ? value.text.split('.').pop() : undefined;
  return name && /^[A-Za-z_$][\w$]*$/.test(name) ? name : undefined;
}

function collectParameterProperties(ctor: SyntaxNode, addField: (name: string, type?: string) => void, origins: Map<string, FieldOrigin>): void {
  const params = ctor.childForFieldName('parameters');
  for (const p of params ? kids(params) : []) {
    if (p.type !== 'required_parameter' && p.type !== 'optional_parameter') continue;
    const isProperty = p.children.some((c) => c?.type === 'accessibility_modifier' || c?.type === 'readonly' || c?.type === 'override_modifier');
    const pattern = p.childForFieldName('pattern');
    if (!isProperty || pattern?.type !== 'identifier') continue;
    addField(pattern.text, p.childForFieldName('type')?.text);
    origins.set(pattern.text, 'injected');
  }
}

/** `@Injectable({..}) export class X`: decorators sit on the class or on the export around it. */
function classDecorators(cls: SyntaxNode, scope: FileScope): NonNullable<Owner['decorators']> {
  const holders = cls.parent?.type === 'export_statement' ? [cls.parent, cls] : [cls];
  const out: NonNullable<Owner['decorators']> = [];
  for (const holder of holders) {
    for (const d of kids(holder)) {
      if (d.type !== 'decorator') continue;
      const expr = kids(d)[0];
      const callee = expr?.type === 'call_expression' ? expr.childForFieldName('function') : expr;
      const path = callee ? memberPath(callee) : undefined;
      const local = path?.[0];
      if (!local) continue;
      const imported = scope.imports.get(local);
      const name = path.length > 1 ? path[path.length - 1]! : imported && imported.name !== '*' ? imported.name : local;
      out.push({ name, ...(imported ? { module: imported.module } : {}), text: d.text.slice(0, 200), line: d.startPosition.row + 1 });
    }
  }
  return out;
}

function hasDecorator(member: SyntaxNode): boolean {
  return member.children.some((c) => c?.type === 'decorator');
}

/** The parameters of the function an assignment sits in. */
function parametersAround(node: SyntaxNode): Set<string> {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (FUNCTION_TYPES.has(cur.type)) return parameterNames(cur);
  }
  return new Set();
}

/**
 * `new X()` / `createX()` / a literal: the owner made it; a parameter, an imported or
 * module-level singleton, or `inject(X)`: handed in (shared with others).
 */
function originOfValue(value: SyntaxNode, params: ReadonlySet<string>, scope: FileScope, depth = 0): FieldOrigin {
  const v = unwrap(value);
  if (depth > 8) return 'owned';
  const shared = (name: string): boolean => params.has(name) || scope.imports.has(name) || scope.moduleVars.has(name);
  if (v.type === 'identifier') return shared(v.text) ? 'injected' : 'owned';
  if (v.type === 'member_expression') {
    const path = memberPath(v);
    return path && path[0] !== 'this' && shared(path[0]!) ? 'injected' : 'owned';
  }
  if (v.type === 'call_expression') {
    const callee = v.childForFieldName('function');
    if (callee && INJECTORS.test(callee.text)) return 'injected';
    // `this.el = document.querySelector(sel)`: an element of the page, found, not made.
    if (isLookupCall(v)) return 'found';
    if (isEndlessValue(v, scope)) return 'endless';
    return 'owned';
  }
  if (v.type === 'binary_expression' || v.type === 'ternary_expression') {
    // `opts.stream || createStream()`: made here unless every branch is handed in.
    const parts = kids(v).filter((p) => p.type !== 'binary_expression' || depth < 8);
    const branches = v.type === 'ternary_expression' ? parts.slice(1) : parts;
    return branches.length > 0 && branches.every((p) => originOfValue(p, params, scope, depth + 1) === 'injected') ? 'injected' : 'owned';
  }
  return 'owned';
}

/** The module as an owner: top-level variables are its fields, top-level functions its methods. */
export function moduleOwner(path: string, root: SyntaxNode, scope: FileScope): Owner {
  const owner: Owner = { name: path, site: siteOf(root), fields: [...scope.moduleVars].sort().map((name) => ({ name })), methods: [], hasDropImpl: false };
  for (const stmt of kids(root)) {
    const inner = stmt.type === 'export_statement' ? (stmt.childForFieldName('declaration') ?? stmt) : stmt;
    if (inner.type === 'function_declaration' || inner.type === 'generator_function_declaration') {
      const name = inner.childForFieldName('name')?.text;
      if (name) owner.methods.push({ name, teardown: isTeardownName(name), site: siteOf(inner) });
    } else if (inner.type === 'lexical_declaration' || inner.type === 'variable_declaration') {
      for (const d of kids(inner)) {
        const value = d.childForFieldName('value');
        const name = d.childForFieldName('name')?.text;
        if (name && value && FUNCTION_TYPES.has(value.type)) owner.methods.push({ name, teardown: isTeardownName(name), site: siteOf(d) });
      }
    }
  }
  return owner;
}

/**
 * A prototype-style owner (see prototype-owners.ts): its constructor function and prototype
 * methods, with the fields `this.x = ..` (or `self.x = ..` after `var self = this`) sets in any of them.
 */
export function collectPrototypeOwner(ctor: SyntaxNode, methods: readonly { name: string; fn: SyntaxNode }[], scope: FileScope, index: NodeIndex): ClassInfo {
  const name = className(ctor);
  const owner: Owner = { name, site: siteOf(ctor), fields: [], methods: [{ name: 'constructor', teardown: false, site: siteOf(ctor) }], hasDropImpl: false };
  const origins = new Map<string, FieldOrigin>();
  const fieldNames = new Set<string>();
  for (const m of methods) {
    if (owner.methods.some((o) => o.name === m.name)) continue;
    owner.methods.push({ name: m.name, teardown: isTeardownName(m.name), site: siteOf(m.fn) });
  }
  for (const fn of [ctor, ...methods.map((m) => m.fn)]) {
    const body = fn.childForFieldName('body');
    if (!body) continue;
    index.walk(body, ['assignment_expression'], (node) => {
      const left = node.childForFieldName('left');
      const path = thisPath(left ? memberPath(left) : undefined, scope);
      if (!path || path[0] !== 'this' || path.length !== 2) return true;
      const fname = path[1]!;
      if (!fieldNames.has(fname)) {
        fieldNames.add(fname);
        owner.fields.push({ name: fname });
      }
      const value = node.childForFieldName('right');
      if (value && !origins.has(fname)) origins.set(fname, originOfValue(value, parametersAround(node), scope));
      return true;
    });
  }
  for (const f of fieldNames) if (!origins.has(f)) origins.set(f, 'injected');
  return { owner, origins };
}
