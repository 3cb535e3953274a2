// A project module of free event functions used through its namespace:
// `import * as DomEvent from './dom/DomEvent.js'; DomEvent.on(el, 'click', fn, ctx)`.
// The namespace is not an emitter (it is not even an instance): the first
// argument is the target, the second the event (or a map of events to
// handlers), and `DomEvent.off(el, ..)` removes from the same target.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import type { CallSite } from './call-site.js';
import { unwrap } from './qualify.js';
import type { FileScope } from './scope.js';

/** What stands in an event's place: a name (`'click'`, `` `key${n}` ``) or a map of events to handlers. */
const EVENT_SHAPES = new Set(['string', 'template_string', 'object']);

/**
 * `receiver.on(target, 'event', handler)` where `receiver` is a whole-module
 * import of a file of this project and the second argument is an event (an
 * emitter's own `on(event, handler)` never takes an event second). `shadowed`
 * says whether the enclosing function declares a local of the receiver's name.
 */
export function isTargetFirstCall(receiver: SyntaxNode | null | undefined, args: readonly SyntaxNode[], scope: FileScope, shadowed: (name: string) => boolean): boolean {
  if (receiver?.type !== 'identifier' || args.length < 2) return false;
  const binding = scope.imports.get(receiver.text);
  if (!binding || binding.name !== '*' || !(binding.module.startsWith('.') || binding.module.startsWith('/'))) return false;
  if (shadowed(receiver.text)) return false;
  return EVENT_SHAPES.has(unwrap(args[1]!).type);
}

/** The target, event and handler of a listener call: shifted by one for a target-first free function. */
export function listenerArguments(args: readonly SyntaxNode[], targetFirst: boolean): { target?: SyntaxNode; event?: SyntaxNode; handler?: SyntaxNode } {
  if (!targetFirst) return { ...(args[0] ? { event: args[0] } : {}), ...(args[1] ? { handler: args[1] } : {}) };
  return { target: args[0]!, event: args[1]!, ...(args[2] ? { handler: args[2] } : {}) };
}

/** `isTargetFirstCall` for a call site (a removal: `DomEvent.off(el, 'click', fn)`). */
export function targetFirstSite(site: CallSite, scope: FileScope, shadowed: (name: string) => boolean): boolean {
  if (site.calleeType !== 'member_expression') return false;
  const args = site.node.childForFieldName('arguments');
  return isTargetFirstCall(site.callee!.childForFieldName('object'), args ? kids(args) : [], scope, shadowed);
}

/** `{ move: this.onMove, up: this.onUp }` -> `move:this.onMove`, `up:this.onUp`: an event map's pairs (empty for anything else). */
export function eventMapPairs(events: SyntaxNode): Set<string> {
  const node = unwrap(events);
  const out = new Set<string>();
  if (node.type !== 'object') return out;
  for (const pair of kids(node)) {
    if (pair.type === 'pair') out.add(pair.text.replace(/\s+/g, '').replace(/['"]/g, ''));
    else if (pair.type === 'shorthand_property_identifier') out.add(`${pair.text}:${pair.text}`);
  }
  return out;
}

/** A removal's event map names at least one event and handler of the registration's. */
export function sharesEventPair(pairs: ReadonlySet<string>, removed: SyntaxNode | undefined): boolean {
  if (!removed) return false;
  for (const pair of eventMapPairs(removed)) if (pairs.has(pair)) return true;
  return false;
}
