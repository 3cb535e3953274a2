// TypeScript / JavaScript acquisition facts: for a matched call, the fate of what it acquires (a listener's
// removal, a task's handle), the guard that makes it run once, and the body it runs (split from extract.ts, the walk).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Acquisition, BodyFacts, HandleFate, Release } from '../../facts/types.js';
import { argumentHandleFate } from './argument-handles.js';
import type { ResourceModel } from '../../models/schema.js';
import { acquisitionHead, kids, line, same } from '../shared/tree.js';
import { escapeRegExp } from '../shared/regex.js';
import { analyseFunctionBody, consumingLoopBody, intervalBody, outerNames, rearmBody, type BodyContext } from './body.js';
import { FUNCTION_TYPES, bodyOf, className, type Enclosing } from './functions.js';
import { fateOf, type FateContext } from './handles.js';
import type { Declarations } from './declarations.js';
import { restartOf } from './restart-timers.js';
import { timeoutArmOf } from './timeout-arms.js';
import { listenerFacts, Removal, subscriptionFacts, type ListenerContext } from './listeners.js';
import { fieldOnceGuard } from './once-guards.js';
import { memoizes, moduleMemoGuard } from './module-memos.js';
import { bindingText, type CallMatch } from './match.js';
import type { ClassInfo } from './owners.js';
import { swallowedAfter } from './error-paths.js';
import { unwrap } from './qualify.js';
import type { NodeIndex } from './node-index.js';
import type { FileScope } from './scope.js';
import { shellCommand } from './shell-commands.js';
import { flagsSetBefore } from './mode-guards.js';import { reusingLoopLine } from '../shared/reuse-loops.js';

const TS_LOOPS: ReadonlySet<string> = new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']);


/** What the extraction walk shares with the acquisition facts of one file. */
export interface AcquisitionEnv {
  path: string;
  source: string;
  lines: () => string[];
  root: SyntaxNode;
  scope: FileScope;
  index: NodeIndex;
  declarations: Declarations;
  /** Classes of this file, by name. */
  classes: ReadonlyMap<string, ClassInfo>;
  /** Calls of this file that remove a listener (filled before the acquisitions are read). */
  removals: readonly Removal[];
  bodyCtx: BodyContext;
  /** Set when a handle is kept in a module variable: the module then owns it. */
  moduleTouched: { used: boolean };
  /** The file's releases (read before its acquisitions). */
  releases: readonly Release[];
}

export function acquisitionReader(ctx: AcquisitionEnv): { acquisitionOf(call: SyntaxNode, match: CallMatch, enclosing: Enclosing): Acquisition } {
  const { path, source, lines, root, scope, index, declarations, classes, removals, bodyCtx, moduleTouched, releases } = ctx;

  function acquisitionOf(call: SyntaxNode, match: CallMatch, enclosing: Enclosing): Acquisition {
    const model = match.model;
    const fn = enclosing.context.fn;
    const cls = enclosing.context.cls;
    const ownerType = cls ? className(cls) : undefined;
    const fateCtx: FateContext = {
      model,
      scope,
      ...(ownerType ? { ownerType } : {}),
      modulePath: path,
      fn,
      root,
      isTask: model.kind === 'task',
      declarations,
    };
    const generic = (): ReturnType<typeof fateOf> => fateOf(call, fateCtx);
    let handle: HandleFate;
    let unreferenced: Acquisition['unreferenced'];
    const acquisition: Partial<Acquisition> = {};
    const guard = onceGuard(call, fn, scope);
    // A local of the same name would be a fresh flag on every call.
    if (guard && !declarations.has(fn, guard.flag.replace(/\[.*$/, ''))) acquisition.guardedOnce = guard;
    else if (cls) {
      const field = fieldOnceGuard(call, fn);
      if (field) acquisition.guardedOnce = { ...field, perInstance: true };
    }
    if (model.kind === 'listener' || model.kind === 'subscription') {
      const lctx: ListenerContext = {
        scope,
        model,
        classes,
        ...(ownerType ? { ownerType } : {}),
        fn,
        ...(enclosing.name === 'constructor' ? { constructorKind: fn && isPrivateMember(fn) ? ('private' as const) : ('public' as const) } : {}),
        root,
        modulePath: path,
        declarations,
        removals,
        index,
      };
      const lf = model.kind === 'listener' ? listenerFacts(call, lctx, () => generic().fate) : subscriptionFacts(call, lctx);
      acquisition.source = lf.source;
      if (lf.oneShot) acquisition.oneShot = true;
      if (lf.raceWith !== undefined) acquisition.raceWith = lf.raceWith;
      if (lf.handlerFromCaller) acquisition.handlerFromCaller = true;
      if (lf.brokenRemovals) acquisition.brokenRemovals = lf.brokenRemovals;
      handle = lf.fate ?? generic().fate;
    } else if (model.handleArgument !== undefined) {
      // `fs.watchFile(path, ..)`: what it returns is not how it stops; the path handed to its release is.
      handle = argumentHandleFate(call, model, { scope, ...(ownerType ? { ownerType } : {}), modulePath: path, fn, declarations, releases });
    } else {
      const result = generic();
      handle = result.fate;
      unreferenced = result.unreferenced;
      // A timer cleared by callbacks, armed in a `try` whose `catch` swallows a failure without clearing it.
      if (model.kind === 'timer' && !model.repeats && handle.kind === 'released-locally' && !handle.onlyOnSuccess) {
        const risk = swallowedAfter(call, handle.local, fn);
        if (risk) handle = { ...handle, onlyOnSuccess: risk };
      }
    }
    if (handle.kind === 'field' && handle.ownerType === path) moduleTouched.used = true;
    // `this.timer = setInterval(..)` with no mention of `this.timer` earlier in the function: a
    // second call overwrites the live handle.
    if (handle.kind === 'field' && handle.ownerType !== path && fn && model.kind === 'timer' && handle.line === line(call)) {
      const fnBody = bodyOf(fn);
      const before = fnBody ? source.slice(fnBody.startIndex, call.startIndex) : '';
      // Only a plain `this.field = setInterval(..)`, not a collection (`this.timers.set(k, setInterval(..))`).
      const direct = new RegExp(`\\.\\s*#?${escapeRegExp(handle.field)}\\s*=\\s*$`).test(source.slice(source.lastIndexOf('\n', call.startIndex) + 1, call.startIndex));
      const mentions = !direct || new RegExp(`\\b(this|self|that|_this)\\s*\\.\\s*#?${escapeRegExp(handle.field)}\\b`).test(before.replace(/\s+$/, '').replace(/[^;{}\n]*$/, ''));
      if (!mentions) acquisition.overwritesField = true;
    }
    const a: Acquisition = {
      ...acquisitionHead(model, match.api, call, lines()),
      fn: stripContext(enclosing),
      handle,
      ...acquisition,
    };
    if (unreferenced) a.unreferenced = unreferenced;
    if (handle.kind === 'field' && cls) {
      const flags = flagsSetBefore(call, fn);
      if (flags.length > 0) a.setsFlags = flags;
    }
    if (enclosing.context.inLoop) a.inLoop = true;
    // `const client = await connect(); while (running) { await client.query(..) }`: a connection the loop after it reuses.
    if ((model.kind === 'connection' || model.kind === 'pool') && (handle.kind === 'local' || handle.kind === 'released-locally')) {
      const reuse = reusingLoopLine(call, handle.local, TS_LOOPS, FUNCTION_TYPES);
      if (reuse) a.reusedByLoop = reuse;
    }
    if (model.kind === 'process' && (handle.kind === 'discarded' || handle.kind === 'local')) {
      const shell = shellCommand(call, fn, root, scope, index);
      if (shell) a.shellCommand = shell;
    }
    const body = bodyFor(call, model, fn, handle);
    if (body) a.body = body;
    // A chain through a second method (`rearmAfter.via`) is also a timer whose callback starts work again.
    if (body && (!body.longLived || body.rearmAfter?.via) && model.kind === 'timer' && model.body === 'first-argument' && !model.repeats) {
      const args = call.childForFieldName('arguments');
      const restarts = restartOf(args ? kids(args)[0] : undefined);
      if (restarts) a.restarts = restarts;
    }
    if (model.kind === 'timer' && model.body === 'first-argument' && !model.repeats && (handle.kind === 'discarded' || handle.kind === 'returned' || handle.kind === 'local')) {
      const arm = timeoutArmOf(call, scope);
      if (arm) a.timeoutArm = arm;
    }
    return a;
  }

  function bodyFor(call: SyntaxNode, model: ResourceModel, fn: SyntaxNode | null, handle: HandleFate): BodyFacts | undefined {
    if (!model.body) return undefined;
    const outer = outerNames(fn, call);
    if (model.body === 'consuming-loop') return consumingLoopBody(call, bodyCtx, outer);
    const args = call.childForFieldName('arguments');
    const list = args ? kids(args) : [];
    const callback = model.body === 'last-argument' ? list.at(-1) : list[0];
    if (model.repeats) {
      const refs = new Set<string>();
      const bound = boundName(call);
      if (bound) refs.add(bound);
      if (handle.kind === 'field') refs.add(`this.${handle.field}`);
      return intervalBody(call, callback ? unwrap(callback) : undefined, bodyCtx, refs, outer);
    }
    const rearm = rearmBody(call, callback, fn, bodyCtx, outer);
    if (rearm) return rearm;
    if (callback && FUNCTION_TYPES.has(unwrap(callback).type)) {
      const cbBody = bodyOf(unwrap(callback));
      if (cbBody) return analyseFunctionBody(cbBody, bodyCtx, outer);
    }
    return { longLived: false, exits: [], ignoredErrors: [], captures: [] };
  }

  return { acquisitionOf };
}

/**
 * `if (!started) { started = true; setInterval(..) }`: a module variable tested and set in the same
 * `if` lets what it guards run once per process, however often the function runs.
 */
function onceGuard(at: SyntaxNode, fn: SyntaxNode | null, scope: FileScope): { flag: string; line: number; perKey?: true } | undefined {
  for (let up = at.parent; up && up.id !== fn?.id; up = up.parent) {
    if (up.type !== 'if_statement') continue;
    const condition = up.childForFieldName('condition')?.text ?? '';
    const consequence = up.childForFieldName('consequence');
    if (!consequence || !(at.startIndex >= consequence.startIndex && at.endIndex <= consequence.endIndex)) continue;
    for (const m of condition.matchAll(/(?:^|[(&\s])!\s*([A-Za-z_$][\w$]*)\b(?!\s*[.([])/g)) {
      const flag = m[1]!;
      if (!scope.moduleVars.has(flag)) continue;
      const set = new RegExp(`(^|[^.\\w$])${flag.replace(/\$/g, '\\$')}\\s*=\\s*true\\b`);
      if (set.test(consequence.text) || memoizes(at, flag, consequence)) return { flag, line: line(up) };
    }
    // `if (!collected[event]) { collected[event] = true; .. }`: once per key of a module-level or field map.
    const keyed = /^\(\s*!\s*((?:this\.)?[A-Za-z_$][\w$]*)\[([^\]]+)\]\s*\)$/.exec(condition.replace(/\s+/g, ' '));
    const map = keyed?.[1];
    if (keyed && map && (map.startsWith('this.') || scope.moduleVars.has(map))) {
      const entry = `${map}[${keyed[2]!.trim()}]`;
      const set = new RegExp(`(^|[^.\\w$])${entry.replace(/[.$[\]()]/g, (c) => `\\${c}`).replace(/\s+/g, '\\s*')}\\s*=\\s*(true|1)\\b`);
      if (set.test(consequence.text)) return { flag: entry, line: line(up), perKey: true };
    }
  }
  return moduleMemoGuard(at, fn, scope);
}

/** `private constructor(..)`, `#method()`: only the class itself calls it. */
function isPrivateMember(fn: SyntaxNode): boolean {
  if (fn.type !== 'method_definition') return false;
  return fn.children.some((c) => c?.type === 'accessibility_modifier' && c.text === 'private') || fn.childForFieldName('name')?.type === 'private_property_identifier';
}

export function stripContext(e: Enclosing): Acquisition['fn'] {
  const { context: _context, ...rest } = e;
  return rest;
}

/** The name the result of an acquisition is bound to: `const pool = ..` -> `pool`, `this.pool = ..` -> `this.pool`. */
export function boundName(call: SyntaxNode): string | undefined {
  let expr = call;
  while (expr.parent && (expr.parent.type === 'await_expression' || expr.parent.type === 'parenthesized_expression' || expr.parent.type === 'as_expression' || expr.parent.type === 'non_null_expression')) expr = expr.parent;
  const parent = expr.parent;
  if (parent?.type === 'variable_declarator' && same(parent.childForFieldName('value'), expr)) {
    const name = parent.childForFieldName('name');
    return name?.type === 'identifier' ? name.text : undefined;
  }
  if ((parent?.type === 'assignment_expression' || parent?.type === 'augmented_assignment_expression') && same(parent.childForFieldName('right'), expr)) {
    const left = parent.childForFieldName('left');
    return left ? bindingText(left) : undefined;
  }
  if (parent?.type === 'public_field_definition') {
    const name = parent.childForFieldName('name')?.text;
    return name ? `this.${name.replace(/^#/, '')}` : undefined;
  }
  return undefined;
}

