// Resources made through a helper of the same file: `def _session(): s = requests.Session(); ..; return s`.
// The helper hands back a new one on every call, so each call of it opens one more (a session, a
// connection, a child process): the acquisition is the caller's, at the call site, and the handle's
// fate is whatever the caller does with the helper's result.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Acquisition, EnclosingFunction } from '../../facts/types.js';

/** Kinds a helper can open and hand back. Tasks and threads carry a body the call site cannot see. */
const HELPER_KINDS = new Set(['connection', 'pool', 'process', 'stream', 'worker']);

/** A call that may reach a helper of this file, seen during the main pass. */
export interface HelperCallCandidate {
  call: SyntaxNode;
  /** The function name the call names. */
  callee: string;
  /** `self.f()` / `cls.f()`: the caller's own class; a bare `f()`: none (a module-level function). */
  owner: string | undefined;
  enclosing: EnclosingFunction;
  /** The innermost function around the call. */
  fn: SyntaxNode | null;
}

/** The candidate a call is: `f(..)` or `self.f(..)` / `cls.f(..)` inside a method. */
export function helperCallCandidate(call: SyntaxNode, fnNode: SyntaxNode, enclosing: EnclosingFunction, fn: SyntaxNode | null): HelperCallCandidate | undefined {
  if (fnNode.type === 'identifier') return { call, callee: fnNode.text, owner: undefined, enclosing, fn };
  if (fnNode.type !== 'attribute' || !enclosing.ownerType) return undefined;
  const object = fnNode.childForFieldName('object')?.text;
  const name = fnNode.childForFieldName('attribute')?.text;
  if ((object !== 'self' && object !== 'cls') || !name) return undefined;
  return { call, callee: name, owner: enclosing.ownerType, enclosing, fn };
}

/** Helpers by `Owner::name`: functions that return, on every call, a resource they open. */
/**
 * `handedBack`: acquisitions whose function returns the handle itself (`return conn.cursor()` hands back
 * a cursor, and a generator a generator).
 */
export function helperFactories(acquisitions: readonly Acquisition[], handedBack: ReadonlySet<Acquisition>): Map<string, Acquisition> {
  const helpers = new Map<string, Acquisition>();
  for (const a of acquisitions) {
    if (a.handle.kind !== 'returned' || !HELPER_KINDS.has(a.kind) || a.fn.isTest || a.inLoop || a.guardedOnce) continue;
    // A memoised factory or a constructor hands out one per process or object, not one per call.
    if (a.fn.constructOnce || a.fn.isEntryPoint || a.fn.name === '<module>' || a.fn.name === '<closure>') continue;
    const key = `${a.fn.ownerType ?? ''}::${a.fn.name}`;
    if (!handedBack.has(a)) continue;
    // A function that can return one of two resources is no single helper.
    helpers.set(key, helpers.has(key) ? { ...a, modelId: '' } : a);
  }
  return helpers;
}

/** The helper a candidate call reaches, unless it is the helper calling itself. */
export function helperOf(c: HelperCallCandidate, helpers: ReadonlyMap<string, Acquisition>): Acquisition | undefined {
  const helper = helpers.get(`${c.owner ?? ''}::${c.callee}`);
  if (!helper || !helper.modelId) return undefined;
  if (c.enclosing.name === helper.fn.name && c.enclosing.ownerType === helper.fn.ownerType) return undefined;
  return helper;
}

/** The note a derived acquisition carries (connection-per-operation's factory check reads its start). */
export function helperNote(c: HelperCallCandidate, helper: Acquisition): string {
  return `\`${c.callee}()\` (line ${helper.site.startLine}) opens it with \`${helper.api}\` and hands it back`;
}
