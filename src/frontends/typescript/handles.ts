// Where the handle an acquisition returns goes, within its function (or its
// module): dropped, kept in a local, stored in `this.x` or a module variable,
// returned, passed on, awaited, released, or scoped by `using`.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { HandleFate } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { kids, line, shortText, walk, same } from '../shared/tree.js';
import { FUNCTION_TYPES, bodyOf, errorFirst, functionName, isAsync, isInlineCallback, positionalParameters, runsOnceAtLoad } from './functions.js';
import { isTeardownName } from './owners.js';
import { memberPath, qualifiedNames, unwrap } from './qualify.js';
import { stringValue, thisPath, type FileScope } from './scope.js';
import { signalArgument } from './body.js';
import type { Declarations } from './declarations.js';
import { spawnedDetached } from './daemon-children.js';
import { onErrorPath } from './error-paths.js';
import { callerCallback, promisedByCallback, selfEndRelease } from './handover.js';
import { deferredRelease } from './deferred-releases.js';
import { successOnlyRisk } from './success-only-releases.js';
import { blocksUntilDone } from './blocking-waits.js';
import { identifiersNamed } from '../shared/identifiers.js';

/** Methods whose result is still the same resource (`setInterval(..).unref()`, `createServer(..).listen(..)`). */
const PASS_THROUGH = /^(unref|ref|listen|on|once|addListener|prependListener|setMaxListeners|setEncoding|setNoDelay|setKeepAlive|setTimeout|connect)$/;
/** Methods that put a value into a collection the receiver owns. */
const COLLECTION = /^(push|unshift|set|add|splice|push_back|enqueue|append|register|track)$/;
/** Calls that only look at a value (logging, formatting, assertions): not a decision about the handle. */
const OBSERVERS = /^(console|logger|log|debug|this\.logger|this\.log|assert|expect|util)\b|\.(log|debug|info|warn|error|trace|fatal|verbose)$|^(String|Number|Boolean|JSON\.stringify|inspect|format)$/;
/** Wrappers that do not change what an expression is. */
const TRANSPARENT = new Set(['parenthesized_expression', 'non_null_expression', 'as_expression', 'satisfies_expression', 'type_assertion', 'ternary_expression', 'spread_element', 'sequence_expression']);

export interface FateContext {
  model: ResourceModel;
  scope: FileScope;
  /** The class `this` refers to. */
  ownerType?: string;
  /** The module owner's name (the file path): top-level variables are its fields. */
  modulePath: string;
  /** The function the acquisition runs in (inline callbacks skipped); null at module level. */
  fn: SyntaxNode | null;
  root: SyntaxNode;
  /** The handle is a promise: awaiting it joins the task. */
  isTask: boolean;
  declarations: Declarations;
}

export interface HandleResult {
  fate: HandleFate;
  unreferenced?: { how: string; line: number };
}

const IDENTIFIERS: ReadonlySet<string> = new Set(['identifier', 'shorthand_property_identifier']);

/** Is `node` inside a function (below `scope`) that ends before `start`? */
function inFunctionBefore(node: SyntaxNode, scope: SyntaxNode, start: number): boolean {
  for (let up = node.parent; up && up.id !== scope.id; up = up.parent) if (FUNCTION_TYPES.has(up.type) && up.endIndex <= start) return true;
  return false;
}

/** Climb from the acquisition through `await` and pass-through methods to the expression whose value is the handle. */
function handleExpression(call: SyntaxNode, ctx: FateContext): { expr: SyntaxNode; joined?: boolean; unreferenced?: { how: string; line: number } } {
  let expr = call;
  let unreferenced: { how: string; line: number } | undefined;
  for (;;) {
    const parent = expr.parent;
    if (!parent) break;
    if (parent.type === 'await_expression') {
      if (ctx.isTask) return { expr: parent, joined: true };
      expr = parent;
      continue;
    }
    if (parent.type === 'parenthesized_expression' || parent.type === 'non_null_expression' || parent.type === 'as_expression' || parent.type === 'satisfies_expression') {
      expr = parent;
      continue;
    }
    if (parent.type === 'member_expression' && same(parent.childForFieldName('object'), expr) && parent.parent?.type === 'call_expression' && same(parent.parent.childForFieldName('function'), parent)) {
      const method = parent.childForFieldName('property')?.text ?? '';
      if (method === 'unref') unreferenced = { how: `\`.unref()\` (line ${line(parent)})`, line: line(parent) };
      const taskChain = ctx.isTask && /^(then|catch|finally)$/.test(method);
      if (!PASS_THROUGH.test(method) && !taskChain) break;
      expr = parent.parent;
      continue;
    }
    break;
  }
  return { expr, ...(unreferenced ? { unreferenced } : {}) };
}

export function fateOf(call: SyntaxNode, ctx: FateContext): HandleResult {
  const { expr, joined, unreferenced } = handleExpression(call, ctx);
  if (joined) return { fate: { kind: 'awaited' } };
  // `watch(path, { signal })`, `spawn(cmd, { signal })`: aborting the signal releases it.
  const signal = signalArgument(call);
  if (signal) return { fate: { kind: 'scoped', how: `given an AbortSignal (\`${signal}\`): aborting it releases the resource` } };
  const tracker = new LocalTracker(ctx);
  if (ctx.model.completion?.callback && lastArgumentIsFunction(call)) return { fate: { kind: 'awaited' } };
  let fate = tracker.fateOfValue(expr, 0);
  // `pool.getConnection((err, connection) => ..)`: the checkout hands its connection to an
  // error-first callback, so the connection's fate is what that callback does with it.
  if (fate.kind === 'discarded' && (ctx.model.kind === 'connection' || ctx.model.kind === 'pool')) {
    const delivered = callbackHandle(call);
    if (delivered) fate = tracker.traceLocal(delivered.name, delivered.fn, 0, undefined, delivered.fn);
    // `getConnection(cb) { pool.getConnection(cb) }`: a pool adapter hands the checked-out
    // connection to its own caller's callback, which owns giving it back.
    const handedTo = delivered ? undefined : callerCallback(call);
    if (handedTo && ctx.model.pooled) fate = { kind: 'passed', to: `the caller's callback \`${handedTo}\`` };
  }
  // `const page = await browser.newPage(); ..; await browser.close()`: closing what made it closes it.
  const maker = (fate.kind === 'local' || fate.kind === 'discarded') && ctx.model.closedWithMaker?.length && ctx.fn ? makerLocal(call) : undefined;
  if (maker) {
    const viaMaker = new LocalTracker({ ...ctx, model: { ...ctx.model, releases: ctx.model.closedWithMaker!, resultReleases: [] } }).traceLocal(maker, call, 0);
    if (viaMaker.kind === 'released-locally') fate = viaMaker;
  }
  // `await new Promise((resolve) => app.listen(port, function () { resolve(this) }))`: the callback
  // hands the resource itself (its `this`) to the promise, whose value is then the handle.
  const promise = fate.kind === 'discarded' ? promisedByCallback(call) : undefined;
  if (promise) fate = tracker.fateOfValue(promise, 1);
  // `this.service = new Server(..); this.once('close', () => this.service.close())`: kept in a field that a
  // handler for the owner's own end, registered by the same function, releases.
  const ending = fate.kind === 'field' && fate.ownerType !== ctx.modulePath && ctx.fn ? selfEndRelease(ctx.fn, fate.field, ctx) : undefined;
  if (ending) fate = { kind: 'scoped', how: `released by the handler for its owner's own \`${ending.event}\` event (line ${ending.line}), registered with it` };
  const found = unreferenced ?? tracker.unreferenced;
  // `spawn(.., { detached: true })` and `.unref()`: a daemon, handed over to the system on purpose.
  if (found && spawnedDetached(call)) return { fate: { kind: 'passed', to: `the system as a daemon (\`detached: true\` and ${found.how})` } };
  return { fate, ...(found ? { unreferenced: found } : {}) };
}

/** The local the acquiring method is called on (`browser` in `browser.newPage()`). */
function makerLocal(call: SyntaxNode): string | undefined {
  const callee = call.childForFieldName('function');
  const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
  return object?.type === 'identifier' ? object.text : undefined;
}

/** The value an error-first callback (the call's last argument) receives second: `(err, connection) => ..`. */
function callbackHandle(call: SyntaxNode): { name: string; fn: SyntaxNode } | undefined {
  const args = call.childForFieldName('arguments');
  const last = args ? kids(args).at(-1) : undefined;
  if (!last || !FUNCTION_TYPES.has(last.type) || !errorFirst(last)) return undefined;
  const name = positionalParameters(last)[1];
  return name ? { name, fn: last } : undefined;
}

function lastArgumentIsFunction(call: SyntaxNode): boolean {
  const args = call.childForFieldName('arguments');
  const last = args ? kids(args).at(-1) : undefined;
  return !!last && FUNCTION_TYPES.has(last.type);
}

/** Is this declarator / statement at the top level of the module? */
function atModuleLevel(node: SyntaxNode): boolean {
  let decl = node.parent;
  if (decl?.parent?.type === 'export_statement') decl = decl.parent;
  return decl?.parent?.type === 'program';
}

class LocalTracker {
  unreferenced: { how: string; line: number } | undefined;

  constructor(private readonly ctx: FateContext) {}

  private moduleField(name: string, at: SyntaxNode): HandleFate {
    return { kind: 'field', ownerType: this.ctx.modulePath, field: name, line: line(at) };
  }

  /** Where a value goes, judged by the expression around it. */
  fateOfValue(expr: SyntaxNode, depth: number): HandleFate {
    const parent = expr.parent;
    if (!parent || depth > 6) return { kind: 'passed', to: 'an expression' };
    if (TRANSPARENT.has(parent.type) || (parent.type === 'binary_expression' && /^(\?\?|\|\||&&)$/.test(parent.childForFieldName('operator')?.text ?? ''))) {
      return this.fateOfValue(parent, depth + 1);
    }
    switch (parent.type) {
      case 'expression_statement':
        return { kind: 'discarded', how: this.ctx.isTask ? 'not awaited: the promise is dropped at once' : 'result dropped at once (expression statement)' };
      case 'unary_expression':
        return parent.text.startsWith('void') ? { kind: 'discarded', how: 'dropped with `void`' } : { kind: 'passed', to: 'an expression' };
      case 'await_expression':
        return this.fateOfValue(parent, depth + 1);
      case 'variable_declarator': {
        const name = parent.childForFieldName('name');
        if (!name) return { kind: 'discarded', how: 'not bound' };
        if (name.type !== 'identifier') return { kind: 'local', local: shortText(name, 30) };
        if (atModuleLevel(parent)) return this.moduleField(name.text, parent);
        // Uses start right after the name: a callback in the initialiser may already refer to it.
        return this.traceLocal(name.text, parent, depth, name);
      }
      case 'assignment_expression':
      case 'augmented_assignment_expression': {
        if (!same(parent.childForFieldName('right'), expr)) return { kind: 'passed', to: 'assignment' };
        if (parent.children.some((c) => c?.type === 'using')) {
          return { kind: 'scoped', how: parent.parent?.type === 'await_expression' ? '`await using`: disposed when the block exits' : '`using`: disposed when the block exits' };
        }
        const left = parent.childForFieldName('left');
        if (!left) return { kind: 'passed', to: 'assignment' };
        return this.storedIn(left, parent, depth);
      }
      case 'arguments':
        return this.passedTo(parent);
      case 'array':
        return this.fateOfValue(parent, depth + 1);
      case 'pair': {
        const object = parent.parent;
        return object ? this.fateOfValue(object, depth + 1) : { kind: 'passed', to: 'an object' };
      }
      case 'return_statement':
        return { kind: 'returned' };
      case 'arrow_function':
        return { kind: 'returned' };
      case 'for_in_statement':
        // `for await (const _ of setInterval(ms))`: the loop owns the iterator; inside an async
        // function the loop blocks that function, so whoever starts it without awaiting owns it.
        return this.ctx.fn ? { kind: 'passed', to: 'the `for await` loop that consumes it (its function is the task)' } : { kind: 'local', local: 'for await loop' };
      case 'public_field_definition': {
        const field = parent.childForFieldName('name')?.text ?? '?';
        return { kind: 'field', ownerType: this.ctx.ownerType ?? 'this', field, line: line(parent) };
      }
      default:
        return { kind: 'passed', to: parent.type.replace(/_/g, ' ') };
    }
  }

  /** `this.x = h`, `moduleVar = h`, `local = h`, `obj.x = h`. */
  private storedIn(left: SyntaxNode, at: SyntaxNode, depth: number): HandleFate {
    const path = thisPath(memberPath(left), this.ctx.scope);
    if (path && path[0] === 'this' && path.length === 2 && this.blocksOnCompletion(left.text, at)) return { kind: 'awaited', local: shortText(left, 40) };
    if (path && path[0] === 'this' && path.length >= 2) {
      const field = path[1]!.replace(/^#/, '');
      const alsoIn = path.length === 2 ? this.collectionsHolding(left.text, at).filter((f) => f !== field) : [];
      return { kind: 'field', ownerType: this.ctx.ownerType ?? 'this', field, line: line(at), ...(alsoIn.length > 0 ? { alsoIn } : {}) };
    }
    if (path && path.length >= 1 && path[0] !== 'this') {
      const root = path[0]!;
      const isModuleVar = this.ctx.scope.moduleVars.has(root) && !this.ctx.declarations.has(this.ctx.fn, root);
      if (isModuleVar) return this.moduleField(root, at);
      if (path.length === 1) {
        // `let timer; const onPacket = () => { timer = setInterval(..) }; const stop = () => clearInterval(timer)`:
        // a variable of an outer function, used anywhere in that function.
        if (this.ctx.fn && !this.ctx.declarations.has(this.ctx.fn, root)) {
          const outer = this.declaringFunction(at, root);
          // A variable of a module-pattern IIFE (`(function () { var ws; .. })()`) lives as long as a module variable.
          if (outer && runsOnceAtLoad(outer)) return this.moduleField(root, at);
          if (outer) return this.traceLocal(root, at, depth, undefined, outer);
        }
        return this.traceLocal(root, at, depth);
      }
    }
    return { kind: 'passed', to: `\`${shortText(left, 40)}\`` };
  }

  /** A handle given to a call: stored in a collection the owner keeps, or handed on. */
  private passedTo(args: SyntaxNode): HandleFate {
    const call = args.parent;
    const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : call?.childForFieldName('constructor');
    if (!call || !callee) return { kind: 'passed', to: 'a call' };
    if (callee.type === 'member_expression') {
      const method = callee.childForFieldName('property')?.text ?? '';
      const receiver = callee.childForFieldName('object');
      const path = receiver ? thisPath(memberPath(receiver), this.ctx.scope) : undefined;
      if (COLLECTION.test(method) && path) {
        if (path[0] === 'this' && path.length >= 2) return { kind: 'field', ownerType: this.ctx.ownerType ?? 'this', field: path[1]!.replace(/^#/, ''), line: line(call) };
        if (this.ctx.scope.moduleVars.has(path[0]!) && !this.ctx.declarations.has(this.ctx.fn, path[0]!)) return this.moduleField(path[0]!, call);
      }
      // `new Set([h])`, `Promise.all([..])` and friends hand it on.
      return { kind: 'passed', to: `\`${shortText(callee, 40)}()\`` };
    }
    return { kind: 'passed', to: `\`${shortText(callee, 40)}()\`` };
  }

  /** The nearest function above `at` (beyond the current one) that declares `name`. */
  private declaringFunction(at: SyntaxNode, name: string): SyntaxNode | undefined {
    for (let cur = at.parent; cur; cur = cur.parent) {
      if (FUNCTION_TYPES.has(cur.type) && this.ctx.declarations.has(cur, name)) return cur;
    }
    return undefined;
  }

  /**
   * Follow a local through the rest of its function. `outer`: the variable belongs to that
   * enclosing function; every use in it counts, wherever it sits.
   */
  traceLocal(name: string, from: SyntaxNode, depth: number, usesAfter: SyntaxNode = from, outer?: SyntaxNode): HandleFate {
    const scopeNode = outer ? (bodyOf(outer) ?? outer) : this.ctx.fn ? (bodyOf(this.ctx.fn) ?? this.ctx.fn) : this.ctx.root;
    let fates: { fate: HandleFate; node: SyntaxNode }[] = [];
    let used = false;
    const start = outer ? scopeNode.startIndex : usesAfter.endIndex;
    const visitUse = (node: SyntaxNode): void => {
      if ((node.type === 'identifier' || node.type === 'shorthand_property_identifier') && node.text === name) {
        used = true;
        // `return { close: async () => { .. pool .. } }`: a teardown closure of what the function hands
        // out works on it; whether it releases it through members (`pool.threads`) is not read.
        const teardown = teardownClosure(node, scopeNode);
        if (teardown) {
          fates.push({ fate: { kind: 'passed', to: `the teardown \`${functionName(teardown)}()\` (line ${line(teardown)}), which uses it` }, node });
          return;
        }
        const fate = this.fateOfUse(node, depth);
        if (fate) fates.push({ fate, node });
      }
    };
    for (const node of identifiersNamed(scopeNode, name, IDENTIFIERS)) {
      // A callback written above the declaration runs later and may use it: `const done = () => clearTimeout(t); const t = setTimeout(done)`.
      if (node.startIndex < start && !inFunctionBefore(node, scopeNode, start)) continue;
      visitUse(node);
    }
    // The function waits for it to end (`await once(child, 'exit')`): kept in a field meanwhile, it is still reaped here.
    const rank = (f: HandleFate): number =>
      this.blocking.has(f) ? 0.5 : f.kind === 'local' && f.releasedOn ? 5.5 : ({ 'released-locally': 0, field: 1, returned: 2, awaited: 3, scoped: 4, passed: 5, local: 6, discarded: 7 })[f.kind];
    // Returned to the caller, and released only when opening it failed: the caller owns it.
    if (fates.some((f) => f.fate.kind === 'returned') && fates.every((f) => f.fate.kind !== 'released-locally' || onErrorPath(f.node, scopeNode))) {
      fates = fates.filter((f) => f.fate.kind !== 'released-locally');
    }
    fates.sort((a, b) => rank(a.fate) - rank(b.fate));
    let best = fates[0];
    // `this.current = worker; this.workers.set(id, worker)`: the same handle kept in several fields of the owner.
    if (best?.fate.kind === 'field') {
      const first = best.fate;
      const others = fates.map((f) => f.fate).filter((f): f is Extract<HandleFate, { kind: 'field' }> => f.kind === 'field' && f.ownerType === first.ownerType && f.field !== first.field);
      const alsoIn = [...new Set([...(first.alsoIn ?? []), ...others.map((f) => f.field), ...others.flatMap((f) => f.alsoIn ?? [])])].filter((f) => f !== first.field);
      if (alsoIn.length > 0) best = { ...best, fate: { ...first, alsoIn } };
    }
    if (!best) {
      return used ? { kind: 'local', local: name } : { kind: 'discarded', how: `bound to \`${name}\` and never used` };
    }
    if (best.fate.kind === 'released-locally') {
      const releases = fates.filter((f) => f.fate.kind === 'released-locally').map((f) => f.node);
      const risk = successOnlyRisk(from, releases, scopeNode, name, this.ctx.model.releases, !!this.ctx.fn && isAsync(this.ctx.fn));
      if (risk) return { ...best.fate, onlyOnSuccess: risk };
    }
    return best.fate;
  }

  private fateOfUse(id: SyntaxNode, depth: number): HandleFate | undefined {
    const parent = id.parent;
    if (!parent) return undefined;
    // What the tracker follows is the call's result, so its own release methods count too.
    const releases = [...this.ctx.model.releases, ...(this.ctx.model.resultReleases ?? [])];
    if (id.type === 'shorthand_property_identifier') return parent.type === 'object' ? this.fateOfValue(parent, depth + 1) : undefined;
    if (parent.type === 'member_expression' && same(parent.childForFieldName('object'), id)) {
      const gp = parent.parent;
      if (gp?.type === 'call_expression' && same(gp.childForFieldName('function'), parent)) {
        const method = parent.childForFieldName('property')?.text ?? '';
        if (releases.includes(method)) return this.releasedAt(gp, id.text, method);
        if (method === 'unref') this.unreferenced ??= { how: `\`${id.text}.unref()\` (line ${line(gp)})`, line: line(gp) };
        if (/^(on|once|addListener|prependListener|prependOnceListener)$/.test(method) && this.waitsForCompletion(gp)) return this.awaitedBy(gp, id.text);
      }
      return { kind: 'local', local: id.text };
    }
    // A connection or pool called as a function (postgres.js `sql\`..\``) is being used, not released.
    if ((parent.type === 'call_expression' && same(parent.childForFieldName('function'), id)) && this.ctx.model.kind !== 'connection' && this.ctx.model.kind !== 'pool') {
      // The handle is a function: calling it is the release (`const off = emitter.on(..); off()`).
      return { kind: 'released-locally', local: id.text, api: 'call', line: line(parent) };
    }
    if (parent.type === 'arguments') {
      const call = parent.parent;
      const callee = call?.childForFieldName('function');
      if (call?.type === 'call_expression' && callee?.type === 'identifier' && releases.includes(callee.text)) return this.releasedAt(call, id.text, callee.text);
      if (callee && OBSERVERS.test(callee.text.replace(/\s+/g, ''))) return undefined;
      // `await once(child, 'exit')`
      if (call?.type === 'call_expression' && callee && this.ctx.model.completion && qualifiedNames(callee, this.ctx.scope).includes('events.once')) {
        return this.awaitedBy(call, id.text);
      }
      const fate = this.fateOfValue(id, depth + 1);
      return fate.kind === 'discarded' ? undefined : fate;
    }
    if (parent.type === 'await_expression') return this.ctx.isTask ? { kind: 'awaited', local: id.text } : undefined;
    if (parent.type === 'variable_declarator' && same(parent.childForFieldName('value'), id)) {
      const alias = parent.childForFieldName('name');
      if (alias?.type === 'identifier' && depth < 3) return this.traceLocal(alias.text, parent, depth + 1);
      return { kind: 'local', local: id.text };
    }
    if ((parent.type === 'assignment_expression' || parent.type === 'augmented_assignment_expression') && same(parent.childForFieldName('right'), id)) {
      return this.fateOfValue(id, depth + 1);
    }
    if (parent.type === 'return_statement' || (parent.type === 'arrow_function' && same(parent.childForFieldName('body'), id))) return { kind: 'returned' };
    if (parent.type === 'ternary_expression' && same(parent.childForFieldName('condition'), id)) return undefined;
    if (parent.type === 'array' || parent.type === 'pair' || TRANSPARENT.has(parent.type)) {
      const fate = this.fateOfValue(id, depth + 1);
      return fate.kind === 'discarded' ? undefined : fate;
    }
    return undefined;
  }

  /** The release call `call` of local `name`: released here, unless it waits for an outer emitter's end (see `deferredRelease`). */
  private releasedAt(call: SyntaxNode, name: string, api: string): HandleFate {
    const deferred = deferredRelease(call, this.ctx.fn);
    if (deferred) return { kind: 'local', local: name, releasedOn: { ...deferred, api, line: line(call) } };
    return { kind: 'released-locally', local: name, api, line: line(call) };
  }

  /** Fields of `this` holding collections that the value written `target` (`this.primary`) is put into, after `after`. */
  private collectionsHolding(target: string, after: SyntaxNode): string[] {
    const scopeNode = this.ctx.fn ? bodyOf(this.ctx.fn) : null;
    if (!scopeNode) return [];
    const wanted = target.replace(/[\s!?]/g, '');
    const out: string[] = [];
    walk(scopeNode, (node) => {
      if (node.endIndex <= after.endIndex) return node.endIndex > after.startIndex;
      // `this.workers[id] = this.primary`
      if (node.type === 'assignment_expression' && unwrap(node.childForFieldName('right') ?? node).text.replace(/[\s!?]/g, '') === wanted) {
        const left = node.childForFieldName('left');
        const object = left?.type === 'subscript_expression' ? left.childForFieldName('object') : null;
        const path = object ? thisPath(memberPath(object), this.ctx.scope) : undefined;
        if (path?.[0] === 'this' && path.length === 2) out.push(path[1]!.replace(/^#/, ''));
        return true;
      }
      if (node.type !== 'call_expression') return true;
      const callee = node.childForFieldName('function');
      if (callee?.type !== 'member_expression' || !COLLECTION.test(callee.childForFieldName('property')?.text ?? '')) return true;
      const receiver = callee.childForFieldName('object');
      const path = receiver ? thisPath(memberPath(receiver), this.ctx.scope) : undefined;
      const args = node.childForFieldName('arguments');
      if (path?.[0] === 'this' && path.length >= 2 && args && kids(args).some((a) => unwrap(a).text.replace(/[\s!?]/g, '') === wanted)) out.push(path[1]!.replace(/^#/, ''));
      return true;
    });
    return out;
  }

  /** Fates of waits the function blocks on until the resource has ended (see `blocksUntilDone`). */
  private readonly blocking = new WeakSet<HandleFate>();

  private awaitedBy(wait: SyntaxNode, local: string): HandleFate {
    const fate: HandleFate = { kind: 'awaited', local };
    if (blocksUntilDone(wait)) this.blocking.add(fate);
    return fate;
  }

  /**
   * The function blocks until the resource kept in `target` (`this.proc`) has ended: a wait for
   * its completion event that the function awaits, after `after`.
   */
  private blocksOnCompletion(target: string, after: SyntaxNode): boolean {
    const events = this.ctx.model.completion?.events ?? [];
    const scopeNode = this.ctx.fn ? bodyOf(this.ctx.fn) : null;
    if (events.length === 0 || !scopeNode) return false;
    const wanted = target.replace(/[\s!?]/g, '');
    let found = false;
    walk(scopeNode, (node) => {
      if (found || node.endIndex <= after.endIndex) return !found && node.endIndex > after.startIndex;
      if (node.type !== 'call_expression') return true;
      const callee = node.childForFieldName('function');
      const args = node.childForFieldName('arguments');
      const list = args ? kids(args) : [];
      let on: SyntaxNode | null | undefined;
      let event: string | undefined;
      if (callee?.type === 'member_expression' && /^(on|once|addListener|prependListener|prependOnceListener)$/.test(callee.childForFieldName('property')?.text ?? '')) {
        on = callee.childForFieldName('object');
        event = stringValue(list[0]);
      } else if (callee && qualifiedNames(callee, this.ctx.scope).includes('events.once')) {
        on = list[0];
        event = stringValue(list[1]);
      }
      if (on && event !== undefined && events.includes(event) && on.text.replace(/[\s!?]/g, '') === wanted && blocksUntilDone(node)) found = true;
      return !found;
    });
    return found;
  }

  /** `child.on('exit', ..)`: the code waits for the resource to end on its own. */
  private waitsForCompletion(call: SyntaxNode): boolean {
    const events = this.ctx.model.completion?.events ?? [];
    const args = call.childForFieldName('arguments');
    const event = stringValue(args ? kids(args)[0] : undefined);
    return event !== undefined && events.includes(event);
  }
}

/** The teardown-named function (`close`, `dispose` ..) nested in `scopeNode` that `node` sits in, if any. */
function teardownClosure(node: SyntaxNode, scopeNode: SyntaxNode): SyntaxNode | undefined {
  for (let cur = node.parent; cur && !same(cur, scopeNode); cur = cur.parent) {
    if (FUNCTION_TYPES.has(cur.type) && !isInlineCallback(cur)) return isTeardownName(functionName(cur)) ? cur : undefined;
  }
  return undefined;
}
