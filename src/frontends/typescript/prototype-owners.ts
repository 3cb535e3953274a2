// Prototype-style owners: `function Pool() { this.timer = .. }` with methods assigned to
// `Pool.prototype.close = function () {..}`, `Pool.prototype = { close() {..} }` or
// `Object.assign(Pool.prototype, { close() {..} })`. The constructor function and its
// prototype methods are one owner, like a class: `this.x` in any of them is the owner's field,
// and a teardown method among them (`close`, `destroy` ..) is the owner's teardown.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { memberPath, unwrap } from './qualify.js';
import { isTeardownName } from './owners.js';

/** Function values that bind their own `this`: an arrow function's `this` is the module's. */
const THIS_BINDING = new Set(['function_expression', 'function', 'generator_function']);

export interface PrototypeOwners {
  /** Start index of each constructor and prototype method function -> the owner's constructor. */
  ownerOf: Map<number, SyntaxNode>;
  /** Each owner's constructor, with its methods (name and function node). */
  owners: { ctor: SyntaxNode; methods: { name: string; fn: SyntaxNode }[] }[];
}

/** Statements the module runs while it loads: the program's, those of a top-level IIFE (UMD wrappers), and those of the function a module exports as a whole (a plugin's `module.exports = function (RED) {..}`). */
function moduleStatements(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const stmt of kids(root)) {
    out.push(stmt);
    // `export default function (RED) { function Node() {..}; Node.prototype.close = .. }`: a plugin's module function.
    const exported = stmt.type === 'export_statement' ? stmt.childForFieldName('declaration') ?? stmt.namedChildren.find((c) => c?.type === 'function_expression' || c?.type === 'function') ?? undefined : undefined;
    if (exported && (exported.type === 'function_expression' || exported.type === 'function' || exported.type === 'function_declaration')) {
      const body = exported.childForFieldName('body');
      if (body?.type === 'statement_block') out.push(...kids(body));
      continue;
    }
    if (stmt.type !== 'expression_statement') continue;
    const expr = stmt.namedChildren[0] ? unwrap(stmt.namedChildren[0]) : undefined;
    // `module.exports = function (RED) { .. }`: the module's one function, called once by its loader.
    const assigned = expr?.type === 'assignment_expression' && /^(module\.exports|exports\.\w+)$/.test(expr.childForFieldName('left')?.text ?? '') ? expr.childForFieldName('right') : undefined;
    const called = expr?.type === 'call_expression' ? expr.childForFieldName('function') : undefined;
    const fn = assigned ? unwrap(assigned) : called ? unwrap(called) : undefined;
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
  // `var p = Room.prototype; p.tick = function () {..}`: a module variable naming a prototype, read as it.
  const prototypeAliases = new Map<string, string>();
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
        const proto = name?.type === 'identifier' && value ? memberPath(value) : undefined;
        if (proto && proto.length >= 2 && proto.at(-1) === 'prototype') prototypeAliases.set(name!.text, proto.slice(0, -1).join('.'));
      }
      continue;
    }
    if (stmt.type !== 'expression_statement') continue;
    const expr = stmt.namedChildren[0] ? unwrap(stmt.namedChildren[0]) : undefined;
    if (expr?.type === 'assignment_expression') {
      const left = expr.childForFieldName('left');
      const right = expr.childForFieldName('right');
      const named = left ? memberPath(left) : undefined;
      const alias = named ? prototypeAliases.get(named[0]!) : undefined;
      const path = named && alias !== undefined ? [...alias.split('.'), 'prototype', ...named.slice(1)] : named;
      if (!path || !right) continue;
      // `sage.cron.Scheduler.prototype.stop = ..` (a namespace's constructor, Closure style): the owner is
      // the whole path before `prototype`, declared by `sage.cron.Scheduler = function () {..}`.
      const at = path.indexOf('prototype');
      if (at < 0) {
        if (path.length > 1 && path[0] !== 'this' && /^[A-Z]/.test(path.at(-1)!) && THIS_BINDING.has(unwrap(right).type) && !ctors.has(path.join('.'))) ctors.set(path.join('.'), unwrap(right));
        continue;
      }
      if (at < 1) continue;
      const owner = path.slice(0, at).join('.');
      // `Pool.prototype.destroy = demolish('timers socket', { after: [function detach() {..}] })`: a method a
      // helper builds; the functions handed to it run as that method.
      if (path.length === at + 2 && unwrap(right).type === 'call_expression') for (const fn of handedFunctions(unwrap(right))) addMethod(owner, path[at + 1]!, fn);
      else if (path.length === at + 2) addMethod(owner, path[at + 1]!, right);
      else if (path.length === at + 1 && unwrap(right).type === 'object') addObject(owner, unwrap(right));
    } else if (expr?.type === 'call_expression' && expr.childForFieldName('function')?.text === 'Object.assign') {
      const args = kids(expr.childForFieldName('arguments') ?? expr);
      const target = args[0] ? memberPath(args[0]) : undefined;
      if (target?.length !== 2 || target[1] !== 'prototype') continue;
      for (const a of args.slice(1)) if (unwrap(a).type === 'object') addObject(target[0]!, unwrap(a));
    } else if (expr?.type === 'call_expression') {
      // `Primus.readable('destroy', function destroy() {..})`, `Object.defineProperty(Pool.prototype, 'close', { value: function () {..} })`:
      // a method defined by a call that names it.
      const named = namedDefinition(expr);
      if (named) addMethod(named.owner, named.name, named.fn);
    }
  }
  // `module.exports = { started() {..}, stopped() {..} }`, `export default { mounted() {..}, beforeUnmount() {..} }`:
  // a component or service schema whose hooks the framework calls on one object, `this`; and
  // `module.exports = { startHTTP() { this.servers.http = .. }, stopServers() {..} }`, one service object.
  for (const object of exportedObjects(root)) {
    const ms: { name: string; fn: SyntaxNode }[] = [];
    const collect = (obj: SyntaxNode, depth: number): void => {
      for (const member of kids(obj)) {
        const key = member.type === 'method_definition' ? member.childForFieldName('name') : member.type === 'pair' ? member.childForFieldName('key') : null;
        const name = key?.text.replace(/^['"]|['"]$/g, '') ?? '';
        const value = member.type === 'pair' ? member.childForFieldName('value') : member;
        // Vue's `methods: { .. }`: their `this` is the component too.
        if (depth === 0 && name === 'methods' && value && unwrap(value).type === 'object') collect(unwrap(value), 1);
        else if (value && (member.type === 'method_definition' || THIS_BINDING.has(unwrap(value).type))) ms.push({ name, fn: member.type === 'method_definition' ? member : unwrap(value) });
      }
    };
    collect(object, 0);
    // A framework's schema (set-up and teardown hooks), or a module's one service object whose own
    // teardown (`stopServers() { this.servers.http.close() }`) ends what its methods keep in `this`.
    const schema = ms.some((m) => OBJECT_SETUP_HOOKS.test(m.name)) && ms.some((m) => OBJECT_TEARDOWN_HOOKS.test(m.name));
    const service = ms.some((m) => isTeardownName(m.name)) && /\bthis\.[\w$]+\s*=[^=]/.test(object.text);
    if (!schema && !service) continue;
    const name = `<object ${object.startIndex}>`;
    ctors.set(name, object);
    methods.set(name, ms);
  }
  // `var node = this; node.on('close', function () { clearInterval(node.timer) })` in the constructor:
  // a handler the object registers on itself for its own end is its teardown.
  for (const [name, ctor] of ctors) {
    if (ctor.type === 'object') continue;
    for (const h of selfEndHandlers(ctor)) methods.set(name, [...(methods.get(name) ?? []), h]);
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

/** Listener registrations: `X.on('close', function () {..})` adds a handler, it defines no method. */
const LISTENER_CALLS = /^(on|once|addListener|prependListener|prependOnceListener|addEventListener|removeListener|off)$/;

/**
 * A method defined by a call that names it: `Owner.define('name', function () {..})` (a helper of the
 * owner's own that puts it on the prototype), or `Object.defineProperty(Owner.prototype, 'name',
 * { value: function () {..} })`. Only a constructor of this file makes it a method (see `prototypeOwners`).
 */
function namedDefinition(call: SyntaxNode): { owner: string; name: string; fn: SyntaxNode } | undefined {
  const callee = call.childForFieldName('function');
  const args = kids(call.childForFieldName('arguments') ?? call).map((a) => unwrap(a));
  const literal = (n: SyntaxNode | undefined): string | undefined => (n?.type === 'string' ? n.text.slice(1, -1) : undefined);
  if (callee?.text === 'Object.defineProperty') {
    const target = args[0] ? memberPath(args[0]) : undefined;
    const name = literal(args[1]);
    const value = args[2]?.type === 'object' ? kids(args[2]).find((p) => p.type === 'pair' && p.childForFieldName('key')?.text === 'value')?.childForFieldName('value') : undefined;
    if (target?.length !== 2 || target[1] !== 'prototype' || !name || !value) return undefined;
    return { owner: target[0]!, name, fn: value };
  }
  const path = callee?.type === 'member_expression' ? memberPath(callee) : undefined;
  const name = literal(args[0]);
  const fn = args[1];
  // A method name, not a route or an event (`Router.get('/users', function () {..})`).
  if (path?.length !== 2 || LISTENER_CALLS.test(path[1]!) || !name || !/^[A-Za-z_$][\w$]*$/.test(name) || !fn || !THIS_BINDING.has(fn.type)) return undefined;
  return { owner: path[0]!, name, fn };
}

/** The functions a call is handed, in its arguments or in the objects and arrays among them. */
function handedFunctions(call: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const visit = (n: SyntaxNode, depth: number): void => {
    const v = unwrap(n);
    if (THIS_BINDING.has(v.type)) out.push(v);
    else if (v.type === 'pair') {
      const value = v.childForFieldName('value');
      if (value) visit(value, depth);
    } else if (depth < 3 && (v.type === 'object' || v.type === 'array')) for (const k of kids(v)) visit(k, depth + 1);
  };
  for (const a of kids(call.childForFieldName('arguments') ?? call)) visit(a, 0);
  return out;
}

/** Is `fn` the constructor function of a prototype owner (`cls`)? */
export function isPrototypeConstructor(fn: SyntaxNode, cls: SyntaxNode | null): boolean {
  return cls !== null && cls.startIndex === fn.startIndex && cls.endIndex === fn.endIndex && cls.type !== 'class_declaration' && cls.type !== 'class' && cls.type !== 'abstract_class_declaration';
}

/** Events an object emits when it ends: a handler for one of them on itself is its teardown. */
const END_EVENTS = /^['"](close|end|destroy|destroyed|exit|unload|disconnect)['"]$/;

/**
 * Handlers a constructor function (or any function run on the object) registers on its own object
 * (`this`, or a local holding `this`) for its end (`node.on('close', fn)`), anywhere in its body
 * outside nested functions: named `on('close')`, a teardown of the owner.
 */
export function selfEndHandlers(ctor: SyntaxNode): { name: string; fn: SyntaxNode }[] {
  const body = ctor.childForFieldName('body');
  if (body?.type !== 'statement_block') return [];
  const selves = new Set(['this']);
  const out: { name: string; fn: SyntaxNode }[] = [];
  // Depth-first in source order: `var node = this` comes before the handlers that use it.
  const stack: SyntaxNode[] = [...kids(body)].reverse();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'variable_declarator' && n.childForFieldName('value')?.type === 'this') {
      const id = n.childForFieldName('name');
      if (id?.type === 'identifier') selves.add(id.text);
    }
    if (n.type === 'call_expression') {
      const callee = n.childForFieldName('function');
      const args = kids(n.childForFieldName('arguments') ?? n);
      const path = callee?.type === 'member_expression' ? memberPath(callee) : undefined;
      const handler = args[1] ? unwrap(args[1]) : undefined;
      if (path?.length === 2 && selves.has(path[0]!) && /^(on|once|addListener)$/.test(path[1]!) && args[0] && END_EVENTS.test(args[0].text) && handler && (THIS_BINDING.has(handler.type) || handler.type === 'arrow_function')) {
        out.push({ name: `on(${args[0].text.replace(/"/g, "'")})`, fn: handler });
        continue;
      }
    }
    if (THIS_BINDING.has(n.type) || n.type === 'arrow_function' || n.type === 'function_declaration' || n.type === 'class_declaration') continue;
    stack.push(...kids(n).reverse());
  }
  return out;
}

/** Hooks a component framework calls once an object is set up, and when it goes away (moleculer, Vue's options API). */
const OBJECT_SETUP_HOOKS = /^(created|beforeMount|mounted|started|activated)$/;
const OBJECT_TEARDOWN_HOOKS = /^(stopped|beforeDestroy|destroyed|beforeUnmount|unmounted|deactivated)$/;

/** Object literals a module exports whole: `module.exports = {..}`, `export default {..}`, `export default defineComponent({..})`. */
function exportedObjects(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const objectIn = (value: SyntaxNode | null | undefined): void => {
    let v = value ? unwrap(value) : undefined;
    // `defineComponent({..})`, `Vue.extend({..})`: the object handed to a component factory.
    if (v?.type === 'call_expression') v = kids(v.childForFieldName('arguments') ?? v).map((a) => unwrap(a)).find((a) => a.type === 'object');
    if (v?.type === 'object') out.push(v);
  };
  for (const stmt of kids(root)) {
    if (stmt.type === 'export_statement' && stmt.children.some((c) => c?.type === 'default')) objectIn(stmt.childForFieldName('value') ?? stmt.namedChildren.find((c) => c?.type === 'object' || c?.type === 'call_expression') ?? undefined);
    if (stmt.type !== 'expression_statement') continue;
    const expr = stmt.namedChildren[0] ? unwrap(stmt.namedChildren[0]) : undefined;
    if (expr?.type === 'assignment_expression' && expr.childForFieldName('left')?.text === 'module.exports') objectIn(expr.childForFieldName('right'));
  }
  return out;
}
