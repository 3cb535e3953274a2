// The names each function declares (parameters, locals, nested functions): a name declared there is not the
// module-level or global one. Shared by the handle, listener, release and call readings.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { NodeIndex } from './node-index.js';
import { declaredNames } from './scope.js';

/** The names declared inside each function (parameters, locals, nested functions), computed once per function. */
export class Declarations {
  private readonly byFunction = new Map<string, Set<string>>();

  constructor(private readonly index: NodeIndex) {}

  /** Is `name` declared inside `fn` (so it is not the module-level or global one)? */
  has(fn: SyntaxNode | null, name: string): boolean {
    if (!fn) return false;
    const key = `${fn.startIndex}:${fn.endIndex}`;
    let names = this.byFunction.get(key);
    if (!names) {
      names = declaredNames(fn, this.index);
      this.byFunction.set(key, names);
    }
    return names.has(name);
  }
}
