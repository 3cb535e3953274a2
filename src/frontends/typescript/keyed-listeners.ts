// Listener methods that keep one callback per type and name (d3's `on(typenames, f)`; vocabulary
// data `keyedListeners`): calling them again replaces the earlier callback, so a repeated call
// adds nothing. Two ways to know a receiver is such an object: it is made here by one of the
// library's factories (`const zoom = d3_zoom().scaleExtent(..)`, `d3_select(el)`), or a project
// rebinds a dispatcher's `on` onto its own objects (`utilRebind(this, dispatch, 'on')`), whose
// declared types the analysis matches against `on` calls of other files.
import type { SyntaxNode } from '../../parse/syntax.js';
import { vocabularyOf } from '../../models/index.js';
import { kids } from '../shared/tree.js';
import { parameterNames } from './functions.js';
import { qualifiedNames, unwrap } from './qualify.js';
import { stringValue, type FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';

const KEYED = vocabularyOf('typescript').keyedListeners;
const MODULES = KEYED ? new RegExp(KEYED.modules) : /(?!)/;
const NOT_CHAINED = new Set(KEYED?.notChained ?? []);
const OTHER_EMITTERS = new Set(KEYED?.otherEmitters ?? []);

export interface KeyedScope {
  scope: FileScope;
  root: SyntaxNode;
  fn: SyntaxNode | null;
  index: NodeIndex;
}

/** The file imports one of the library's modules. */
function importsLibrary(scope: FileScope): boolean {
  for (const r of scope.roots) if (MODULES.test(r)) return true;
  return false;
}

/** `f(..).a(..).b(..)`: the call at the root of a chain, unless a link leaves the library's objects. */
function chainRoot(expr: SyntaxNode): SyntaxNode | null {
  let n = unwrap(expr);
  while (n.type === 'call_expression') {
    const callee = n.childForFieldName('function');
    if (callee?.type !== 'member_expression') return n;
    if (NOT_CHAINED.has(callee.childForFieldName('property')?.text ?? '')) return null;
    const object = callee.childForFieldName('object');
    const inner = object ? unwrap(object) : null;
    // `d3.select(el)`: the namespace's own call is the root.
    if (inner?.type !== 'call_expression') return n;
    n = inner;
  }
  return null;
}

/** `d3_zoom()`, `d3.select(el)`: a call of one of `names`, imported from the library. */
function libraryCall(call: SyntaxNode, scope: FileScope, names: readonly string[]): boolean {
  const callee = call.childForFieldName('function');
  if (!callee) return false;
  return qualifiedNames(callee, scope).some((q) => {
    const dot = q.lastIndexOf('.');
    return dot > 0 && MODULES.test(q.slice(0, dot)) && names.includes(q.slice(dot + 1));
  });
}

/** The one initialiser of `name` in the file, when nothing assigns it again and `fn` does not shadow it. */
function soleValue(name: string, ks: KeyedScope): SyntaxNode | null {
  if (ks.fn && parameterNames(ks.fn).has(name)) return null;
  let value: SyntaxNode | null = null;
  let count = 0;
  ks.index.walk(ks.root, ['variable_declarator', 'assignment_expression'], (n, type) => {
    if (type === 'variable_declarator') {
      if (n.childForFieldName('name')?.text !== name) return true;
      value = n.childForFieldName('value');
      count++;
    } else if (n.childForFieldName('left')?.text === name) count = 2;
    return count > 1 ? 'stop' : true;
  });
  return count === 1 ? value : null;
}

/** What `expr` holds, read through one local or module variable. */
function valueOf(expr: SyntaxNode, ks: KeyedScope): SyntaxNode | null {
  const node = unwrap(expr);
  if (node.type !== 'identifier') return node;
  const value = soleValue(node.text, ks);
  return value ? unwrap(value) : null;
}

/** `imgZoom.on('zoom', f)` with `const imgZoom = d3_zoom()..`: the receiver is made by the library here. */
export function keyedReceiver(receiver: SyntaxNode, method: string, ks: KeyedScope): boolean {
  if (!KEYED || method !== KEYED.method || !importsLibrary(ks.scope)) return false;
  const value = valueOf(receiver, ks);
  const root = value ? chainRoot(value) : null;
  return !!root && libraryCall(root, ks.scope, KEYED.factories);
}

/** How a keyed `on` is read, for the evidence. */
export const KEYED_HOW = `\`on(type.name, f)\` of d3 keeps one callback per type and name: a repeated call replaces the earlier callback, it does not add one (${KEYED?.source ?? ''})`;

/**
 * `service.on('loaded', f)` on a receiver not made here: the event's type, when the call could be
 * a rebound dispatcher's `on` (the file imports no module of emitters that add on every `on`, and
 * the receiver is no global or jQuery object). The analysis keeps it only when the project rebinds
 * a dispatcher declaring that type.
 */
export function rebindableType(receiver: SyntaxNode, method: string, event: string | undefined, scope: FileScope): string | undefined {
  if (!KEYED || method !== KEYED.method || event === undefined) return undefined;
  for (const r of scope.roots) if (OTHER_EMITTERS.has(r)) return undefined;
  const head = receiver.text.split(/[.([]/)[0]!;
  if (/^(\$|jQuery|process|window|document|globalThis|self)$/.test(head)) return undefined;
  const type = event.split('.')[0]!;
  return /^[\w$-]+$/.test(type) ? type : undefined;
}

/**
 * `const dispatch = d3_dispatch('change', 'loaded'); .. utilRebind(this, dispatch, 'on')`: the
 * types of dispatchers this file rebinds onto other objects (a call handing the dispatcher on
 * with the method's name as a later argument, d3 v3's `d3.rebind` or a project's own helper).
 */
export function reboundListenerTypes(ks: KeyedScope): string[] {
  if (!KEYED || !importsLibrary(ks.scope)) return [];
  const out = new Set<string>();
  ks.index.walk(ks.root, ['call_expression'], (call) => {
    const args = call.childForFieldName('arguments');
    const list = args ? kids(args) : [];
    if (list.length < 3 || !list.slice(2).some((a) => stringValue(a) === KEYED.method)) return true;
    const value = valueOf(list[1]!, { ...ks, fn: null });
    if (value?.type !== 'call_expression' || !libraryCall(value, ks.scope, KEYED.dispatchers)) return true;
    const declared = value.childForFieldName('arguments');
    for (const a of declared ? kids(declared) : []) {
      const s = stringValue(a);
      if (s) out.add(s);
    }
    return true;
  });
  return [...out].sort();
}
