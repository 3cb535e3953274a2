// Listeners and subscriptions: what they are attached to and how long that
// lives, and whether anything removes them (a matching `off`, an AbortSignal
// option, `takeUntil`, an unsubscribe in teardown).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { HandleFate, ListenerSource } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { kids, line, shortText } from '../shared/tree.js';
import { bodyOf, FUNCTION_TYPES, onceOption, parameterNames } from './functions.js';
import type { Declarations } from './declarations.js';
import type { ClassInfo } from './owners.js';
import { memberPath, unwrap } from './qualify.js';
import { stringValue, thisPath, type FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';
import type { CallSite } from './call-site.js';
import { parameterBehind } from './construction-arguments.js';
import { racingOnce } from './once-races.js';
import { storedHandlerRemoval } from './stored-handlers.js';
import { removedThroughField } from './stored-subscriptions.js';
import { brokenRemovals, isFreshFunction, type BrokenRemoval } from './broken-removals.js';
import { lifetimeOf } from './listener-lifetimes.js';
import { eventMapPairs, isTargetFirstCall, listenerArguments, sharesEventPair } from './namespace-emitters.js';
import { KEYED_HOW, keyedReceiver, rebindableType } from './keyed-listeners.js';

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
  const method = callee?.type === 'member_expression' ? (callee.childForFieldName('property')?.text ?? '') : '';
  if (receiver && !targetFirst && lifetime !== 'local') {
    const type = rebindableType(receiver, method, event, ctx.scope);
    if (type !== undefined) source.rebindableType = type;
  }
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
      const viaResult = removedThroughField(call, fate, ctx.model.resultReleases ?? [], ctx.index);
      if (viaResult) return { source, fate: { kind: 'released-locally', ...viaResult } };
      if (fate.kind === 'released-locally' || fate.kind === 'returned' || fate.kind === 'field' || fate.kind === 'scoped') return { source, fate };
    }
    if (!receiver) return { source };
    const aliases = receiverAliases(receiver, ctx);
    const closer = closesEmitter(aliases, ctx);
    if (closer) return { source, fate: { kind: 'scoped', how: `the emitter itself is closed here (\`${closer}\`): its listeners go with it` } };
    if (!targetFirst && keyedReceiver(receiver, method, ctx)) return { source, fate: { kind: 'scoped', how: KEYED_HOW } };
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
