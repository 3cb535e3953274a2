// Listeners and subscriptions: what they are attached to and how long that
// lives, and whether anything removes them (a matching `off`, an AbortSignal
// option, `takeUntil`, an unsubscribe in teardown).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { HandleFate, ListenerSource, SourceLifetime } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { kids, line, shortText } from '../shared/tree.js';
import { bodyOf, FUNCTION_TYPES, functionName, onceOption, parameterNames } from './functions.js';
import type { Declarations } from './handles.js';
import type { ClassInfo } from './owners.js';
import { isLookupCall, memberPath, qualifiedNames, unwrap } from './qualify.js';
import { stringValue, thisPath, type FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';
import type { CallSite } from './call-site.js';
import { GLOBAL_OBJECTS, parameterBehind } from './construction-arguments.js';
import { racingOnce } from './once-races.js';
import { storedHandlerRemoval } from './stored-handlers.js';
import { brokenRemovals, isFreshFunction, type BrokenRemoval } from './broken-removals.js';
import { perOperationMethod } from './self-listeners.js';
import { eventMapPairs, isTargetFirstCall, listenerArguments, sharesEventPair } from './namespace-emitters.js';

/** RxJS creation functions whose observables never complete. */
const ENDLESS = /^rxjs\.(interval|fromEvent|fromEventPattern|animationFrames)$/;
/** Operators that complete a subscription by themselves. */
const COMPLETING = /^(takeUntil|takeUntilDestroyed|take|first|takeWhile|single|timeout|untilDestroyed)$/;

export interface ListenerContext {
  scope: FileScope;
  model: ResourceModel;
  /** Classes of this file, by name. */
  classes: ReadonlyMap<string, ClassInfo>;
  ownerType?: string;
  fn: SyntaxNode | null;
  /**
   * The enclosing function is a constructor: its parameters are injected dependencies, unless
   * it is private (only the class's own factories call it, with resources they created).
   */
  constructorKind?: 'public' | 'private';
  root: SyntaxNode;
  modulePath: string;
  declarations: Declarations;
  /** Calls in this file that remove a listener (`off`, `removeListener`, `removeEventListener` ..). */
  removals: readonly Removal[];
  /** The file's indexed nodes, for walks that look only at some types. */
  index: NodeIndex;
}

/** `a?.b` and `a.b` are the same receiver; whitespace never matters. */
function normalisedText(node: SyntaxNode): string {
  return node.text.replace(/\s+/g, '').replace(/\?\./g, '.').replace(/!/g, '');
}

/** Lifetimes of values that come from outside the function: an element of one shares it. */
const HANDED_IN: ReadonlySet<SourceLifetime> = new Set(['injected', 'parameter', 'imported', 'global', 'module', 'found']);

/** How long the object `expr` evaluates to lives, compared with the function that uses it. */
export function lifetimeOf(expr: SyntaxNode, ctx: ListenerContext, depth = 0): SourceLifetime {
  const node = unwrap(expr);
  if (depth > 4) return 'unknown';
  if (node.type === 'this') return selfLifetime(ctx);
  if (node.type === 'call_expression') {
    const callee = node.childForFieldName('function');
    if (!callee) return 'unknown';
    const names = qualifiedNames(callee, ctx.scope);
    if (names.some((n) => ENDLESS.test(n))) return 'endless';
    // `timer(0, 1000)` repeats for ever; `timer(1000)` fires once.
    if (names.includes('rxjs.timer')) {
      const args = node.childForFieldName('arguments');
      return args && kids(args).length >= 2 ? 'endless' : 'unknown';
    }
    // `document.querySelector(..)`, `findDOMNode(..)`: an element of the page, found, not made here.
    // A query under an element made here (`title.querySelector(..)` after `title = createElement(..)`) finds a part of it.
    if (isLookupCall(node)) {
      const receiver = callee.type === 'member_expression' ? callee.childForFieldName('object') : null;
      return receiver && lifetimeOf(receiver, ctx, depth + 1) === 'local' ? 'local' : 'found';
    }
    if (callee.type === 'member_expression' && /^(select|pipe|asObservable|select\$|observe)$/.test(callee.childForFieldName('property')?.text ?? '')) {
      const obj = callee.childForFieldName('object');
      return obj ? lifetimeOf(obj, ctx, depth + 1) : 'unknown';
    }
    return 'unknown';
  }
  // `args[1]`, `event.streams[0]`: an element of a value someone else handed in or holds is theirs too;
  // an element of what the function made (or of an unknown value) says nothing more than `unknown`.
  if (node.type === 'subscript_expression') {
    const whole = node.childForFieldName('object');
    // The same depth: the expression only gets shorter.
    const lifetime = whole ? lifetimeOf(whole, ctx, depth) : 'unknown';
    return HANDED_IN.has(lifetime) ? lifetime : 'unknown';
  }
  const path = thisPath(memberPath(node), ctx.scope);
  if (!path) return 'unknown';
  const root = path[0]!;
  // `process.stdin`, `this.bus`: the root's lifetime. Deeper (`socket.io.engine`, `this.client.stream`)
  // is an object the root holds now, which may be replaced at any time: unknown.
  if (path.length > 2) return 'unknown';
  if (root === 'this') {
    if (path.length === 1) return selfLifetime(ctx);
    const field = path[1]!.replace(/^#/, '');
    const origin = ctx.ownerType ? ctx.classes.get(ctx.ownerType)?.origins.get(field) : undefined;
    return origin ?? 'unknown';
  }
  // Parameters and locals shadow imports and globals.
  if (ctx.fn && parameterNames(ctx.fn).has(root)) return ctx.constructorKind === 'public' ? 'injected' : ctx.constructorKind === 'private' ? 'owned' : 'parameter';
  if (ctx.fn && ctx.declarations.has(ctx.fn, root)) {
    // `let el = find(); if (!el) { el = make(); el.on(..) }`: in that branch it holds what was just made.
    const made = assignedInBranch(ctx.fn, root, ctx.index, expr);
    if (made) return lifetimeOfValue(made, ctx, depth);
    const value = initialValue(ctx.fn, root, ctx.index);
    // `let signal = null; if (..) signal = init.signal`: the local holds what the caller handed in.
    if (!value || /^(null|undefined)$/.test(value.text)) return handedInLocal(ctx.fn, root, ctx, depth) ?? 'local';
    return lifetimeOfValue(value, ctx, depth);
  }
  if (ctx.fn && wrapperCapture(ctx.fn, root)) return 'injected';
  if (ctx.scope.imports.has(root)) return 'imported';
  // `var self = this`, a local `location`: a name the file declares is not the global.
  if (GLOBAL_OBJECTS.has(root) && !ctx.scope.declared.has(root)) return 'global';
  if (ctx.scope.moduleNames.has(root)) {
    // `socket = io.connect(..); socket.on(..)`: the module variable holds what this function just
    // made (or was handed), so the listener lives as long as that value, not the module.
    const value = ctx.fn ? freshAssignment(ctx.fn, root, ctx.index, expr) : undefined;
    return value ? lifetimeOfValue(value, ctx, depth) : 'module';
  }
  return 'unknown';
}

/**
 * `this` itself: in a constructor (or a field initialiser) the object listens to itself and the
 * listener dies with it; in any other function each call adds one to an object that outlives it.
 */
function selfLifetime(ctx: ListenerContext): SourceLifetime {
  return ctx.fn && !ctx.constructorKind && perOperationMethod(ctx.fn, functionName(ctx.fn)) ? 'self' : 'owned';
}

/**
 * `withCancel(fn, signal) { return function wrapped() { signal.addEventListener(..) } }`: `fn` is the
 * function a factory returns, and `name` a parameter of that factory. Every call of the returned
 * function shares the one value the factory was handed.
 */
function wrapperCapture(fn: SyntaxNode, name: string): boolean {
  let up = fn.parent;
  while (up && (up.type === 'parenthesized_expression' || up.type === 'as_expression' || up.type === 'satisfies_expression')) up = up.parent;
  if (up?.type !== 'return_statement') return false;
  for (let outer = up.parent; outer; outer = outer.parent) {
    if (FUNCTION_TYPES.has(outer.type)) return parameterNames(outer).has(name);
  }
  return false;
}

/**
 * A local declared empty and later assigned a parameter's value or a part of it (`signal = init.signal`):
 * the lifetime of that value, when it is someone else's; undefined otherwise.
 */
function handedInLocal(fn: SyntaxNode, name: string, ctx: ListenerContext, depth: number): SourceLifetime | undefined {
  let found: SourceLifetime | undefined;
  ctx.index.walk(fn, ['assignment_expression'], (n) => {
    if (n.childForFieldName('left')?.text !== name) return true;
    const right = n.childForFieldName('right');
    const v = right ? unwrap(right) : null;
    if (!v || (v.type !== 'identifier' && v.type !== 'member_expression' && v.type !== 'subscript_expression') || v.text === name) return true;
    const lifetime = lifetimeOf(v, ctx, depth + 1);
    if (lifetime === 'injected' || lifetime === 'parameter' || lifetime === 'imported' || lifetime === 'global' || lifetime === 'module') found = lifetime;
    return found ? 'stop' : true;
  });
  return found;
}

/** How long a value the function itself makes or is handed lives: a new object is the function's own. */
function lifetimeOfValue(value: SyntaxNode, ctx: ListenerContext, depth: number): SourceLifetime {
  const v = unwrap(value);
  if (v.type === 'new_expression' || v.type === 'object' || v.type === 'array') return 'local';
  // `el instanceof HTMLElement ? el : null`, `found || fallback`: what a branch holds that outlives the function.
  if ((v.type === 'ternary_expression' || (v.type === 'binary_expression' && /^(\|\||\?\?|&&)$/.test(v.childForFieldName('operator')?.text ?? ''))) && depth < 4) {
    const branches = v.type === 'ternary_expression' ? [v.childForFieldName('consequence'), v.childForFieldName('alternative')] : [v.childForFieldName('left'), v.childForFieldName('right')];
    for (const b of branches) {
      if (!b || /^(null|undefined)$/.test(b.text)) continue;
      const lifetime = lifetimeOfValue(b, ctx, depth + 1);
      if (lifetime === 'injected' || lifetime === 'found' || lifetime === 'global' || lifetime === 'module' || lifetime === 'imported') return lifetime;
    }
    return 'local';
  }
  const inner = lifetimeOf(v, ctx, depth + 1);
  return inner === 'unknown' ? 'local' : inner;
}

/**
 * The value `fn` itself stores in the module variable `name` (`name = ..` not under an `if` that
 * tests `name`: a lazy `if (!name) name = ..` keeps one value for every call). Under such an `if`,
 * the value is still fresh for code `at` later in the same branch (`if (!con) { con = connect();
 * con.on(..) }`): that code runs only when a new value was just made.
 */
function freshAssignment(fn: SyntaxNode, name: string, index: NodeIndex, at: SyntaxNode): SyntaxNode | null {
  let out: SyntaxNode | null = null;
  index.walk(fn, ['assignment_expression'], (n) => {
    if (n.childForFieldName('left')?.text !== name) return true;
    for (let up = n.parent; up && up.id !== fn.id; up = up.parent) {
      if (up.type !== 'if_statement' || !new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(up.childForFieldName('condition')?.text ?? '')) continue;
      const branch = up.childForFieldName('consequence');
      const sameBranch = !!branch && at.startIndex > n.endIndex && at.endIndex <= branch.endIndex && n.startIndex >= branch.startIndex;
      if (!sameBranch) return true;
    }
    out = n.childForFieldName('right');
    return 'stop';
  });
  return out;
}

/** The value assigned to `name` earlier in the same block of an `if` (or its else) that also holds `at`. */
function assignedInBranch(fn: SyntaxNode, name: string, index: NodeIndex, at: SyntaxNode): SyntaxNode | null {
  let out: SyntaxNode | null = null;
  index.walk(fn, ['assignment_expression'], (n) => {
    if (n.childForFieldName('left')?.text !== name || n.endIndex > at.startIndex) return true;
    const block = n.parent?.parent;
    if (block?.type !== 'statement_block' || !(block.parent?.type === 'if_statement' || block.parent?.type === 'else_clause')) return true;
    if (at.startIndex >= block.startIndex && at.endIndex <= block.endIndex) out = n.childForFieldName('right');
    return true;
  });
  return out;
}

/** The initialiser of `const name = ..` in `fn`. */
function initialValue(fn: SyntaxNode, name: string, index: NodeIndex): SyntaxNode | null {
  let out: SyntaxNode | null = null;
  index.walk(fn, ['variable_declarator'], (n) => {
    if (n.childForFieldName('name')?.text === name) out = n.childForFieldName('value');
    return out ? 'stop' : true;
  });
  return out;
}

export interface ListenerFacts {
  source: ListenerSource;
  /** Registered with `{ once: true }`: it removes itself after its first event. */
  oneShot?: true;
  /** Set when the listener's own rules decide the fate (signal option, matching removal, owner key). */
  fate?: HandleFate;
  /** Another one-shot listener on the same emitter in the same function waits for this event: one of them stays. */
  raceWith?: string;
  /** The handler is a parameter of the function: its caller hands it in and owns its removal. */
  handlerFromCaller?: true;
  /** Removals of this file aimed at it that cannot remove it (another event, a fresh function). */
  brokenRemovals?: BrokenRemoval[];
}

/** The AbortSignal a listener's options carry: `{ signal }`, `{ signal: ac.signal }`. */
function signalOption(options: SyntaxNode | undefined): string | undefined {
  if (!options) return undefined;
  const o = unwrap(options);
  if (o.type === 'object') {
    for (const p of kids(o)) {
      if (p.type === 'shorthand_property_identifier' && p.text === 'signal') return 'signal';
      if (p.type === 'pair' && p.childForFieldName('key')?.text === 'signal') return shortText(p.childForFieldName('value') ?? p, 50);
    }
    return undefined;
  }
  return /(^|\.)signal$/i.test(o.text) && (o.type === 'identifier' || o.type === 'member_expression') ? o.text : undefined;
}

/** Facts for `target.on(event, handler)` / `target.addEventListener(event, handler, options)`. */
export function listenerFacts(call: SyntaxNode, ctx: ListenerContext, genericFate: () => HandleFate): ListenerFacts {
  const callee = call.childForFieldName('function');
  const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : null;
  const args = call.childForFieldName('arguments');
  const argList = args ? kids(args) : [];
  // `DomEvent.on(el, 'click', fn)`: a module of free functions; the emitter is `el`.
  const targetFirst = isTargetFirstCall(object, argList, ctx.scope, (name) => ctx.declarations.has(ctx.fn, name));
  const { target, event: eventNode, handler } = listenerArguments(argList, targetFirst);
  const receiver = target ?? object;
  const event = stringValue(eventNode) ?? (eventNode && eventNode.type === 'member_expression' ? eventNode.text : undefined);
  const lifetime = receiver ? lifetimeOf(receiver, ctx) : 'unknown';
  // `constructor(socket) { socket.on(..) }`: which argument of the construction the emitter is.
  const parameter = lifetime === 'injected' && receiver && ctx.fn && ctx.constructorKind ? parameterBehind(receiver, ctx.fn, ctx.index) : -1;
  const source: ListenerSource = {
    text: receiver ? shortText(receiver, 50) : '?',
    lifetime,
    ...(event !== undefined ? { event } : {}),
    ...(parameter >= 0 ? { parameter } : {}),
  };
  // Only the options argument can carry an AbortSignal: `process.on(signal, ..)` names an event.
  const options = argList[targetFirst ? 3 : 2];
  const signal = signalOption(options);
  if (signal) return { source, fate: { kind: 'scoped', how: `registered with an AbortSignal (\`${signal}\`): aborting it removes the listener` } };
  // `{ once: true }`: the listener removes itself after its first event, as a `once` listener does.
  const optionOnce = onceOption(argList[targetFirst ? 3 : 2]);
  const facts: ListenerFacts = optionOnce ? { ...listenerFate(), oneShot: true } : listenerFate();
  if (handler?.type === 'identifier' && ctx.fn && parameterNames(ctx.fn).has(handler.text)) facts.handlerFromCaller = true;
  const kept = facts.fate?.kind;
  if (receiver && !targetFirst && kept !== 'released-locally' && kept !== 'scoped' && kept !== 'returned') {
    const broken = brokenRemovals(receiver, event, handler, ctx.removals, ctx.model.releases, ctx.scope);
    if (broken.length > 0) facts.brokenRemovals = broken;
  }
  if ((ctx.model.oneShot || optionOnce) && receiver && !targetFirst && kept !== 'released-locally' && kept !== 'scoped' && kept !== 'returned') {
    const aliases = receiverAliases(receiver, ctx);
    const other = racingOnce(call, aliases, ctx.fn, ctx.index);
    if (other !== undefined) {
      facts.raceWith = other;
      // `peer.conn = conn; peer.conn.once(..)`: the emitter is the caller's, whatever holds it here.
      const params = ctx.fn ? parameterNames(ctx.fn) : new Set<string>();
      if (source.lifetime === 'local' && [...aliases].some((a) => params.has(a))) source.lifetime = 'parameter';
      // `server.on('session', (session) => { session.once(..) })`: an event's own emitter, new on each event.
      if (source.lifetime === 'parameter' && ctx.fn?.parent?.type === 'arguments') delete facts.raceWith;
    }
  }
  return facts;

  function listenerFate(): ListenerFacts {
    // `const off = emitter.on(..)`: the call returns an unsubscribe function.
    if (call.parent?.type !== 'expression_statement' && call.parent?.type !== 'member_expression') {
      const fate = genericFate();
      if (fate.kind === 'released-locally' || fate.kind === 'returned' || fate.kind === 'field' || fate.kind === 'scoped') return { source, fate };
    }
    if (!receiver) return { source };
    const aliases = receiverAliases(receiver, ctx);
    const closer = closesEmitter(aliases, ctx);
    if (closer) return { source, fate: { kind: 'scoped', how: `the emitter itself is closed here (\`${closer}\`): its listeners go with it` } };
    const removal = findRemoval(aliases, eventNode, handler, ctx);
    if (removal) return { source, fate: { kind: 'released-locally', local: normalisedText(receiver), api: removal.api, line: removal.line } };
    const stored = storedHandlerRemoval(receiver, handler, ctx.fn, ctx.removals, ctx.model.releases, ctx.index, ctx.scope);
    if (stored) return { source, fate: { kind: 'released-locally', local: normalisedText(receiver), api: stored.api, line: stored.line } };
    const key = registrationKey(receiver, handler, ctx);
    if (key) return { source, fate: { kind: 'field', ownerType: key.owner, field: key.field, line: line(call) } };
    if (handler && handlerReturned(handler, ctx.fn)) return { source, fate: { kind: 'returned' } };
    const selfRemoval = handler ? factorySelfRemoval(handler, aliases, eventNode, ctx) : undefined;
    if (selfRemoval) return { source, fate: { kind: 'released-locally', local: normalisedText(receiver), api: selfRemoval.api, line: selfRemoval.line } };
    return {
      source,
      fate: { kind: 'discarded', how: `never removed: nothing calls ${ctx.model.releases.map((r) => `\`${r}\``).join('/')} for it` },
    };
  }
}

/**
 * `const onMessage = ..; window.addEventListener('message', onMessage); return onMessage`:
 * the function hands its handler to the caller, who can remove it (an
 * `unsubscribe(handler)` beside it). Only a `return` of the function itself counts.
 */
function handlerReturned(handler: SyntaxNode, fn: SyntaxNode | null): boolean {
  if (handler.type !== 'identifier' || !fn) return false;
  const body = bodyOf(fn);
  if (!body) return false;
  // An arrow function whose body is the handler: `() => onMessage`.
  if (body.type === 'identifier') return body.text === handler.text;
  for (const ret of body.descendantsOfType('return_statement')) {
    const value = ret ? kids(ret)[0] : undefined;
    if (!value || value.type !== 'identifier' || value.text !== handler.text) continue;
    let owner = ret!.parent;
    while (owner && !FUNCTION_TYPES.has(owner.type)) owner = owner.parent;
    if (owner?.id === fn.id) return true;
  }
  return false;
}

/** React hooks that hand back the function they are given. */
const CALLBACK_HOOK = /^(React\.)?useCallback$/;

/**
 * `target.addEventListener('mouseup', endDrag(axis))`, where the factory
 * `endDrag` (a function of this file, `useCallback` around it or not) returns
 * a handler that removes itself: `const handler = (e) => { ..;
 * target.removeEventListener('mouseup', handler) }; return handler`. The
 * removal must be inside the factory, on the same target and event, of the
 * handler the factory returns.
 */
function factorySelfRemoval(handler: SyntaxNode, aliases: ReadonlySet<string>, eventNode: SyntaxNode | undefined, ctx: ListenerContext): { api: string; line: number } | undefined {
  const call = unwrap(handler);
  if (call.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'identifier') return undefined;
  const factory = localFunction(callee.text, ctx);
  const body = factory ? bodyOf(factory) : null;
  if (!factory || !body) return undefined;
  const returned = returnedName(factory, body);
  if (!returned) return undefined;
  const eventText = eventNode ? normalisedText(eventNode) : undefined;
  const releases = ctx.model.releases;
  const found = ctx.removals.find((removal) => {
    const { node } = removal.site;
    if (node.startIndex < body.startIndex || node.endIndex > body.endIndex) return false;
    const method = removal.method;
    if (method === undefined || method === 'removeAllListeners' || !releases.includes(method)) return false;
    const receiver = removal.receiverText;
    if (receiver === null || !aliases.has(receiver) || removal.argumentCount < 2) return false;
    if (eventText !== undefined && removal.argumentText(0) !== eventText) return false;
    return removal.argumentText(1) === returned;
  });
  return found ? { api: found.site.property ?? 'off', line: line(found.site.node) } : undefined;
}

/** The function a name of this file stands for: `function name() {}`, `const name = () => ..`, `const name = useCallback(() => .., deps)`. */
function localFunction(name: string, ctx: ListenerContext): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  ctx.index.walk(ctx.root, ['variable_declarator', 'function_declaration'], (n, type) => {
    if (n.childForFieldName('name')?.text !== name) return true;
    let value: SyntaxNode | null = type === 'function_declaration' ? n : n.childForFieldName('value');
    if (value && value.type === 'call_expression' && CALLBACK_HOOK.test(value.childForFieldName('function')?.text ?? '')) {
      const args = value.childForFieldName('arguments');
      value = args ? (kids(args)[0] ?? null) : null;
    }
    if (value && FUNCTION_TYPES.has(unwrap(value).type)) found = unwrap(value);
    return found ? 'stop' : true;
  });
  return found;
}

/** The name a function returns, when every `return` of its own returns that one name (`return handler`). */
function returnedName(fn: SyntaxNode, body: SyntaxNode): string | undefined {
  if (body.type === 'identifier') return body.text;
  let name: string | undefined;
  let other = false;
  for (const ret of body.descendantsOfType('return_statement')) {
    if (!ret) continue;
    let owner = ret.parent;
    while (owner && !FUNCTION_TYPES.has(owner.type)) owner = owner.parent;
    if (owner?.id !== fn.id) continue;
    const value = kids(ret)[0];
    if (!value || value.type !== 'identifier' || (name !== undefined && value.text !== name)) other = true;
    else name = value.text;
  }
  return other ? undefined : name;
}

/**
 * The owner field a registration is keyed by, so that a teardown removing it
 * can be found across files: the receiver field (`this.bus.on`), else the
 * handler field (`window.addEventListener('resize', this.onResize)`), else a
 * module variable receiver.
 */
export function registrationKey(receiver: SyntaxNode, handler: SyntaxNode | undefined, ctx: Pick<ListenerContext, 'ownerType' | 'scope' | 'fn' | 'modulePath' | 'declarations'>): { owner: string; field: string } | undefined {
  const rpath = thisPath(memberPath(receiver), ctx.scope);
  if (rpath && rpath[0] === 'this' && rpath.length >= 2 && ctx.ownerType) return { owner: ctx.ownerType, field: rpath[1]!.replace(/^#/, '') };
  const hpath = handler ? thisPath(memberPath(handler), ctx.scope) : undefined;
  if (hpath && hpath[0] === 'this' && hpath.length === 2 && ctx.ownerType) return { owner: ctx.ownerType, field: hpath[1]!.replace(/^#/, '') };
  if (rpath && rpath.length >= 1 && ctx.scope.moduleVars.has(rpath[0]!) && !ctx.declarations.has(ctx.fn, rpath[0]!)) return { owner: ctx.modulePath, field: rpath[0]! };
  return undefined;
}

/** A removal of this listener: in the same function (callbacks included), else anywhere in the file. */
/** Methods that end an emitter (and with it every listener on it). */
const EMITTER_ENDS = /^(close|destroy|end|terminate|disconnect|abort|kill|dispose|removeAllListeners)$/;

/** The nodes that bind one name to another's value. */
const ASSIGNING_TYPES = ['assignment_expression', 'variable_declarator'];

/**
 * The texts the receiver goes by in its function: `this.transport` and `transport` after
 * `this.transport = transport`, `t` after `const t = this.transport`.
 */
function receiverAliases(receiver: SyntaxNode, ctx: ListenerContext): Set<string> {
  const text = normalisedText(receiver);
  const aliases = new Set([text]);
  const fnBody = ctx.fn ? bodyOf(ctx.fn) : null;
  if (!fnBody) return aliases;
  ctx.index.walk(fnBody, ASSIGNING_TYPES, (n, type) => {
    let left: SyntaxNode | null = null;
    let right: SyntaxNode | null = null;
    if (type === 'assignment_expression') {
      left = n.childForFieldName('left');
      right = n.childForFieldName('right');
    } else {
      left = n.childForFieldName('name');
      right = n.childForFieldName('value');
    }
    if (left && right) {
      const l = normalisedText(left);
      const r = normalisedText(unwrap(right));
      if (l === text && /^[\w$.]+$/.test(r)) aliases.add(r);
      else if (r === text && /^[\w$.]+$/.test(l)) aliases.add(l);
    }
    return true;
  });
  return aliases;
}

/**
 * The texts the handler goes by where a removal may read it: its own, and the
 * places its function stores it (`state.listeners.onKeyDown = onKeyDown`, for
 * a `removeEventListener('keydown', state.listeners.onKeyDown)` elsewhere).
 */
function handlerAliases(handlerText: string, ctx: ListenerContext): Set<string> {
  const aliases = new Set([handlerText]);
  const fnBody = ctx.fn ? bodyOf(ctx.fn) : null;
  if (!fnBody || !/^[\w$]+$/.test(handlerText)) return aliases;
  ctx.index.walk(fnBody, ['assignment_expression'], (n) => {
    const right = n.childForFieldName('right');
    const left = n.childForFieldName('left');
    if (right && left?.type === 'member_expression' && normalisedText(unwrap(right)) === handlerText) aliases.add(normalisedText(left));
    return true;
  });
  return aliases;
}

/** `emitter.close()` in the same function: the listener dies with its emitter. */
function closesEmitter(aliases: ReadonlySet<string>, ctx: ListenerContext): string | undefined {
  const fnBody = ctx.fn ? bodyOf(ctx.fn) : null;
  if (!fnBody) return undefined;
  let found: string | undefined;
  ctx.index.walk(fnBody, ['call_expression'], (n) => {
    const callee = n.childForFieldName('function');
    if (callee?.type === 'member_expression' && EMITTER_ENDS.test(callee.childForFieldName('property')?.text ?? '')) {
      const obj = callee.childForFieldName('object');
      if (obj && aliases.has(normalisedText(obj))) found = shortText(n, 50);
    }
    return found ? 'stop' : true;
  });
  return found;
}

/**
 * A call that removes listeners, with the texts `findRemoval` compares, each read on
 * first use and kept: every listener of a file is compared with every removal.
 */
export class Removal {
  private receiver: string | null | undefined;
  private argumentNodes: SyntaxNode[] | undefined;
  private readonly argumentTexts: string[] = [];

  /** `targetFirst`: a free function of a project module (`DomEvent.off(el, 'click', fn)`): argument 0 is the receiver. */
  constructor(
    readonly site: CallSite,
    private readonly targetFirst = false,
  ) {}

  /** The method called, when the callee is a member expression (`off` in `bus.off(..)`). */
  get method(): string | undefined {
    return this.site.calleeType === 'member_expression' ? (this.site.property ?? '') : undefined;
  }

  /** `normalisedText` of the receiver; null without one. Only for a member callee. */
  get receiverText(): string | null {
    if (this.receiver === undefined) {
      const args = this.targetFirst ? this.site.node.childForFieldName('arguments') : null;
      const obj = this.targetFirst ? (args ? kids(args)[0] : undefined) : this.site.callee!.childForFieldName('object');
      this.receiver = obj ? normalisedText(obj) : null;
    }
    return this.receiver;
  }

  get argumentCount(): number {
    return this.arguments().length;
  }

  /** `normalisedText` of argument `i` (< `argumentCount`). */
  argumentText(i: number): string {
    return (this.argumentTexts[i] ??= normalisedText(this.arguments()[i]!));
  }

  argumentNode(i: number): SyntaxNode | undefined {
    return this.arguments()[i];
  }

  private arguments(): SyntaxNode[] {
    if (!this.argumentNodes) {
      const args = this.site.node.childForFieldName('arguments');
      this.argumentNodes = args ? kids(args).slice(this.targetFirst ? 1 : 0) : [];
    }
    return this.argumentNodes;
  }
}

/**
 * A function object made where it is written: an inline function or a `.bind(..)` call. Each
 * evaluation makes a new one, so a removal written the same way removes nothing.
 */
export function freshFunction(node: SyntaxNode): boolean {
  const n = unwrap(node);
  if (FUNCTION_TYPES.has(n.type)) return true;
  if (n.type !== 'call_expression') return false;
  const callee = n.childForFieldName('function');
  return callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'bind';
}

function findRemoval(aliases: ReadonlySet<string>, eventNode: SyntaxNode | undefined, handler: SyntaxNode | undefined, ctx: ListenerContext): { api: string; line: number } | undefined {
  const eventText = eventNode ? normalisedText(eventNode) : undefined;
  const handlerText = handler && !freshFunction(handler) ? normalisedText(handler) : undefined;
  const handlerTexts = handlerText !== undefined ? handlerAliases(handlerText, ctx) : new Set<string>();
  const releases = ctx.model.releases;
  const eventPairs = eventNode ? eventMapPairs(eventNode) : new Set<string>();
  const matches = (removal: Removal): boolean => {
    const method = removal.method;
    if (method === undefined || !releases.includes(method)) return false;
    const receiver = removal.receiverText;
    if (receiver === null || !aliases.has(receiver)) return false;
    const count = removal.argumentCount;
    if (method === 'removeAllListeners') return count === 0 || !eventText || removal.argumentText(0) === eventText;
    // `Ev.on(el, { move: this.onMove, up: this.onUp }, this)`: an `off` that names one of the same pairs.
    if (eventPairs.size > 0) return count > 0 && sharesEventPair(eventPairs, removal.argumentNode(0));
    if (eventText && count > 0 && removal.argumentText(0) !== eventText) return false;
    // `off('input', this.onChange.bind(this))`: a function made on the spot was never added.
    if (count > 1 && isFreshFunction(removal.argumentNode(1))) return false;
    return count > 1 && handlerTexts.has(removal.argumentText(1));
  };
  const fnBody = ctx.fn ? bodyOf(ctx.fn) : null;
  const inFunction = ({ site: { node } }: Removal): boolean => !!fnBody && node.startIndex >= fnBody.startIndex && node.endIndex <= fnBody.endIndex;
  const candidates = ctx.removals.filter(matches);
  const found = candidates.find(inFunction) ?? candidates[0];
  if (!found) return undefined;
  // A match has a member callee, so its method is the callee's property.
  return { api: found.site.property ?? 'off', line: line(found.site.node) };
}

/** Facts for `source$.pipe(..).subscribe(..)`: completing operators, and the source's lifetime. */
export function subscriptionFacts(call: SyntaxNode, ctx: ListenerContext): ListenerFacts {
  const callee = call.childForFieldName('function');
  let base: SyntaxNode | null = callee?.type === 'member_expression' ? callee.childForFieldName('object') : null;
  let completing: string | undefined;
  // Walk back through `.pipe(op, op)` calls to the source.
  while (base) {
    const b = unwrap(base);
    if (b.type !== 'call_expression') break;
    const fn = b.childForFieldName('function');
    if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'pipe') break;
    const args = b.childForFieldName('arguments');
    for (const op of args ? kids(args) : []) {
      const opCallee = op.type === 'call_expression' ? op.childForFieldName('function') : op;
      const name = opCallee ? (memberPath(opCallee)?.at(-1) ?? opCallee.text) : '';
      if (COMPLETING.test(name)) completing ??= shortText(op, 50);
    }
    base = fn.childForFieldName('object');
  }
  const source: ListenerSource = { text: base ? shortText(base, 50) : '?', lifetime: base ? lifetimeOf(base, ctx) : 'unknown' };
  if (completing) return { source, fate: { kind: 'scoped', how: `completed by \`${completing}\`` } };
  return { source };
}
