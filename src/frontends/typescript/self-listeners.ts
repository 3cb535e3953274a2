// When `this.on(..)` adds a listener to an object that outlives the call: in a method of the
// object (a class method, a `X.prototype.m = function` method) that runs per operation.
// Not in the constructor (the object listens to itself once), not in a callback (`this` is
// whatever the caller binds: an emitter's own handler runs with the emitter as `this`), not in
// a teardown (it runs once, at the end), not in a fluent set-up (`enableX() { ..; return this }`,
// a builder called once while the object is configured).
import type { SyntaxNode } from '../../parse/syntax.js';
import { bodyOf, FUNCTION_TYPES } from './functions.js';
import { memberPath } from './qualify.js';
import { isTeardownName } from './owners.js';
import { kids } from '../shared/tree.js';

/** Set-ups by name that configure an object once: `enableRealtimeListing`, `useX`, `withX`. */
const CONFIGURING = /^(enable|disable|use|with|configure|attach|bind|setup|set[A-Z])/;

/** Is `fn` a method whose `this` is its object, run per operation rather than once per object? */
export function perOperationMethod(fn: SyntaxNode, name: string): boolean {
  if (!isMethod(fn)) return false;
  if (isTeardownName(name) || /^_?(destroy|close|end|dispose|final|flush)/.test(name) || CONFIGURING.test(name)) return false;
  return !returnsThis(fn);
}

function isMethod(fn: SyntaxNode): boolean {
  if (fn.type === 'method_definition') return true;
  const parent = fn.parent;
  if (!parent || !FUNCTION_TYPES.has(fn.type)) return false;
  if (parent.type === 'public_field_definition') return true;
  if (parent.type !== 'assignment_expression') return false;
  const left = parent.childForFieldName('left');
  const path = left ? memberPath(left) : undefined;
  return !!path && path.length === 3 && path[1] === 'prototype';
}

/** `return this` anywhere in the function's own body: a fluent set-up or builder. */
function returnsThis(fn: SyntaxNode): boolean {
  const body = bodyOf(fn);
  if (!body) return false;
  for (const ret of body.descendantsOfType('return_statement')) {
    if (ret && kids(ret)[0]?.type === 'this') return true;
  }
  return false;
}
