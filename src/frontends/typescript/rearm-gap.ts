// A self-re-arming timer chain whose re-arm waits for other work first: `async tick() { await
// work(); this.t = setTimeout(() => this.tick(), ms) }`, `poll() { fetch().finally(() =>
// setTimeout(() => this.poll(), ms)) }`, or a chain through a second method that re-arms from a
// callback it hands to a queue. While that work is in flight no timer is pending, so a stop has to
// do two things: clear the pending timer (for a stop during the wait) and set a flag the re-arm
// tests (for a stop during the work). What the chain does of the two is judged by the rule.
import type { SyntaxNode } from '../../parse/syntax.js';
import { line, same, shortText } from '../shared/tree.js';
import { FUNCTION_TYPES, bodyOf, methodName } from './functions.js';
import { memberPath, unwrap } from './qualify.js';

/** Callbacks that run before the call that takes them returns: no gap. */
const SYNC_CALLBACKS = /^(forEach|map|flatMap|filter|reduce|reduceRight|some|every|find|findIndex|findLast|findLastIndex|sort|call|apply|bind)$/;
/** Handlers registered for events (`toggle.onChange(cb)`, `el.addEventListener(..)`): they run per event, not when some work ends. */
const EVENT_REGISTRATIONS = /^(on|once|on[A-Z_]\w*|addEventListener|addListener|prependListener|subscribe|register\w*|listen|watch\w*|use|handle|when)$/;

export interface RearmGap {
  /** Where the work the re-arm waits for is awaited or handed a callback. */
  line: number;
  how: string;
}

/**
 * The work the re-arm `call` waits for inside `fn`: an `await` ahead of it in its own function (or in
 * one around it within `fn`), a promise callback (`.then`/`.catch`/`.finally`) holding it, or a
 * callback handed to another call (`queue.addTask(job, () => rearm())`), which runs when that call
 * calls it back. Undefined when the re-arm runs straight through.
 */
export function gapBefore(call: SyntaxNode, fn: SyntaxNode): RearmGap | undefined {
  for (let cur = call.parent; cur && !same(cur, fn); cur = cur.parent) {
    if (!FUNCTION_TYPES.has(cur.type) || cur.parent?.type !== 'arguments') continue;
    const holder = cur.parent.parent;
    if (holder?.type !== 'call_expression') continue;
    const callee = holder.childForFieldName('function');
    const name = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : callee?.type === 'identifier' ? callee.text : undefined;
    if (!callee || !name || SYNC_CALLBACKS.test(name)) continue;
    // A re-arm from an event handler runs when the event comes, not once the work is done: no chain of rounds.
    if (EVENT_REGISTRATIONS.test(name)) return undefined;
    const how = /^(then|catch|finally)$/.test(name) ? `the promise callback \`.${name}()\`` : `a callback handed to \`${shortText(callee, 40)}()\``;
    return { line: line(cur), how };
  }
  for (const node of fn.descendantsOfType('await_expression')) {
    if (!node || node.startIndex >= call.startIndex) continue;
    // Only an await in a function the re-arm sits in: one inside a sibling callback does not hold it up.
    let owner: SyntaxNode | null = node.parent;
    while (owner && !same(owner, fn) && !FUNCTION_TYPES.has(owner.type)) owner = owner.parent;
    if (!owner || call.startIndex < owner.startIndex || call.endIndex > owner.endIndex) continue;
    return { line: line(node), how: `\`${shortText(node, 40)}\`` };
  }
  return undefined;
}

/** A method of the class around `fn`, by name. */
function classMethod(fn: SyntaxNode, name: string): SyntaxNode | undefined {
  if (fn.type !== 'method_definition') return undefined;
  const classBody = fn.parent;
  if (classBody?.type !== 'class_body') return undefined;
  for (const m of classBody.namedChildren) {
    if (m?.type === 'method_definition' && methodName(m) === name) return m;
  }
  return undefined;
}

/** `this.name(..)` calls in `node`, at any depth. */
function thisCalls(node: SyntaxNode, name: string): SyntaxNode[] {
  return node.descendantsOfType('call_expression').filter((c): c is SyntaxNode => {
    const callee = c?.childForFieldName('function');
    const path = callee ? memberPath(callee) : undefined;
    return !!path && path.length === 2 && path[0] === 'this' && path[1] === name;
  });
}

/**
 * The re-arm through a second method: the timer's callback calls `this.step()`, a method of the same
 * class whose body calls `this.<fn>()` again after some work (`queue.addTask(job, () => this.start())`).
 * Only a re-arm after a gap counts: a synchronous hop is judged as the one-shot timer it looks like.
 */
export function rearmThroughMethod(callback: SyntaxNode, fn: SyntaxNode, name: string): { method: SyntaxNode; via: string; call: SyntaxNode; gap: RearmGap } | undefined {
  if (fn.type !== 'method_definition') return undefined;
  const cb = unwrap(callback);
  const body = FUNCTION_TYPES.has(cb.type) ? bodyOf(cb) : null;
  const calls = body ? [...(body.type === 'call_expression' ? [body] : []), ...body.descendantsOfType('call_expression')] : [];
  for (const c of calls) {
    const callee = c?.childForFieldName('function');
    const path = callee ? memberPath(callee) : undefined;
    if (!path || path.length !== 2 || path[0] !== 'this' || path[1] === name) continue;
    const method = classMethod(fn, path[1]!);
    const methodBody = method ? bodyOf(method) : null;
    if (!method || !methodBody) continue;
    for (const again of thisCalls(methodBody, name)) {
      const gap = gapBefore(again, method);
      if (gap) return { method, via: path[1]!, call: again, gap };
    }
  }
  return undefined;
}
