// Spawns made through a project helper: `fn spawn_heartbeat(..) -> JoinHandle<()> { tokio::spawn(..) }`.
// The helper hands its handle back, so each call of it starts one more task (or thread, or
// child process): the acquisition is the caller's, at the call site, and the handle's fate is
// whatever the caller does with the helper's result.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Acquisition, EnclosingFunction } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { siteOf } from '../shared/tree.js';
import { fateOf, type FateOptions } from './handles.js';
import { functionNode } from './functions.js';
import { insideLoop } from './spawn-site.js';
import { scopedParts, STD_METHOD_NAMES, withoutGenerics } from './call-names.js';import { reusedByLoop } from './acquisitions.js';


/** Kinds a helper can start (or open) and hand back. */
const HELPER_KINDS = new Set(['task', 'thread', 'process', 'timer', 'connection', 'pool']);

/** A call that may reach a helper of this file, seen during the main pass. */
export interface HelperCallCandidate {
  call: SyntaxNode;
  /** The function name the call names. */
  callee: string;
  /** `Self::f()`/`self.f()`: the caller's own type; `Type::f()`: that type; a bare `f()`: none; `x.f()`: `?`, unknown. */
  owner: string | undefined;
  enclosing: EnclosingFunction;
}

/**
 * The candidate a call is, if its callee can be a function of this file: a bare name the file
 * declares, `Self::f`/`self.f`, or `Type::f`, with `f` among the file's function names.
 */
export function helperCallCandidate(call: SyntaxNode, fnNode: SyntaxNode, fnType: string, method: string | undefined, fnText: string | undefined, fileFunctions: ReadonlySet<string>, enclosing: () => EnclosingFunction): HelperCallCandidate | undefined {
  if (fnType === 'identifier') {
    if (!fnText || !fileFunctions.has(fnText)) return undefined;
    return { call, callee: fnText, owner: undefined, enclosing: enclosing() };
  }
  if (fnType === 'field_expression') {
    if (!method || !fileFunctions.has(method)) return undefined;
    const e = enclosing();
    // `config.launch()`: a receiver of a type not known here; only a helper method no other function of the file is named like can be meant.
    if (fnNode.childForFieldName('value')?.type !== 'self') return STD_METHOD_NAMES.test(method) ? undefined : { call, callee: method, owner: '?', enclosing: e };
    return e.ownerType ? { call, callee: method, owner: e.ownerType, enclosing: e } : undefined;
  }
  if (fnType === 'scoped_identifier' && fnText) {
    const parts = scopedParts(fnNode, fnText);
    const name = parts.name();
    const path = parts.path();
    if (!name || !path || !fileFunctions.has(name)) return undefined;
    const owner = withoutGenerics(path).split('::').pop()!;
    if (!/^[A-Z]/.test(owner)) return undefined;
    const e = enclosing();
    const type = owner === 'Self' ? e.ownerType : owner;
    return type ? { call, callee: name, owner: type, enclosing: e } : undefined;
  }
  return undefined;
}

/**
 * One acquisition per call of a helper that returns what it spawned: the model, kind and body
 * are the helper's; the site, enclosing function and fate are the call's.
 */
export function helperAcquisitions(acquisitions: readonly Acquisition[], candidates: readonly HelperCallCandidate[], fileMethodCounts: ReadonlyMap<string, number>, snippetOf: (call: SyntaxNode) => string, modelOf: (modelId: string) => ResourceModel | undefined): Acquisition[] {
  const helpers = new Map<string, Acquisition>();
  /** Methods by name alone, for calls on a receiver of unknown type. */
  const methods = new Map<string, Acquisition>();
  for (const a of acquisitions) {
    if (a.handle.kind !== 'returned' || !HELPER_KINDS.has(a.kind) || a.fn.isTest || a.inLoop) continue;
    const key = `${a.fn.ownerType ?? ''}::${a.fn.name}`;
    // A function that can return one of two spawns is no single helper.
    helpers.set(key, helpers.has(key) ? { ...a, modelId: '' } : a);
    if (a.fn.ownerType && fileMethodCounts.get(a.fn.name) === 1) methods.set(a.fn.name, helpers.get(key)!);
  }
  const derived: Acquisition[] = [];
  for (const c of candidates) {
    const helper = c.owner === '?' ? methods.get(c.callee) : helpers.get(`${c.owner ?? ''}::${c.callee}`);
    if (!helper || !helper.modelId) continue;
    // Recursion (a helper that calls itself to restart) is the helper's own business.
    if (c.enclosing.name === helper.fn.name && c.enclosing.ownerType === helper.fn.ownerType) continue;
    const fnItem = functionNode(c.call);
    const isTaskLike = helper.kind === 'task' || helper.kind === 'thread';
    const model = modelOf(helper.modelId);
    const opts: FateOptions = {
      releases: model?.releases ?? [],
      ...(model?.idMethod ? { idMethod: model.idMethod } : {}),
      joins: isTaskLike ? ['await', 'join', 'join_all'] : [],
      ...(c.enclosing.ownerType ? { ownerType: c.enclosing.ownerType } : {}),
    };
    const a: Acquisition = {
      modelId: helper.modelId,
      kind: helper.kind,
      api: `${c.call.childForFieldName('function')?.text.replace(/\s+/g, '') ?? c.callee}`,
      site: siteOf(c.call),
      snippet: snippetOf(c.call),
      fn: c.enclosing,
      handle: fateOf(c.call, fnItem?.childForFieldName('body') ?? null, opts),
      notes: [`\`${c.callee}()\` (line ${helper.site.startLine}) starts it with \`${helper.api}\` and hands its handle back`],
    };
    if (helper.body) a.body = helper.body;
    if (insideLoop(c.call, fnItem)) a.inLoop = true;
    const reuse = reusedByLoop(c.call, a.kind, a.handle);
    if (reuse) a.reusedByLoop = reuse;
    derived.push(a);
  }
  return derived;
}
