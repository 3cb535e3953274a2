// What a construction hands the object it makes, and what a constructor's
// listeners listen to. An adapter that listens to the emitter it is handed
// (`new IPCMessageReader(child)`) adds one listener per emitter when every
// construction passes an emitter made right there (`const child = fork(..)`),
// so the listener lives exactly as long as its emitter.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { bodyOf, positionalParameters } from './functions.js';
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
    const value = boundValue(fn, text, at, index);
    if (!value) break;
    const v = unwrap(value);
    if (v.type !== 'identifier' && v.type !== 'member_expression') break;
    text = plain(v);
    at = v.startIndex;
  }
  return -1;
}
