// Releases in a TypeScript file: which call releases what (a field of `this`, a
// module variable, a field of another class's instance, a local), for teardown pairing.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Release } from '../../facts/types.js';
import { kids, shortText, siteOf, same } from '../shared/tree.js';
import { FUNCTION_TYPES, className, type Enclosing, type FunctionContext } from './functions.js';
import type { Declarations } from './declarations.js';
import { freshFunction, registrationKey } from './listeners.js';
import type { CallSite } from './call-site.js';
import { enclosingFunction } from './call-facts.js';
import { memberPath, qualifiedNames, unwrap } from './qualify.js';
import type { NodeIndex } from './node-index.js';
import { stringValue, thisPath, type FileScope } from './scope.js';
import { skippedWhen } from './mode-guards.js';

/** What the release reader needs of the file being extracted. */
export interface ReleaseEnv {
  path: string;
  scope: FileScope;
  index: NodeIndex;
  declarations: Declarations;
  releaseNames: ReadonlySet<string>;
  listenerReleaseNames: ReadonlySet<string>;
  /** Qualified release functions handed the handle as an argument (`fs.unwatchFile(path)`), with that argument's index. */
  argumentReleases: ReadonlyMap<string, number>;
  /** Set when a release acts on a module variable: the module becomes an owner. */
  moduleTouched: { used: boolean };
  describe: (node: SyntaxNode, ctx: FunctionContext) => Enclosing;
  instanceClassOf: (name: string, fn: SyntaxNode | null) => string | undefined;
}

export function releaseReader(env: ReleaseEnv): { releaseOf(site: CallSite, ctx: FunctionContext): Release | undefined } {
  const { path, scope, index, declarations, releaseNames, listenerReleaseNames, argumentReleases, moduleTouched, describe, instanceClassOf } = env;
  const argumentReleaseTails = new Set([...argumentReleases.keys()].map((n) => n.slice(n.lastIndexOf('.') + 1)));

  function releaseOf(site: CallSite, ctx: FunctionContext): Release | undefined {
    const call = site.node;
    const callee = site.callee;
    if (!callee) return undefined;
    let api: string;
    if (site.calleeType === 'identifier') api = site.identifier!;
    else if (site.calleeType === 'member_expression') api = site.property ?? '';
    else return undefined;
    // `fs.unwatchFile(path)`: a library function handed what it stops, named by its qualified name.
    const qualified = argumentReleaseTails.has(api) ? qualifiedNames(callee, scope, site.calleeType).find((n) => argumentReleases.has(n)) : undefined;
    if (qualified) api = qualified;
    else if (!releaseNames.has(api)) return undefined;
    const args = call.childForFieldName('arguments');
    const list = args ? kids(args) : [];
    // `window.clearInterval(id)` is `clearInterval(id)`: the id is the target, not `window`.
    const viaGlobal = site.calleeType === 'member_expression' && GLOBAL_TIMER_RELEASES.test(api) && isGlobalObject(callee.childForFieldName('object'), scope);
    const targetNode = qualified ? list[argumentReleases.get(qualified)!] : site.calleeType === 'identifier' || viaGlobal ? list[0] : (callee.childForFieldName('object') ?? undefined);
    if (!targetNode) return undefined;
    // `el.removeEventListener('x', this.onX.bind(this))`, `off('x', () => ..)`: a function made by the
    // removal itself was never added, so nothing is removed.
    if (listenerReleaseNames.has(api) && list[1] && freshFunction(list[1])) return undefined;
    const enclosing = describe(call, ctx);
    const cls = enclosing.context.cls;
    const ownerType = cls ? className(cls) : undefined;
    const listenerKey =
      site.calleeType === 'member_expression' && listenerReleaseNames.has(api)
        ? registrationKey(targetNode, list[1], { ...(ownerType ? { ownerType } : {}), scope, fn: enclosing.context.fn, modulePath: path, declarations })
        : undefined;
    const fnInfo = { name: enclosing.name, ...(ownerType ? { ownerType } : {}) };
    if (listenerKey) {
      if (listenerKey.owner === path) moduleTouched.used = true;
      // `this.worker.removeListener('exit', h)` removes nothing added for 'close': the event tells them apart.
      const event = api === 'removeAllListeners' && list.length === 0 ? undefined : stringValue(list[0]);
      return { api, target: { kind: 'field', field: listenerKey.field }, site: siteOf(call), fn: { name: enclosing.name, ownerType: listenerKey.owner }, ...(event !== undefined ? { event } : {}) };
    }
    const target = targetOf(targetNode, call, enclosing.context.fn);
    const skipped = target.kind === 'field' || target.kind === 'instance-field' ? skippedWhen(call) : undefined;
    if (skipped && target.kind === 'field') return { api, target, site: siteOf(call), fn: fnInfo, skippedWhen: skipped };
    if (target.kind === 'module-field') {
      moduleTouched.used = true;
      return { api, target: { kind: 'field', field: target.field }, site: siteOf(call), fn: { name: enclosing.name, ownerType: path } };
    }
    if (target.kind === 'instance-field') {
      return { api, target: { kind: 'field', field: target.field }, site: siteOf(call), fn: { name: enclosing.name, ownerType: target.ownerType }, ...(skipped ? { skippedWhen: skipped } : {}) };
    }
    return { api, target, site: siteOf(call), fn: fnInfo };
  }

  /** What a release acts on: a field of `this`, a module variable, a local, or an expression. */
  function targetOf(expr: SyntaxNode, at: SyntaxNode, fn: SyntaxNode | null): ReleaseTarget {
    const node = unwrap(expr);
    const fieldOf = (written: string[] | undefined): ReleaseTarget | undefined => {
      const rootPath = thisPath(written, scope);
      if (!rootPath) return undefined;
      if (rootPath[0] === 'this' && rootPath.length >= 2) return { kind: 'field', field: rootPath[1]!.replace(/^#/, '') };
      // `server.httpServer` with `const server = UptimeServer.getInstance()`: a field of that class.
      const cls = rootPath.length >= 2 ? instanceClassOf(rootPath[0]!, fn) : undefined;
      if (cls) return { kind: 'instance-field', ownerType: cls, field: rootPath[1]!.replace(/^#/, '') };
      if (scope.moduleVars.has(rootPath[0]!) && !declarations.has(fn, rootPath[0]!)) return { kind: 'module-field', field: rootPath[0]! };
      return undefined;
    };
    const direct = fieldOf(rootMemberPath(node));
    if (direct) return direct;
    if (node.type === 'identifier') {
      // `const server = owner.server; const stop = function () { server.close() }`: a local of a function around this one.
      let declaring = fn;
      while (declaring && !declarations.has(declaring, node.text)) declaring = enclosingFunction(declaring);
      return fieldOf(originOfLocal(node.text, at, declaring ?? fn, index)) ?? { kind: 'local', name: node.text };
    }
    return { kind: 'other', text: shortText(node, 60) };
  }

  return { releaseOf };
}

export type ReleaseTarget = Release['target'] | { kind: 'module-field'; field: string } | { kind: 'instance-field'; ownerType: string; field: string };

/** Releases that are global functions, also called through the global object (`window.clearInterval(id)`). */
export const GLOBAL_TIMER_RELEASES = /^(clearInterval|clearTimeout|clearImmediate|cancelAnimationFrame|cancelIdleCallback)$/;

/** `window`, `globalThis`, `global`, `self`, unless the file declares a name like that itself. */
export function isGlobalObject(node: SyntaxNode | null, scope: FileScope): boolean {
  const text = node?.type === 'identifier' ? node.text : undefined;
  return text !== undefined && /^(window|globalThis|global|self)$/.test(text) && !scope.declared.has(text);
}

/** `this.timers.get(k)`, `this.x?.y`, `this.workers[i]`: the member path of the receiver root. */
export function rootMemberPath(node: SyntaxNode): string[] | undefined {
  let cur = unwrap(node);
  for (let i = 0; i < 8; i++) {
    const path = memberPath(cur);
    if (path) return path;
    if (cur.type === 'call_expression') {
      const callee = cur.childForFieldName('function');
      if (callee?.type !== 'member_expression') return undefined;
      cur = unwrap(callee.childForFieldName('object') ?? callee);
    } else if (cur.type === 'subscript_expression' || cur.type === 'member_expression') {
      const obj = cur.childForFieldName('object');
      if (!obj) return undefined;
      cur = unwrap(obj);
    } else return undefined;
  }
  return undefined;
}

/**
 * The member path a local a release acts on came from: `for (const t of this.timers.values())`,
 * `this.workers.forEach((w) => w.terminate())`, `const t = this.timer`, `const { timer } = this`.
 */
export function originOfLocal(name: string, at: SyntaxNode, fn: SyntaxNode | null, index: NodeIndex): string[] | undefined {
  const binds = (pattern: SyntaxNode | null): boolean => !!pattern && new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`).test(pattern.text);
  for (let cur = at.parent; cur; cur = cur.parent) {
    if (cur.type === 'for_in_statement' && binds(cur.childForFieldName('left'))) {
      const right = cur.childForFieldName('right');
      if (right) return rootMemberPath(objectValuesTarget(right));
    }
    if (FUNCTION_TYPES.has(cur.type)) {
      // `coll.forEach((t) => clearInterval(t))`, `Promise.all(coll.map((w) => w.terminate()))`
      const params = cur.childForFieldName('parameters') ?? cur.childForFieldName('parameter');
      if (params && binds(params) && cur.parent?.type === 'arguments') {
        const callee = cur.parent.parent?.childForFieldName('function');
        const obj = callee?.type === 'member_expression' ? callee.childForFieldName('object') : null;
        if (obj) return rootMemberPath(objectValuesTarget(obj));
      }
      if (fn && same(cur, fn)) break;
    }
  }
  // `const t = this.timer;` / `const { timer } = this;` earlier in the function.
  // Nodes come in pre-order, so their starts never decrease: the first at or after `at` ends the search.
  let origin: string[] | undefined;
  if (fn) index.walk(fn, ['variable_declarator'], (n) => {
    if (n.startIndex >= at.startIndex) return 'stop';
    const pattern = n.childForFieldName('name');
    const value = n.childForFieldName('value');
    if (pattern?.type === 'identifier' && pattern.text === name && value) origin = rootMemberPath(value) ?? [];
    else if (pattern?.type === 'object_pattern' && value && binds(pattern) && unwrap(value).type === 'this') origin = ['this', name];
    return origin ? 'stop' : true;
  });
  return origin && origin.length > 0 ? origin : undefined;
}

/** `this.timers.values()`, `Object.values(this.timers)`, `[...this.timers]`: the collection. */
export function objectValuesTarget(expr: SyntaxNode): SyntaxNode {
  const node = unwrap(expr);
  if (node.type === 'call_expression') {
    const callee = node.childForFieldName('function');
    if (callee && /^(Object\.(values|entries|keys)|Array\.from)$/.test(callee.text.replace(/\s+/g, ''))) {
      const args = node.childForFieldName('arguments');
      const first = args ? kids(args)[0] : undefined;
      if (first) return first;
    }
  }
  if (node.type === 'array') {
    const spread = kids(node).find((k) => k.type === 'spread_element');
    const inner = spread ? kids(spread)[0] : undefined;
    if (inner) return inner;
  }
  return node;
}
