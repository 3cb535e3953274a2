// What a construction hands the object it makes, and what a constructor's
// listeners listen to. An adapter that listens to the emitter it is handed
// (`new IPCMessageReader(child)`) adds one listener per emitter when every
// construction passes an emitter made right there (`const child = fork(..)`),
// so the listener lives exactly as long as its emitter.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { FUNCTION_TYPES, bodyOf, parameterNames, positionalParameters } from './functions.js';
import type { Declarations } from './declarations.js';
import type { FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';
import { unwrap } from './qualify.js';

/** `a?.b!` and `a.b` name the same thing. */
function plain(node: SyntaxNode): string {
  return unwrap(node).text.replace(/\s+/g, '').replace(/\?\./g, '.').replace(/!/g, '');
}

/** The value bound to `name` (`const name = v`, `name = v`, `this.f = v`) last before `before`, in `fn`'s own body. */
function boundValue(fn: SyntaxNode, name: string, before: number, index: NodeIndex): SyntaxNode | undefined {
  const body = bodyOf(fn);
  if (!body) return undefined;
  let found: SyntaxNode | undefined;
  index.walk(body, ['variable_declarator', 'assignment_expression'], (n, type) => {
    if (n.startIndex >= before) return 'stop';
    const left = n.childForFieldName(type === 'variable_declarator' ? 'name' : 'left');
    const right = n.childForFieldName(type === 'variable_declarator' ? 'value' : 'right');
    if (left && right && plain(left) === name) found = right;
    return true;
  });
  return found;
}

/**
 * Positions of a `new` expression's arguments that hold a value the same function has just
 * made: a `new` object or a resource it acquired (`const sp = cp.fork(..); this.proc = sp;
 * new Reader(this.proc)`). Each run of the function hands the object a new one.
 */
export function madeHereArguments(call: SyntaxNode, fn: SyntaxNode | null, index: NodeIndex, acquired: (node: SyntaxNode) => boolean): number[] {
  if (!fn) return [];
  const args = call.childForFieldName('arguments');
  const out: number[] = [];
  const made = (value: SyntaxNode, depth: number): boolean => {
    const v = unwrap(value);
    if (v.type === 'new_expression' || (v.type === 'call_expression' && acquired(v))) return true;
    // `this.proc = sp`, `const s = this.proc`: one step back to what the alias holds.
    if (depth < 2 && (v.type === 'identifier' || v.type === 'member_expression')) {
      const earlier = boundValue(fn, plain(v), v.startIndex, index);
      return !!earlier && made(earlier, depth + 1);
    }
    return false;
  };
  (args ? kids(args) : []).forEach((arg, i) => {
    const a = unwrap(arg);
    if (a.type !== 'identifier' && a.type !== 'member_expression') return;
    const value = boundValue(fn, plain(a), call.startIndex, index);
    if (value && made(value, 0)) out.push(i);
    // `new MessageChannel().port1` by way of a local: a part of an object made right here.
    else if (!value && a.type === 'member_expression') {
      const object = unwrap(a.childForFieldName('object') ?? a);
      const whole = object.type === 'identifier' ? boundValue(fn, object.text, call.startIndex, index) : undefined;
      if (whole && unwrap(whole).type === 'new_expression') out.push(i);
    }
  });
  return out;
}

/**
 * The constructor parameter a receiver stands for, through the aliases the constructor makes
 * (`this.process = process; const emitter = this.process; emitter.on(..)`): its position, or -1.
 */
export function parameterBehind(receiver: SyntaxNode, fn: SyntaxNode, index: NodeIndex): number {
  const params = positionalParameters(fn);
  let text = plain(receiver);
  let at = receiver.startIndex;
  for (let step = 0; step < 3; step++) {
    const position = params.indexOf(text);
    if (position >= 0) return position;
    // `parts.bus`: a part of what the parameter `parts` holds lives as long as the caller's value.
    const parts = text.split('.');
    const whole = parts.length === 2 && parts[0] !== 'this' ? params.indexOf(parts[0]!) : -1;
    if (whole >= 0) return whole;
    const value = boundValue(fn, text, at, index);
    // `constructor(private socket: WebSocket)`: `this.socket` is the parameter property itself.
    if (!value && parts.length === 2 && parts[0] === 'this') return params.indexOf(parts[1]!);
    if (!value) break;
    const v = unwrap(value);
    if (v.type !== 'identifier' && v.type !== 'member_expression') break;
    text = plain(v);
    at = v.startIndex;
  }
  return -1;
}

/** Objects every module sees as the same one: the process and the browser's globals. */
export const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['process', 'window', 'document', 'globalThis', 'global', 'self', 'navigator', 'screen', 'visualViewport', 'location', 'history', 'chrome', 'browser']);

/**
 * Positions of a `new` expression's arguments that hold a value shared beyond the run of the
 * caller: a module-level binding, an import, a process-wide global, or a field of the object
 * whose method (not its constructor) makes the new one (`handle(req) { new Session(this.bus) }`).
 * Objects made from such a value all get the same one: a listener each adds to it piles up.
 */
export function sharedArguments(call: SyntaxNode, fn: SyntaxNode | null, scope: FileScope, declarations: Declarations, inConstructor: boolean): number[] {
  const args = call.childForFieldName('arguments');
  const out: number[] = [];
  /** Bound by a function around the call (a parameter or a local): not the module's name. */
  const boundAround = (name: string): boolean => {
    for (let f: SyntaxNode | null = fn; f; f = f.parent) {
      if (!FUNCTION_TYPES.has(f.type)) continue;
      if (parameterNames(f).has(name) || declarations.has(f, name)) return true;
    }
    return false;
  };
  (args ? kids(args) : []).forEach((arg, i) => {
    const a = unwrap(arg);
    const root = a.type === 'identifier' ? a.text : a.type === 'member_expression' ? rootName(a) : undefined;
    if (root === undefined) return;
    if (root === 'this') {
      // `this.bus` (one step deep): the object's own field, shared by everything its methods make.
      if (fn && !inConstructor && a.type === 'member_expression' && unwrap(a.childForFieldName('object') ?? a).type === 'this') out.push(i);
      return;
    }
    if (boundAround(root)) return;
    if (scope.imports.has(root) || scope.moduleNames.has(root) || (GLOBAL_OBJECTS.has(root) && !scope.declared.has(root))) out.push(i);
  });
  return out;
}

/** `a.b.c` -> `a`; `this.x` -> `this`; anything else (a call, an index) -> undefined. */
function rootName(node: SyntaxNode): string | undefined {
  let n = unwrap(node);
  while (n.type === 'member_expression') n = unwrap(n.childForFieldName('object') ?? n);
  return n.type === 'identifier' ? n.text : n.type === 'this' ? 'this' : undefined;
}
