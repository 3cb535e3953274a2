// What a timer callback or an async loop does over time: does it repeat for
// ever, how often, and what (an AbortSignal, a stop flag, a break) can end it.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { BodyFacts, LoopExit } from '../../facts/types.js';
import { kids, line, shortText, walk, same } from '../shared/tree.js';
import { FUNCTION_TYPES, LOOP_TYPES, functionName, isInlineCallback, parameterNames, bodyOf } from './functions.js';
import { memberPath, qualifiedNames, unwrap } from './qualify.js';
import { numberOf, type FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';
import { gapBefore, rearmThroughMethod } from './rearm-gap.js';

const CANCEL_WORDS = /abort|cancel|shutdown|shutting|stop|terminat|quit|exit|closed|closing|running|alive|active|dispos|destroy|done|finish|signal|disconnect|enabled|isOpen|started|paused/i;

export interface BodyContext {
  scope: FileScope;
  /** The file's indexed nodes, for walks that look only at some types. */
  index: NodeIndex;
  /** Is this call a period source (sleep, delay, a timeout promise) according to the models? */
  isPeriodCall(call: SyntaxNode): boolean;
}

/** Calls in `node` that are not inside a nested (non-inline) function. */
function ownWalk(node: SyntaxNode, visit: (n: SyntaxNode) => boolean | void): void {
  walk(node, (n) => {
    if (!same(n, node) && FUNCTION_TYPES.has(n.type) && !isInlineCallback(n)) return false;
    return visit(n);
  });
}

/** Nodes of `node` outside every nested function: a `return` in a callback does not leave our loop. */
function strictWalk(node: SyntaxNode, visit: (n: SyntaxNode) => boolean | void): void {
  walk(node, (n) => {
    if (!same(n, node) && FUNCTION_TYPES.has(n.type)) return false;
    return visit(n);
  });
}

interface FoundLoop {
  node: SyntaxNode;
  kind: string;
  headExits: LoopExit[];
  periodMs?: number;
}

/** The body of an async function whose loop runs until something stops it, or a non-long-lived result. */
export function analyseFunctionBody(body: SyntaxNode, ctx: BodyContext, outer: ReadonlySet<string>): BodyFacts {
  const loop = findLongLivedLoop(body, ctx);
  if (!loop) return { longLived: false, exits: [], ignoredErrors: [], captures: [] };
  const captures = capturesOf(body, outer);
  const facts: BodyFacts = {
    longLived: true,
    loopKind: loop.kind,
    loopLine: line(loop.node),
    exits: [...loop.headExits, ...exitsOf(loop.node)],
    ignoredErrors: ignoredErrorsOf(loop.node),
    captures,
  };
  const period = loop.periodMs ?? periodOf(loop.node, ctx);
  if (period !== undefined) facts.periodMs = period;
  return facts;
}

/** Types `findLongLivedLoop` looks at: loops, and the nested functions `ownWalk` leaves out. */
const LOOP_SEARCH_TYPES = [...FUNCTION_TYPES, ...LOOP_TYPES];

/** The first loop that runs until stopped, outside nested functions (`ownWalk` over the index). */
function findLongLivedLoop(body: SyntaxNode, ctx: BodyContext): FoundLoop | undefined {
  let found: FoundLoop | undefined;
  ctx.index.walk(body, LOOP_SEARCH_TYPES, (node, type) => {
    if (!same(node, body) && FUNCTION_TYPES.has(type) && !isInlineCallback(node, type)) return false;
    if (!LOOP_TYPES.has(type)) return true;
    found = classifyLoop(node, ctx);
    return found ? 'stop' : true;
  });
  return found;
}

function conditionOf(loop: SyntaxNode): SyntaxNode | null {
  const cond = loop.childForFieldName('condition');
  if (!cond) return null;
  return cond.type === 'parenthesized_expression' ? (kids(cond)[0] ?? cond) : cond;
}

function alwaysTrue(cond: SyntaxNode): boolean {
  const t = cond.text.replace(/\s+/g, '');
  return t === 'true' || t === '1' || t === '!0' || t === '!false';
}

function classifyLoop(node: SyntaxNode, ctx: BodyContext): FoundLoop | undefined {
  if (node.type === 'while_statement' || node.type === 'do_statement') {
    const cond = conditionOf(node);
    if (!cond) return undefined;
    const kw = node.type === 'while_statement' ? 'while' : 'do … while';
    if (alwaysTrue(cond)) return { node, kind: `${kw} (true)`, headExits: [] };
    const text = shortText(cond);
    if (CANCEL_WORDS.test(text)) return { node, kind: kw, headExits: [{ kind: 'cancellation', detail: `loop condition \`${text}\` is a stop flag`, line: line(node) }] };
    return { node, kind: kw, headExits: [{ kind: 'break', detail: `loop ends when \`${text}\` becomes false`, line: line(node) }] };
  }
  if (node.type === 'for_statement') {
    const cond = node.childForFieldName('condition');
    const empty = !cond || cond.type === 'empty_statement' || cond.text.replace(/[\s;]/g, '') === '';
    if (empty) return { node, kind: 'for (;;)', headExits: [] };
    const inner = cond.type === 'expression_statement' ? (kids(cond)[0] ?? cond) : cond;
    if (alwaysTrue(inner)) return { node, kind: 'for (;;)', headExits: [] };
    return undefined;
  }
  if (node.type === 'for_in_statement' && node.children.some((c) => c?.type === 'await')) {
    const right = node.childForFieldName('right');
    if (!right) return undefined;
    const source = unwrap(right);
    if (source.type === 'call_expression') {
      const names = qualifiedNames(source.childForFieldName('function') ?? source, ctx.scope);
      const signal = signalArgument(source);
      const headExits: LoopExit[] = signal ? [{ kind: 'cancellation', detail: `\`${signal}\` ends the iterator when it aborts`, line: line(node) }] : [];
      if (names.includes('timers/promises.setInterval')) {
        const args = source.childForFieldName('arguments');
        const first = args ? kids(args)[0] : undefined;
        const period = first ? numberOf(first, ctx.scope.numbers) : undefined;
        return { node, kind: 'for await … of setInterval', headExits, ...(period !== undefined ? { periodMs: period } : {}) };
      }
      if (names.includes('events.on')) return { node, kind: 'for await … of events.on', headExits };
    }
    return {
      node,
      kind: 'for await',
      headExits: [{ kind: 'channel-closed', detail: `\`for await … of ${shortText(right, 50)}\` ends when the source ends`, line: line(node) }],
    };
  }
  return undefined;
}

/** `{ signal }`, `{ signal: this.ac.signal }` or a bare `signal` argument: the text of the signal passed. */
export function signalArgument(call: SyntaxNode): string | undefined {
  const args = call.childForFieldName('arguments');
  for (const arg of args ? kids(args) : []) {
    const a = unwrap(arg);
    if (a.type === 'object') {
      for (const p of kids(a)) {
        if (p.type === 'shorthand_property_identifier' && p.text === 'signal') return 'signal';
        if (p.type === 'pair' && p.childForFieldName('key')?.text === 'signal') return shortText(p.childForFieldName('value') ?? p, 50);
      }
    } else if (/(^|\.)signal$/i.test(a.text) && (a.type === 'identifier' || a.type === 'member_expression')) return a.text;
  }
  return undefined;
}

/** break / return / throw and abort-aware calls that leave this loop. */
function exitsOf(loop: SyntaxNode): LoopExit[] {
  const exits: LoopExit[] = [];
  const body = loop.childForFieldName('body');
  if (!body) return exits;
  strictWalk(body, (node) => {
    switch (node.type) {
      case 'break_statement': {
        const labelled = kids(node).some((k) => k.type === 'statement_identifier');
        if (!labelled && insideNested(node, loop, true)) return true;
        exits.push(classifyExit(node, loop, 'break'));
        return true;
      }
      case 'return_statement':
        exits.push(classifyExit(node, loop, 'return'));
        return true;
      case 'throw_statement':
        if (insideTry(node, loop)) return true;
        exits.push({ kind: 'error-propagated', detail: `\`${shortText(node, 60)}\` ends the loop`, line: line(node) });
        return true;
      case 'call_expression': {
        const callee = node.childForFieldName('function');
        const method = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
        if (method === 'throwIfAborted') {
          exits.push({ kind: 'cancellation', detail: `\`${shortText(node, 60)}\` throws once the signal aborts`, line: line(node) });
          return true;
        }
        const signal = signalArgument(node);
        if (signal && !insideTry(node, loop)) {
          exits.push({ kind: 'cancellation', detail: `\`${shortText(node, 60)}\` rejects when \`${signal}\` aborts`, line: line(node) });
        }
        return true;
      }
      default:
        return true;
    }
  });
  return exits;
}

/** Is `node` inside a loop (or, for breaks, a switch) nested in `loop`? */
function insideNested(node: SyntaxNode, loop: SyntaxNode, countSwitch: boolean): boolean {
  for (let cur = node.parent; cur && !same(cur, loop); cur = cur.parent) {
    if (LOOP_TYPES.has(cur.type) || (countSwitch && cur.type === 'switch_statement')) return true;
  }
  return false;
}

/** Inside the `try { }` block of a try statement within `loop`: a catch may swallow it. */
function insideTry(node: SyntaxNode, loop: SyntaxNode): boolean {
  for (let cur: SyntaxNode | null = node; cur && cur.parent && !same(cur, loop); cur = cur.parent) {
    const parent: SyntaxNode = cur.parent;
    if (parent.type === 'try_statement' && same(parent.childForFieldName('body'), cur) && parent.childForFieldName('handler')) return true;
  }
  return false;
}

/** Classify a break/return by the conditions around it. */
function classifyExit(node: SyntaxNode, loop: SyntaxNode, what: string): LoopExit {
  const text = conditionsAround(node, loop).join(' / ');
  const where = text ? ` when \`${text}\`` : '';
  if (CANCEL_WORDS.test(text)) return { kind: 'cancellation', detail: `${what}${where}`, line: line(node) };
  return { kind: 'break', detail: `${what}${where || ' in the loop body'}`, line: line(node) };
}

function conditionsAround(node: SyntaxNode, stop: SyntaxNode): string[] {
  const out: string[] = [];
  for (let cur = node.parent; cur && !same(cur, stop); cur = cur.parent) {
    if (cur.type === 'if_statement' || cur.type === 'ternary_expression') {
      const cond = cur.childForFieldName('condition');
      if (cond) out.push(shortText(cond.type === 'parenthesized_expression' ? (kids(cond)[0] ?? cond) : cond));
    } else if (cur.type === 'switch_case') {
      const value = cur.childForFieldName('value');
      if (value) out.push(shortText(value));
    } else if (cur.type === 'switch_statement') {
      const value = cur.childForFieldName('value');
      if (value) out.push(shortText(value));
    } else if (cur.type === 'binary_expression' && /^(&&|\|\|)$/.test(cur.childForFieldName('operator')?.text ?? '')) {
      const left = cur.childForFieldName('left');
      if (left && !same(left, node) && left.endIndex <= node.startIndex) out.push(shortText(left));
    }
  }
  return out;
}

/** `catch` blocks in the loop that neither rethrow nor leave it, and `.catch(() => {})`. */
function ignoredErrorsOf(loop: SyntaxNode): string[] {
  const out: string[] = [];
  strictWalk(loop, (node) => {
    if (node.type === 'catch_clause') {
      const body = node.childForFieldName('body');
      let leaves = false;
      if (body) strictWalk(body, (n) => {
        if (n.type === 'throw_statement' || n.type === 'return_statement' || n.type === 'break_statement') leaves = true;
        return !leaves;
      });
      if (!leaves) out.push(`\`catch\` at line ${line(node)} swallows every error and the loop goes on`);
      return true;
    }
    if (node.type === 'call_expression') {
      const callee = node.childForFieldName('function');
      if (callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'catch') {
        out.push(`\`${shortText(node, 60)}\` swallows errors`);
      }
    }
    return true;
  });
  return out;
}

/** The period of a loop: the first sleep / delay / timeout promise in it with a known duration. */
function periodOf(loop: SyntaxNode, ctx: BodyContext): number | undefined {
  let out: number | undefined;
  ownWalk(loop, (node) => {
    if (out !== undefined) return false;
    if (node.type === 'call_expression' && ctx.isPeriodCall(node)) out = firstNumberArgument(node, ctx.scope);
    return out === undefined;
  });
  return out;
}

function firstNumberArgument(call: SyntaxNode, scope: FileScope): number | undefined {
  const args = call.childForFieldName('arguments');
  for (const arg of args ? kids(args) : []) {
    const n = numberOf(arg, scope.numbers);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** Names from the enclosing function the body uses (kept alive as long as it runs); `this` included. */
function capturesOf(body: SyntaxNode, outer: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  if (outer.size === 0 && !body.text.includes('this')) return [];
  walk(body, (node) => {
    if ((node.type === 'identifier' || node.type === 'shorthand_property_identifier') && outer.has(node.text)) seen.add(node.text);
    else if (node.type === 'this') seen.add('this');
    return true;
  });
  return [...seen].sort();
}

/** Parameters and locals of `fn` declared before `at`: what a callback created at `at` can capture. */
export function outerNames(fn: SyntaxNode | null, at: SyntaxNode): Set<string> {
  if (!fn) return new Set();
  const names = parameterNames(fn);
  const body = bodyOf(fn);
  if (body) walk(body, (n) => {
    if (n.startIndex >= at.startIndex) return false;
    if (n.type === 'variable_declarator') {
      const pattern = n.childForFieldName('name');
      if (pattern) walk(pattern, (p) => {
        if (p.type === 'identifier' || p.type === 'shorthand_property_identifier_pattern') names.add(p.text);
        return true;
      });
    }
    return true;
  });
  return names;
}

/** A `setInterval` callback: repeats until cleared; exits are the callback clearing its own handle. */
export function intervalBody(call: SyntaxNode, callback: SyntaxNode | undefined, ctx: BodyContext, handleRefs: ReadonlySet<string>, outer: ReadonlySet<string>): BodyFacts {
  const args = call.childForFieldName('arguments');
  const delay = args ? kids(args)[1] : undefined;
  const period = delay ? numberOf(delay, ctx.scope.numbers) : undefined;
  const fnBody = callback && FUNCTION_TYPES.has(callback.type) ? bodyOf(callback) : null;
  const exits: LoopExit[] = [];
  if (fnBody) {
    walk(fnBody, (node) => {
      if (node.type !== 'call_expression') return true;
      const callee = node.childForFieldName('function');
      if (callee?.type !== 'identifier' || !/^clear(Interval|Timeout)$/.test(callee.text)) return true;
      const arg = node.childForFieldName('arguments');
      const target = arg ? kids(arg)[0] : undefined;
      if (target && (handleRefs.has(unwrap(target).text) || handleRefs.size === 0)) {
        const text = conditionsAround(node, fnBody).join(' / ');
        exits.push({ kind: CANCEL_WORDS.test(text) ? 'cancellation' : 'break', detail: `the callback clears its own interval${text ? ` when \`${text}\`` : ''}`, line: line(node) });
      }
      return true;
    });
  }
  return {
    longLived: true,
    loopKind: 'setInterval',
    loopLine: line(call),
    ...(period !== undefined ? { periodMs: period } : {}),
    exits,
    ignoredErrors: [],
    captures: callback ? capturesOf(callback, outer) : [],
  };
}

/**
 * A `setTimeout` whose callback calls the function it sits in again: a loop.
 * Exits: a return before the re-arm, or a condition around the re-arm.
 */
export function rearmBody(call: SyntaxNode, callback: SyntaxNode | undefined, fn: SyntaxNode | null, ctx: BodyContext, outer: ReadonlySet<string>): BodyFacts | undefined {
  if (!fn || !callback) return undefined;
  const name = functionName(fn);
  if (!name || name.startsWith('<')) return undefined;
  // The callback calls the function again, or a method of the class that does after some work.
  const direct = callsFunction(callback, name);
  const hop = direct ? undefined : rearmThroughMethod(callback, fn, name);
  if (!direct && !hop) return undefined;
  const args = call.childForFieldName('arguments');
  const delay = args ? kids(args)[1] : undefined;
  const period = delay ? numberOf(delay, ctx.scope.numbers) : undefined;
  const body = bodyOf(fn);
  const exits: LoopExit[] = [...rearmExits(call, body), ...(hop ? rearmExits(hop.call, bodyOf(hop.method)) : [])];
  const gap = hop?.gap ?? gapBefore(call, fn);
  const facts: BodyFacts = {
    longLived: true,
    loopKind: 'self-re-arming setTimeout',
    loopLine: line(call),
    ...(period !== undefined ? { periodMs: period } : {}),
    exits,
    ignoredErrors: [],
    captures: capturesOf(callback, outer),
  };
  if (gap) {
    // A stop test ahead of the work, in the function that waits for it, ends the round a stop during the wait would run.
    const waits = hop ? hop.method : fn;
    const rearm = hop ? hop.call : call;
    // A condition around the re-arm is tested where it is written: `if (!paused) { work().finally(() => rearm) }` tests first.
    const stopFirst =
      exits.some((e) => e.kind !== 'error-propagated' && e.line >= line(waits) && e.line < gap.line) || testedAround(rearm, waits).some((at) => at < gap.line);
    facts.rearmAfter = { ...gap, ...(hop ? { via: hop.via } : {}), ...(stopFirst ? { stopFirst: true as const } : {}) };
  }
  return facts;
}

/** Ways the re-arm `call` in `body` is skipped: a return or throw before it, a condition around it. */
function rearmExits(call: SyntaxNode, body: SyntaxNode | null): LoopExit[] {
  const exits: LoopExit[] = [];
  if (!body) return exits;
  // A throw in another promise callback does not skip a re-arm in `.finally()`/`.catch()`: those run after a rejection too.
  const afterRejection = settledCallback(call, body);
  ownWalk(body, (node) => {
    if (node.startIndex >= call.startIndex) return false;
    // A return in a callback counts only when the re-arm sits in that same callback.
    if (node.type === 'return_statement' && sameFunctionAs(node, call)) exits.push(classifyExit(node, body, 'return before re-arming'));
    else if (node.type === 'throw_statement' && !insideTry(node, body) && !(afterRejection && !sameFunctionAs(node, call))) exits.push({ kind: 'error-propagated', detail: `\`${shortText(node, 60)}\` skips the re-arm`, line: line(node) });
    return true;
  });
  const around = conditionsAround(call, body);
  if (around.length > 0) {
    const text = around.join(' / ');
    exits.push({ kind: CANCEL_WORDS.test(text) ? 'cancellation' : 'break', detail: `re-armed only when \`${text}\``, line: line(call) });
  }
  return exits;
}

/** Lines of the conditions around `node` inside `fn` (`if`, `?:`, `&&`/`||`). */
function testedAround(node: SyntaxNode, fn: SyntaxNode): number[] {
  const out: number[] = [];
  for (let cur = node.parent; cur && !same(cur, fn); cur = cur.parent) {
    if (cur.type === 'if_statement' || cur.type === 'ternary_expression') {
      const cond = cur.childForFieldName('condition');
      if (cond && !(node.startIndex >= cond.startIndex && node.endIndex <= cond.endIndex)) out.push(line(cond));
    } else if (cur.type === 'binary_expression' && /^(&&|\|\|)$/.test(cur.childForFieldName('operator')?.text ?? '')) {
      const left = cur.childForFieldName('left');
      if (left && node.startIndex >= left.endIndex) out.push(line(left));
    }
  }
  return out;
}

/** Does `call` sit in a `.finally()` or `.catch()` callback inside `body`? */
function settledCallback(call: SyntaxNode, body: SyntaxNode): boolean {
  for (let cur = call.parent; cur && !same(cur, body); cur = cur.parent) {
    if (!FUNCTION_TYPES.has(cur.type) || cur.parent?.type !== 'arguments') continue;
    const callee = cur.parent.parent?.childForFieldName('function');
    if (callee?.type === 'member_expression' && /^(finally|catch)$/.test(callee.childForFieldName('property')?.text ?? '')) return true;
  }
  return false;
}

/** Is `b` inside the function that directly contains `a`? */
function sameFunctionAs(a: SyntaxNode, b: SyntaxNode): boolean {
  let fn: SyntaxNode | null = a.parent;
  while (fn && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
  return !!fn && b.startIndex >= fn.startIndex && b.endIndex <= fn.endIndex;
}

/** `tick`, `this.tick`, `this.tick.bind(this)`, `() => this.tick()`, `() => { void tick(); }`. */
function callsFunction(callback: SyntaxNode, name: string): boolean {
  const cb = unwrap(callback);
  const refersTo = (n: SyntaxNode): boolean => {
    const path = memberPath(n);
    if (!path) return false;
    return (path.length === 1 && path[0] === name) || (path.length === 2 && path[0] === 'this' && path[1] === name);
  };
  if (refersTo(cb)) return true;
  if (cb.type === 'call_expression') {
    // `this.tick.bind(this)`
    const callee = cb.childForFieldName('function');
    if (callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'bind') {
      const obj = callee.childForFieldName('object');
      return !!obj && refersTo(obj);
    }
    return false;
  }
  if (!FUNCTION_TYPES.has(cb.type)) return false;
  const body = bodyOf(cb);
  let found = false;
  if (body) ownWalk(body, (n) => {
    if (found) return false;
    if (n.type === 'call_expression') {
      const callee = n.childForFieldName('function');
      if (callee && refersTo(callee)) found = true;
    }
    return !found;
  });
  return found;
}

/** `for await (const _ of setInterval(ms))`: the loop consuming the iterator. */
export function consumingLoopBody(call: SyntaxNode, ctx: BodyContext, outer: ReadonlySet<string>): BodyFacts | undefined {
  let loop: SyntaxNode | null = call.parent;
  while (loop && (loop.type === 'parenthesized_expression' || loop.type === 'await_expression')) loop = loop.parent;
  if (loop?.type !== 'for_in_statement' || !same(unwrap(loop.childForFieldName('right') ?? loop), call)) return undefined;
  const found = classifyLoop(loop, ctx);
  if (!found) return undefined;
  return {
    longLived: true,
    loopKind: found.kind,
    loopLine: line(loop),
    ...(found.periodMs !== undefined ? { periodMs: found.periodMs } : {}),
    exits: [...found.headExits, ...exitsOf(loop)],
    ignoredErrors: ignoredErrorsOf(loop),
    captures: capturesOf(loop, outer),
  };
}
