// Rust acquisition facts: what a matched spawn or open call acquires, the fate of its handle, and what its body runs.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Acquisition, BodyFacts, EnclosingFunction } from '../../facts/types.js';
import { acquisitionHead, kids, line, same } from '../shared/tree.js';
import { reusingLoopLine } from '../shared/reuse-loops.js';
import { analyseBody, type PeriodResolver } from './body.js';
import { functionNode } from './functions.js';
import { fateOf } from './handles.js';
import type { collectImports } from './imports.js';
import type { NodeIndex } from './node-index.js';
import { gatingCall, instanceOnceGuard, staticOnceGuard } from './once-guards.js';
import { staticFlagGuard } from './static-flags.js';
import type { CallMatch, CallMatcher } from './match.js';
import { constructedType, PATTERN_PARENTS, plainType, scopedParts, withoutGenerics } from './call-names.js';
import { blockedOnFuture, bodyOfArgument, delegatedCall, insideLoop, lastLetBefore, outerNames } from './spawn-site.js';

/** What the extraction walk shares with the acquisition facts of one file. */
export interface AcquisitionEnv {
  index: NodeIndex;
  lines: () => string[];
  matcher: CallMatcher;
  periods: PeriodResolver;
  imports: ReturnType<typeof collectImports>;
  /** The free functions this file declares. */
  freeFns: Set<string>;
  statics: () => Set<string>;
  boundInFunction: (name: string, at: SyntaxNode) => boolean;
}

export function acquisitionRecorder(ctx: AcquisitionEnv): (call: SyntaxNode, match: CallMatch, enclosing: EnclosingFunction) => Acquisition {
  const { index, lines, matcher, periods, imports, freeFns, boundInFunction } = ctx;

  function acquisitionOf(call: SyntaxNode, match: CallMatch, enclosing: EnclosingFunction): Acquisition {
    const model = match.model;
    const fnItem = functionNode(call);
    const fnBody = fnItem?.childForFieldName('body') ?? null;
    const isTaskLike = model.kind === 'task' || model.kind === 'thread';
    const handle = fateOf(call, fnBody, {
      releases: model.releases,
      joins: isTaskLike ? ['await', 'join', 'join_all'] : [],
      ...(model.handleIndex !== undefined ? { handleIndex: model.handleIndex } : {}),
      ...(model.idMethod ? { idMethod: model.idMethod } : {}),
      ...(enclosing.ownerType ? { ownerType: enclosing.ownerType } : {}),
      ...(model.kind === 'connection' || model.kind === 'pool' ? { temporaryEndsAtLet: true } : {}),
      // `PgPoolOptions::new()`: the pool is what the chain's `connect()` returns.
      ...(/(Options|Builder)(::<.*>)?::new$/.test(match.api.replace(/\s+/g, '')) ? { builder: true } : {}),
    });
    const acquisition: Acquisition = {
      ...acquisitionHead(model, match.api, call, lines()),
      fn: enclosing,
      // tokio's `Command::kill_on_drop(true)` (on the builder, in this function): dropping the Child kills it.
      // Only for the models that name the setting: command-group's `group_spawn()` does not carry it over.
      handle:
        model.dropReleasesWith && new RegExp(`\\b${model.dropReleasesWith}\\s*\\(\\s*true\\s*\\)`).test(fnBody?.text ?? '')
          ? { kind: 'scoped', how: `\`${model.dropReleasesWith}(true)\`: dropping the ${model.handle ?? 'handle'} releases it` }
          : // The program starting itself again (`Command::new(env::current_exe()?)`) is its own daemon:
            // meant to outlive this process (sccache's server, atuin's daemon), not a child to reap.
            model.kind === 'process' && /\bcurrent_exe\s*\(\s*\)/.test(fnBody?.text ?? '')
            ? { kind: 'passed', to: 'its own program started again as a daemon (`current_exe()`), meant to outlive this process' }
            : handle,
    };
    if (insideLoop(call, fnItem)) acquisition.inLoop = true;
    const reuse = reusedByLoop(call, model.kind, acquisition.handle);
    if (reuse) acquisition.reusedByLoop = reuse;
    // The initialiser of a lazy static or a static once-cell runs once per process.
    const staticGuard = staticOnceGuard(call, ctx.statics());
    // A static flag the first caller exchanges (`if !STARTED.swap(true, ..)`): once per process too.
    const flagGuard = staticGuard ? undefined : staticFlagGuard(call, fnItem, ctx.statics());
    const guard = staticGuard || flagGuard ? undefined : instanceOnceGuard(call, fnItem);
    if (staticGuard) acquisition.guardedOnce = { ...staticGuard, lazyStatic: true };
    else if (flagGuard) acquisition.guardedOnce = flagGuard;
    else if (guard) acquisition.guardedOnce = { ...guard, perInstance: true };
    else {
      const gating = gatingCall(call, fnItem);
      if (gating) acquisition.gatedBy = gating;
    }
    if (model.body) {
      const args = call.childForFieldName('arguments');
      let bodyArg = args ? kids(args).filter((a) => !a.type.endsWith('comment'))[model.body === 'last-argument' ? -1 : 0] : undefined;
      // `let ping = async move { loop { .. } }; tokio::spawn(ping)`: the future bound before the spawn.
      const bound = bodyArg?.type === 'identifier' && fnItem ? lastLetBefore(bodyArg.text, fnItem, call, index)?.childForFieldName('value') : undefined;
      if (bound && bound.type !== 'identifier') bodyArg = bound;
      const target = bodyArg ? bodyOfArgument(bodyArg) : undefined;
      // `thread::spawn(worker)`, `thread::spawn(Self::run)`: a function named as the body runs as it.
      const named = !bound && bodyArg ? namedBody(bodyArg, call) : undefined;
      if (named) {
        acquisition.body = { longLived: false, exits: [], ignoredErrors: [], captures: [], delegatesTo: named.name, ...(named.onOther ? { delegateOnOther: true as const } : {}) };
      } else if (target) {
        const outer = outerNames(fnItem, call, index);
        acquisition.body = analyseBody(target, index, periods, outer);
        const served = acquisition.body.longLived ? undefined : servedIn(target);
        if (served) acquisition.body = { ...acquisition.body, ...served };
        // `thread::spawn(move || rt.block_on(fut))`: the thread runs the future it blocks on, bound to a
        // local before (`let fut = async move { loop { .. } }`) or made by a call (`rt.block_on(self.run())`).
        const future = acquisition.body.longLived ? undefined : blockedOnFuture(target, index);
        const boundFuture = future?.type === 'identifier' && fnItem ? lastLetBefore(future.text, fnItem, future, index)?.childForFieldName('value') : undefined;
        if (boundFuture?.type === 'async_block') {
          const captures = acquisition.body.captures;
          acquisition.body = { ...analyseBody(boundFuture, index, periods, outer), captures };
        }
        if (!acquisition.body.longLived) {
          const callee = (future?.type === 'call_expression' ? delegatedCall(future, index, fnItem, call) : undefined) ?? delegatedCall(target, index, fnItem, call);
          if (callee) {
            acquisition.body.delegatesTo = callee.name;
            if (callee.free) acquisition.body.delegateFree = true;
            // `server.run()` after `let server = Server::new()`, or on a parameter `server: Server`: that type's method.
            const type = callee.onOther && callee.receiver ? delegateReceiverType(callee.receiver, call, fnItem) : undefined;
            if (type) acquisition.body.delegateOwner = type;
            else if (callee.onOther) acquisition.body.delegateOnOther = true;
          }
        }
      }
    }
    return acquisition;
  }

  /**
   * The type of the value a spawned body calls its work on: a local bound before the spawn to a
   * constructor (`let server = Server::new(..)?`), or a parameter of the spawning function
   * declared with a plain type (`server: Server`). Undefined when neither shows it.
   */
  function delegateReceiverType(receiver: SyntaxNode, spawn: SyntaxNode, fnItem: SyntaxNode | null): string | undefined {
    if (receiver.type !== 'identifier' || !fnItem) return undefined;
    const binding = lastLetBefore(receiver.text, fnItem, spawn, index);
    if (binding) {
      const annotated = binding.childForFieldName('type');
      const value = binding.childForFieldName('value');
      return annotated ? plainType(annotated.text) : value ? constructedType(value) : undefined;
    }
    const params = fnItem.childForFieldName('parameters');
    for (const p of params?.namedChildren ?? []) {
      if (p?.type !== 'parameter' || p.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') !== receiver.text) continue;
      // Bound again by a pattern between the parameters and the spawn (`if let Some(server) = ..`): not the parameter.
      const body = fnItem.childForFieldName('body');
      const rebound = body?.descendantsOfType('identifier').some((id) => id && id.text === receiver.text && id.startIndex < spawn.startIndex && PATTERN_PARENTS.has(id.parent?.type ?? '') && id.parent?.type !== 'parameter');
      if (rebound) return undefined;
      const type = p.childForFieldName('type');
      return type ? plainType(type.text) : undefined;
    }
    return undefined;
  }

  /**
   * A spawned body that runs a library server (`axum::serve(listener, app).await`, `Server::bind(..).serve(..)`):
   * it accepts connections until shut down, so it runs for ever unless a graceful-shutdown signal is wired in.
   */
  function servedIn(target: SyntaxNode): Pick<BodyFacts, 'longLived' | 'loopKind' | 'loopLine' | 'exits' | 'serves'> | undefined {
    let found: { call: SyntaxNode; api: string } | undefined;
    const consider = (node: SyntaxNode): void => {
      if (found || node.type !== 'call_expression') return;
      const m = matcher.match(node);
      if (m?.model.role === 'serve') found = { call: node, api: m.api };
    };
    consider(target);
    index.walk(target, ['closure_expression', 'call_expression'], (node, type) => {
      if (found) return 'stop';
      if (type === 'closure_expression') return same(node, target);
      consider(node);
      return true;
    });
    if (!found) return undefined;
    // The statement the server call sits in: `.with_graceful_shutdown(signal)`, `serve_with_shutdown(addr, signal)`.
    let stmt: SyntaxNode = found.call;
    while (stmt.parent && !same(stmt, target) && stmt.parent.type !== 'block' && stmt.parent.type !== 'async_block') stmt = stmt.parent;
    const graceful = /graceful_shutdown|_with_shutdown|with_shutdown|shutdown_signal/.test(stmt.text);
    return {
      longLived: true,
      loopKind: 'server',
      loopLine: line(found.call),
      exits: graceful ? [{ kind: 'cancellation', detail: 'the server is given a graceful-shutdown signal', line: line(found.call) }] : [],
      serves: found.api,
    };
  }

  /**
   * A function named as a spawned body: a free function of this file or imported by name (not a
   * parameter or local of that name), `Self::run`, or `Worker::run` (a method of another type).
   */
  function namedBody(arg: SyntaxNode, call: SyntaxNode): { name: string; onOther: boolean } | undefined {
    if (arg.type === 'identifier') {
      const name = arg.text;
      if (!freeFns.has(name) && !imports.names.has(name)) return undefined;
      return boundInFunction(name, call) ? undefined : { name, onOther: false };
    }
    if (arg.type !== 'scoped_identifier') return undefined;
    const parts = scopedParts(arg, arg.text);
    const name = parts.name();
    const path = parts.path();
    if (!name || !/^[a-z_][a-z0-9_]*$/.test(name) || !path) return undefined;
    const owner = withoutGenerics(path).split('::').pop()!;
    return { name, onOther: owner !== 'Self' && /^[A-Z]/.test(owner) };
  }

  return acquisitionOf;
}

const RUST_LOOPS: ReadonlySet<string> = new Set(['loop_expression', 'while_expression', 'for_expression']);
const RUST_FUNCTIONS: ReadonlySet<string> = new Set(['function_item', 'closure_expression']);

/** `let pool = build().await; loop { pool.get() .. }`: a connection or pool a later loop of its function reuses. */
export function reusedByLoop(call: SyntaxNode, kind: string, handle: Acquisition['handle']): number | undefined {
  if ((kind !== 'connection' && kind !== 'pool') || (handle.kind !== 'local' && handle.kind !== 'released-locally')) return undefined;
  return reusingLoopLine(call, handle.local, RUST_LOOPS, RUST_FUNCTIONS);
}
