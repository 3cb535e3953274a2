// Rust frontend: a tree-sitter CST in, language-neutral facts out.
import type { SyntaxNode, SyntaxTree } from '../../parse/syntax.js';
import type { Acquisition, ApiUse, BodyFacts, EnclosingFunction, FileFacts, Owner, OwnerMethod, Release } from '../../facts/types.js';
import { emptyFileFacts } from '../../facts/empty.js';
import type { ResourceModel } from '../../models/schema.js';
import { parseSuppressions, type CommentSpan } from '../shared/suppressions.js';
import { lineCount, splitLines } from '../shared/lines.js';
import { acquisitionHead, snippetOf, kids, line, same, siteOf } from '../shared/tree.js';
import { ATTRIBUTE_NODE_TYPE, AttributeWindow } from './attribute-window.js';
import { analyseBody, BODY_INDEX_TYPES, hasLongLivedLoop, type PeriodResolver } from './body.js';
import { enclosingFromScopes, fileModuleOf, functionNode, implTypeName, scopeItem, type ScopeItem } from './functions.js';
import { fateOf, selfField } from './handles.js';
import { collectImports, IMPORT_NODE_TYPES } from './imports.js';
import { NodeIndex, ScopeStack } from './node-index.js';
import { exchangeGate, gatingCall, instanceOnceGuard, staticNames, staticOnceGuard } from './once-guards.js';
import { CallMatcher, type CallMatch } from './match.js';
import { collectDurationConsts, durationMs } from './durations.js';
import { constructedType, freeFunctionNames, mayBind, moduleOfPath, PATTERN_PARENTS, plainType, RESULT_PASS_THROUGH, scopedParts, STD_METHOD_NAMES, withoutGenerics } from './call-names.js';
import { blockedOnFuture, bodyOfArgument, delegatedCall, fieldBoundTo, insideLoop, lastLetBefore, outerNames } from './spawn-site.js';
import { helperAcquisitions, helperCallCandidate, type HelperCallCandidate } from './helper-spawns.js';

/** Teardown method names: they run when the owner goes away. `post_stop` is ractor's. */
// `shutdown_token()`, `stop_handle()`, `shutdown_signal_mut()`: accessors that hand out a means to stop, not teardowns.
const TEARDOWN = /^(drop|close|shutdown|shut_down|stop|stop_all|terminate|abort|abort_all|cancel|dispose|destroy|cleanup|clean_up|teardown|tear_down|kill|halt|quit|disconnect|release|post_stop|graceful_shutdown)(_|$)(?!.*_?(token|handle|signal|sender|notifier|tx|rx)(_mut|_ref)?$)/;

/** Methods of lazy cells whose closure runs once per cell (`OnceCell`, `OnceLock`, `Once`, `Lazy`). */
const LAZY_INIT = /^(get_or_init|get_or_try_init|get_or_init_async|call_once|call_once_force)$/;

export interface RustFrontendInput {
  path: string;
  source: string;
  tree: SyntaxTree;
  models: readonly ResourceModel[];
  isTestFile: boolean;
}

/** Node types the main pass handles (mod_item only to know which code is test code). */
const MAIN_NODE_TYPES = ['ERROR', 'struct_item', 'impl_item', 'trait_item', 'function_item', 'mod_item', 'call_expression', 'struct_expression', 'assignment_expression'];
/** Methods that take entries out of a collection (or all of it). */
const SHRINKS = /^(remove|remove_entry|swap_remove|shift_remove|retain|retain_mut|drain|drain_filter|extract_if|clear|pop|pop_front|pop_back|truncate|split_off|take|dedup)$/;
/** Looked up in the index: by the body analysis, the searches for earlier `let`s and `AttributeWindow`. */
const LOOKUP_NODE_TYPES = [...BODY_INDEX_TYPES, 'let_declaration', ATTRIBUTE_NODE_TYPE];
const COMMENT_NODE_TYPES = ['line_comment', 'block_comment'];
const CONST_NODE_TYPES = ['const_item', 'static_item', 'let_declaration'];

/**
 * The index of the nodes every pass needs. Types are left out when the source
 * text shows they cannot matter: comments only carry suppressions, a
 * `JoinHandle` type needs that word, and durations need a `Duration::from_*` call.
 */
function indexFor(root: SyntaxNode, source: string): NodeIndex {
  const types = new Set([...MAIN_NODE_TYPES, ...IMPORT_NODE_TYPES, ...LOOKUP_NODE_TYPES]);
  if (source.includes('leakaudit-ignore')) for (const t of COMMENT_NODE_TYPES) types.add(t);
  if (source.includes('JoinHandle')) types.add('type_identifier');
  if (source.includes('from_')) for (const t of CONST_NODE_TYPES) types.add(t);
  return new NodeIndex(root, [...types]);
}

export function extractRust(input: RustFrontendInput): FileFacts {
  const { tree, source, models, path, isTestFile } = input;
  const root = tree.rootNode;
  const index = indexFor(root, source);
  const imports = collectImports(root, index);
  // Most files need only the line count; the lines are split on first use.
  let splitSource: string[] | undefined;
  const lines = (): string[] => (splitSource ??= splitLines(source));
  let statics: Set<string> | undefined;
  /** Whether the file exchanges an atomic at all (`compare_exchange`, `swap`): else it declares no gate. */
  let mayHoldGates: boolean | undefined;
  const matcher = new CallMatcher(models, imports);
  const consts = source.includes('from_') ? collectDurationConsts(index) : new Map<string, number>();
  const periods: PeriodResolver = {
    isPeriodCall: (call) => matcher.match(call)?.model.role === 'period',
    durationMs: (expr) => durationMs(expr, consts),
  };

  const facts: FileFacts = emptyFileFacts(path, 'rust', lineCount(source), isTestFile);
  facts.imports = [...imports.roots].sort();
  const comments: CommentSpan[] = [];
  const seenCalls = new Set<string>();
  const freeFns = freeFunctionNames(index);
  /** Receiver types by `function start:name` (see `receiverType`). */
  const letTypes = new Map<string, string | undefined>();
  /** Names bound by a pattern in each function (by its start), with where (see `boundInFunction`). */
  const bindingsByFunction = new Map<number, Map<string, number[]>>();
  const owners = new Map<string, Owner>();
  const ownerOf = (name: string, node: SyntaxNode): Owner => {
    let o = owners.get(name);
    if (!o) {
      o = { name, site: siteOf(node), fields: [], methods: [], hasDropImpl: false };
      owners.set(name, o);
    }
    return o;
  };

  // Function, impl and mod items around the current node. Nodes with the same
  // innermost item share their enclosing function (unless it is the module:
  // then the site is the node's own), so it is worked out once per item.
  const scopes = new ScopeStack<ScopeItem>();
  const fileModule = fileModuleOf(path);
  const enclosingByScope = new Map<number, EnclosingFunction>();
  const enclosingOf = (node: SyntaxNode): EnclosingFunction => {
    const items = scopes.values();
    const innermost = items[items.length - 1];
    if (!innermost || !items.some((s) => s.type === 'function_item')) return enclosingFromScopes(node, items, isTestFile, fileModule);
    let known = enclosingByScope.get(innermost.node.id);
    if (!known) {
      known = enclosingFromScopes(node, items, isTestFile, fileModule);
      enclosingByScope.set(innermost.node.id, known);
    }
    return { ...known, site: { ...known.site } };
  };
  const inTestScope = (): boolean => scopes.values().some((s) => s.isTest());

  // Calls that may reach a function of this file: those of a helper that returns what it spawned are acquisitions too.
  const fileFunctions = new Set<string>();
  /** Methods (functions taking `self`) by name: `x.f()` can only call one of these. */
  const fileMethodCounts = new Map<string, number>();
  for (let i = 0; i < index.nodes.length; i++) {
    // The declared types of fields, for `self.runtime.spawn(..)`: before the calls, which may come first.
    if (index.types[i] === 'struct_item') {
      const body = index.nodes[i]!.childForFieldName('body');
      for (const field of body?.type === 'field_declaration_list' ? kids(body) : []) {
        const name = field.type === 'field_declaration' ? field.childForFieldName('name')?.text : undefined;
        const type = name ? field.childForFieldName('type')?.text : undefined;
        if (name && type) matcher.declareField(name, type);
      }
      continue;
    }
    if (index.types[i] !== 'function_item') continue;
    const fn = index.nodes[i]!;
    const name = fn.childForFieldName('name')?.text;
    if (!name) continue;
    fileFunctions.add(name);
    if (fn.childForFieldName('parameters')?.children.some((p) => p?.type === 'self_parameter')) fileMethodCounts.set(name, (fileMethodCounts.get(name) ?? 0) + 1);
  }
  const helperCalls: HelperCallCandidate[] = [];

  const attributes = new AttributeWindow();
  for (let i = 0; i < index.nodes.length; i++) {
    const node = index.nodes[i]!;
    const type = index.types[i]!;
    const mayHaveAttributes = attributes.next(node, type);
    scopes.enter(node);
    visit(node, type);
    if (type === 'function_item' || type === 'impl_item' || type === 'mod_item') scopes.push(node, scopeItem(node, type, mayHaveAttributes));
  }

  function visit(node: SyntaxNode, type: string): void {
    switch (type) {
      case 'ERROR':
        facts.parseErrors++;
        return;
      case 'line_comment':
      case 'block_comment': {
        const before = lines()[node.startPosition.row]!.slice(0, node.startPosition.column);
        comments.push({ line: line(node), text: node.text, trailing: before.trim() !== '' });
        return;
      }
      case 'struct_item': {
        const name = node.childForFieldName('name')?.text;
        if (!name) return;
        const owner = ownerOf(name, node);
        owner.site = siteOf(node);
        const body = node.childForFieldName('body');
        if (body?.type === 'field_declaration_list') {
          for (const field of kids(body)) {
            if (field.type !== 'field_declaration') continue;
            const fname = field.childForFieldName('name')?.text;
            const ftype = field.childForFieldName('type')?.text;
            if (fname) owner.fields.push({ name: fname, ...(ftype ? { type: ftype.replace(/\s+/g, ' ') } : {}) });
            if (ftype && /\bJoinHandle\b/.test(ftype)) facts.uses.push(use('JoinHandle field', field, isTestFile));
          }
        }
        return;
      }
      case 'impl_item': {
        const name = implTypeName(node);
        if (!name) return;
        const owner = ownerOf(name, node);
        const trait = node.childForFieldName('trait')?.text.replace(/\s+/g, '') ?? '';
        const isDrop = /(^|::)Drop$/.test(trait);
        if (isDrop) {
          owner.hasDropImpl = true;
          facts.uses.push(use('impl Drop', node, isTestFile || inTestScope()));
        }
        const body = node.childForFieldName('body');
        for (const item of body ? kids(body) : []) {
          if (item.type !== 'function_item') continue;
          const mname = item.childForFieldName('name')?.text ?? '';
          const method: OwnerMethod = { name: mname, teardown: isDrop || TEARDOWN.test(mname), site: siteOf(item) };
          owner.methods.push(method);
        }
        return;
      }
      case 'function_item': {
        const body = node.childForFieldName('body');
        const name = node.childForFieldName('name')?.text;
        // `fn should_start(&self) -> bool { self.flag.compare_exchange(..).is_ok() }`: a run-once gate.
        const implItem = node.parent?.parent;
        if (name && (mayHoldGates ??= /compare_exchange|\.swap\(/.test(source)) && implItem?.type === 'impl_item' && !isTestFile && !inTestScope()) {
          const gate = exchangeGate(node);
          const ownerType = gate ? implTypeName(implItem) : undefined;
          if (gate && ownerType) (facts.onceGates ??= []).push({ name, ownerType, ...gate });
        }
        if (body && name && /\b(loop|while|for)\b/.test(body.text) && hasLongLivedLoop(body, index)) {
          const facts2 = analyseBody(body, index, periods, new Set());
          if (facts2.longLived) {
            const impl = node.parent?.parent?.type === 'impl_item' ? implTypeName(node.parent.parent) : undefined;
            facts.loopingFunctions.push({ name, ...(impl ? { ownerType: impl } : {}), site: siteOf(node), body: facts2 });
          }
        }
        return;
      }
      case 'type_identifier':
        if (node.text === 'JoinHandle') facts.uses.push(use('JoinHandle', node, isTestFile || inTestScope()));
        return;
      case 'call_expression': {
        const fnNode = node.childForFieldName('function');
        if (!fnNode) return;
        // Read once: every property of a node is a call into the parser.
        const fnType = fnNode.type;
        const method = fnType === 'field_expression' ? (fnNode.childForFieldName('field')?.text ?? '') : undefined;
        const fnText = fnType === 'identifier' || fnType === 'scoped_identifier' ? fnNode.text : undefined;
        if (method !== undefined && matcher.isReleaseName(method)) facts.releases.push(releaseOf(node, fnNode, method));
        if ((method !== undefined && SHRINKS.test(method)) || (fnType === 'scoped_identifier' && /(^|::)mem::(take|replace|swap)$/.test(fnNode.text))) recordShrink(node, fnNode, method);
        // `Client::builder(ex).build::<_, Body>(connector)`: a method called with a turbofish is matched as the method.
        const turbofish = fnType === 'generic_function' ? fnNode.childForFieldName('function') : null;
        const match =
          turbofish?.type === 'field_expression'
            ? matcher.matchCallee(turbofish, 'field_expression', turbofish.childForFieldName('field')?.text ?? '')
            : matcher.matchCallee(fnNode, fnType, method, fnText);
        const helperCall = match ? undefined : helperCallCandidate(node, fnNode, fnType, method, fnText, fileFunctions, () => enclosingOf(node));
        if (helperCall) helperCalls.push(helperCall);
        if (!isTestFile) {
          recordCall(node, fnNode, fnType, method, fnText);
          recordReferences(node);
        }
        if (!match) return;
        const enclosing = enclosingOf(node);
        facts.uses.push({ api: match.api, line: line(node), isTest: enclosing.isTest });
        if (match.model.role !== 'acquire') return;
        facts.acquisitions.push(acquisitionOf(node, match, enclosing));
        return;
      }
      case 'struct_expression':
        if (!isTestFile) recordConstruction(node);
        return;
      case 'assignment_expression': {
        // `self.tasks = Vec::new()`: the field is replaced whole, its old entries dropped.
        const left = node.childForFieldName('left');
        const field = left && left.text.replace(/\s+/g, '').match(/^self\.(\w+)$/)?.[1];
        const owner = field ? enclosingOf(node).ownerType : undefined;
        if (field && owner) (facts.fieldShrinks ??= []).push({ ownerType: owner, field, line: line(node), how: 'assigned anew' });
        return;
      }
      default:
        return;
    }
  }

  /** `Handler { .. }`: who makes instances of a type (only `main()`, or per call). */
  function recordConstruction(node: SyntaxNode): void {
    const enclosing = enclosingOf(node);
    if (enclosing.isTest) return;
    const named = plainType(node.childForFieldName('name')?.text ?? '');
    const owner = named === 'Self' ? enclosing.ownerType : named;
    if (!owner || !/^[A-Z]/.test(owner)) return;
    const key = `constructor|${owner}|||${enclosing.name}|${enclosing.ownerType ?? ''}|${enclosing.module ?? ''}`;
    if (seenCalls.has(key)) return;
    seenCalls.add(key);
    facts.calls.push({
      callee: 'constructor',
      calleeOwner: owner,
      caller: enclosing.name,
      ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
      ...(enclosing.module ? { callerModule: enclosing.module } : {}),
      callerIsEntryPoint: enclosing.isEntryPoint,
    });
  }

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
    // The initialiser of a lazy static or a static once-cell runs once per process.
    const staticGuard = staticOnceGuard(call, (statics ??= staticNames(source)));
    const guard = staticGuard ? undefined : instanceOnceGuard(call, fnItem);
    if (staticGuard) acquisition.guardedOnce = { ...staticGuard, lazyStatic: true };
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

  /**
   * The type a method call's receiver certainly has: a constructor call (`Server::new(..)?`,
   * `Config::default()`), a struct literal, or a `let` of the enclosing function bound to one
   * (or annotated with a plain type). Smart pointers and containers (`Arc::new(x)`) pass method
   * calls on to what they hold, so they name no type here.
   */
  function receiverType(receiver: SyntaxNode, at: SyntaxNode): string | undefined {
    if (receiver.type !== 'identifier') return constructedType(receiver);
    const fnItem = innermostFunction();
    if (!fnItem) return undefined;
    const key = `${fnItem.startIndex}:${receiver.text}`;
    if (letTypes.has(key)) return letTypes.get(key);
    // No `let` at all: a parameter or a capture, of a type not named here.
    let binding = lastLetBefore(receiver.text, fnItem, at, index);
    let value = binding?.childForFieldName('value');
    // `let mut dp = dp;`: a rebinding keeps the type of what it rebinds.
    for (let step = 0; step < 3 && binding && !binding.childForFieldName('type') && value?.type === 'identifier'; step++) {
      binding = lastLetBefore(value.text, fnItem, binding, index);
      value = binding?.childForFieldName('value');
    }
    const annotated = binding?.childForFieldName('type');
    const type = annotated ? plainType(annotated.text) : value ? constructedType(value) : undefined;
    letTypes.set(key, type);
    return type;
  }

  /** The function item the node being visited sits in, from the scope stack. */
  function innermostFunction(): SyntaxNode | undefined {
    return scopes.values().filter((s) => s.type === 'function_item').at(-1)?.node;
  }

  /** Is `name` bound by a pattern of the enclosing function before `at` (`Ok((addr, run)) =>`, `|run|`, `let run = ..`)? */
  function boundInFunction(name: string, at: SyntaxNode): boolean {
    const fnItem = innermostFunction();
    if (!fnItem) return false;
    // Most names occur before the call only as calls (`run(`), paths or fields: then nothing binds them.
    if (!mayBind(source.slice(fnItem.startIndex, at.startIndex), name)) return false;
    let bindings = bindingsByFunction.get(fnItem.startIndex);
    if (!bindings) {
      bindings = new Map();
      for (const id of fnItem.descendantsOfType('identifier')) {
        if (!id || !PATTERN_PARENTS.has(id.parent?.type ?? '')) continue;
        const list = bindings.get(id.text);
        if (list) list.push(id.startIndex);
        else bindings.set(id.text, [id.startIndex]);
      }
      bindingsByFunction.set(fnItem.startIndex, bindings);
    }
    return (bindings.get(name) ?? []).some((start) => start < at.startIndex);
  }

  /**
   * `fnType` is `fnNode.type`; `method` the field name when it is a field
   * expression; `fnText` the callee's text when it is a (scoped) identifier.
   */
  function recordCall(call: SyntaxNode, fnNode: SyntaxNode, fnType: string, method: string | undefined, fnText: string | undefined): void {
    const scoped = fnType === 'scoped_identifier' ? scopedParts(fnNode, fnText!) : undefined;
    let callee: string | undefined;
    if (fnType === 'identifier') callee = fnText;
    else if (scoped) callee = scoped.name();
    else if (fnType === 'field_expression') callee = method;
    if (!callee) return;
    // A method named like a std or iterator method (`.collect()`, `.send()`) on a receiver of unknown
    // type is most likely that std method: no call of ours. On `self` or a receiver of a type the code
    // names (`let c = Collector::new(); c.collect()`) it is the project's method.
    // A bare `send(..)` is ours only when this file declares or imports it by name.
    const stdNamed = STD_METHOD_NAMES.test(callee);
    if (stdNamed && fnType === 'identifier' && !freeFns.has(callee) && !imports.names.has(callee)) return;
    let calleeOwner: string | undefined;
    let calleeModule: string | undefined;
    let local = false;
    if (scoped) {
      // The segment before the name: a type (`Pool::new()`, `crate::db::Pool::new()`) or a module (`cache::memory::new()`).
      const path = scoped.path() && withoutGenerics(scoped.path()!);
      const last = path?.slice(path.lastIndexOf(':') + 1);
      if (last && /^[A-Z]\w*$/.test(last)) calleeOwner = last;
      else if (last && /^[a-z_]\w*$/.test(last) && !/^(self|super|crate)$/.test(last)) calleeModule = last;
    } else if (fnType === 'identifier') {
      // A bare `run()`: this file's own free `run`, or one imported by name (`use crate::jobs::run`: of
      // module `jobs`). A name the file neither declares nor imports is a local binding (a closure,
      // a parameter) or a prelude item (`drop`, `Ok`), no function of the project: no call fact,
      // unless a glob import may have brought it and no pattern of the function binds it.
      const imported = imports.names.get(callee);
      const declared = freeFns.has(callee);
      // `let (addr, run) = make(); run(addr)`: a binding shadows the function of the same name.
      if ((declared || (!imported && imports.globs.length > 0)) && boundInFunction(callee, call)) return;
      if (declared) local = true;
      else if (imported?.length === 1) calleeModule = moduleOfPath(imported[0]!);
      else if (!imported && imports.globs.length === 0) return;
    } else if (fnType === 'field_expression') {
      // `self.f()` targets our own type; `server.f()` after `let server = Server::new(..)?` that
      // type (Rust resolves a method on a concrete type to that type's); any other `x.f()` some
      // type we cannot name here.
      const receiver = fnNode.childForFieldName('value');
      // `Server::new(..).context(..)`: a method of the Result around the value, not of the value's type.
      const onResult = receiver?.type !== 'identifier' && RESULT_PASS_THROUGH.test(callee);
      calleeOwner = receiver?.type === 'self' ? 'Self' : (receiver && !onResult ? receiverType(receiver, call) : undefined) ?? '?';
      if (stdNamed && calleeOwner === '?') return;
    }
    const enclosing = enclosingOf(call);
    if (enclosing.isTest) return;
    // `Self::new()` in a trait's default method: some type implementing the trait, not a free function.
    if (calleeOwner === 'Self') calleeOwner = enclosing.ownerType ?? '?';
    const lazy = inLazyInit(call);
    // In the one-time initialiser of a static (`static M: Lazy<T> = Lazy::new(|| T::new())`): once per process.
    const once = staticOnceGuard(call, (statics ??= staticNames(source))) ? (true as const) : undefined;
    pushCallFact(`${callee}|${calleeOwner ?? ''}|${calleeModule ?? ''}|${local}${lazy ? '|lazy' : ''}${once ? '|once' : ''}`, { callee, calleeOwner, calleeModule, local, ...(lazy ? { lazy } : {}), ...(once ? { once } : {}) }, enclosing);
  }

  /** One call fact per callee, caller and shape (`key` names the callee side). */
  function pushCallFact(
    key: string,
    c: { callee: string; calleeOwner: string | undefined; calleeModule: string | undefined; local: boolean; reference?: true; lazy?: true; once?: true },
    enclosing: EnclosingFunction,
  ): void {
    const full = `${key}|${enclosing.name}|${enclosing.ownerType ?? ''}|${enclosing.module ?? ''}`;
    if (seenCalls.has(full)) return;
    seenCalls.add(full);
    facts.calls.push({
      callee: c.callee,
      ...(c.calleeOwner ? { calleeOwner: c.calleeOwner } : {}),
      ...(c.calleeModule ? { calleeModule: c.calleeModule } : {}),
      caller: enclosing.name,
      ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
      ...(enclosing.module ? { callerModule: enclosing.module } : {}),
      ...(c.local ? { local: true as const } : {}),
      callerIsEntryPoint: enclosing.isEntryPoint,
      ...(c.reference ? { reference: true as const } : {}),
      ...(c.lazy ? { lazy: true as const } : {}),
      ...(c.once ? { once: true as const } : {}),
    });
  }

  /**
   * Is the call inside the closure a lazy cell runs to fill itself (`self.client.get_or_init(|| ..)`,
   * `ONCE.call_once(|| ..)`)? It runs once per cell, however often the function around it runs.
   */
  function inLazyInit(call: SyntaxNode): true | undefined {
    for (let cur = call.parent; cur && cur.type !== 'function_item'; cur = cur.parent) {
      if (cur.type !== 'closure_expression') continue;
      const outer = cur.parent?.type === 'arguments' ? cur.parent.parent : null;
      const fn = outer?.type === 'call_expression' ? outer.childForFieldName('function') : null;
      const name = fn?.type === 'field_expression' ? fn.childForFieldName('field')?.text : fn?.type === 'scoped_identifier' ? fn.childForFieldName('name')?.text : undefined;
      if (name && LAZY_INIT.test(name)) return true;
    }
    return undefined;
  }

  /**
   * `thread::spawn(worker)`, `service_fn(handle)`, `.map(Self::parse)`: a function handed over as
   * a value is used, though no call by name shows it. Recorded as a reference: it runs whenever
   * what it was handed to calls it, how often is not known.
   */
  function recordReferences(call: SyntaxNode): void {
    const args = call.childForFieldName('arguments');
    if (!args) return;
    for (const arg of kids(args)) {
      let callee: string | undefined;
      let calleeOwner: string | undefined;
      let calleeModule: string | undefined;
      let local = false;
      if (arg.type === 'identifier') {
        const name = arg.text;
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) continue;
        const imported = imports.names.get(name);
        if (!freeFns.has(name) && !imported) continue;
        if (boundInFunction(name, call)) continue;
        callee = name;
        if (freeFns.has(name)) local = true;
        else if (imported?.length === 1) calleeModule = moduleOfPath(imported[0]!);
      } else if (arg.type === 'scoped_identifier') {
        const parts = scopedParts(arg, arg.text);
        const name = parts.name();
        const path = parts.path() && withoutGenerics(parts.path()!);
        const last = path?.slice(path.lastIndexOf(':') + 1);
        if (!name || !/^[a-z_][a-z0-9_]*$/.test(name) || !last) continue;
        callee = name;
        if (last === 'Self') calleeOwner = enclosingOf(call).ownerType ?? '?';
        else if (/^[A-Z]\w*$/.test(last)) calleeOwner = last;
        else if (/^[a-z_]\w*$/.test(last) && !/^(self|super|crate)$/.test(last)) calleeModule = last;
        else continue;
        if (calleeOwner === '?') continue;
      } else continue;
      const enclosing = enclosingOf(call);
      if (enclosing.isTest) continue;
      pushCallFact(`ref|${callee}|${calleeOwner ?? ''}|${calleeModule ?? ''}`, { callee, calleeOwner, calleeModule, local, reference: true }, enclosing);
    }
  }

  /** `self.tasks.remove(&id)`, `mem::take(&mut self.tasks)`: entries taken out of a field of the enclosing owner. */
  function recordShrink(call: SyntaxNode, fnNode: SyntaxNode, method: string | undefined): void {
    let target: SyntaxNode | null | undefined;
    if (method !== undefined) target = fnNode.childForFieldName('value');
    else target = call.childForFieldName('arguments')?.namedChildren[0];
    const field = target ? /^(?:&\s*mut\s+)?self\s*\.\s*(\w+)/.exec(target.text)?.[1] : undefined;
    const owner = field ? enclosingOf(call).ownerType : undefined;
    if (field && owner) (facts.fieldShrinks ??= []).push({ ownerType: owner, field, line: line(call), how: method ? `.${method}()` : `${fnNode.text}()` });
  }

  function releaseOf(call: SyntaxNode, fnNode: SyntaxNode, method: string): Release {
    const receiver = fnNode.childForFieldName('value');
    const enclosing = enclosingOf(call);
    const fn = { name: enclosing.name, ...(enclosing.ownerType ? { ownerType: enclosing.ownerType } : {}) };
    let field = receiver ? selfField(receiver) : undefined;
    let path = receiver && field ? selfFieldPath(receiver.text) : undefined;
    if (!field && receiver?.type === 'identifier') {
      // `if let Some(h) = self.inner.pump.take() { h.abort() }`: the chain the local was taken from.
      const origin: { text?: string } = {};
      field = fieldBoundTo(receiver.text, call, index, origin);
      if (field && origin.text) path = selfFieldPath(origin.text);
    }
    // `entry.handle.abort()` with `entry` from `for entry in self.pending.values()`: a part of an element of that field.
    if (!field && receiver?.type === 'field_expression') {
      let root: SyntaxNode | null = receiver;
      while (root?.type === 'field_expression') root = root.childForFieldName('value');
      if (root?.type === 'identifier') field = fieldBoundTo(root.text, call, index);
    }
    if (!field) {
      // `self.task.take().map(|h| h.abort())`: the statement names the field.
      let stmt: SyntaxNode | null = call;
      while (stmt && stmt.type !== 'expression_statement' && stmt.type !== 'let_declaration' && stmt.type !== 'block') stmt = stmt.parent;
      const m = stmt ? /\bself\s*\.\s*(\w+)/.exec(stmt.text) : null;
      if (m && stmt && stmt.text.length < 400) {
        field = m[1];
        path = selfFieldPath(stmt.text.slice(m.index));
      }
    }
    const target: Release['target'] = field
      ? { kind: 'field', field, ...(path && path.length > 1 ? { path } : {}) }
      : receiver?.type === 'identifier'
        ? { kind: 'local', name: receiver.text }
        : { kind: 'other', text: receiver?.text.slice(0, 60) ?? '' };
    return { api: method, target, site: siteOf(call), fn };
  }

  if (helperCalls.length > 0) {
    const modelOf = (id: string): ResourceModel | undefined => models.find((m) => m.id === id);
    facts.acquisitions.push(...helperAcquisitions(facts.acquisitions, helperCalls, fileMethodCounts, (call) => snippetOf(call, lines()), modelOf));
  }
  facts.owners = [...owners.values()];
  facts.suppressions = comments.length > 0 ? parseSuppressions(comments, lines()) : [];
  return facts;
}

/**
 * The fields written from `self` on: `self.inner.child` -> inner, child; accessors without
 * arguments in between (`self.inner.lock().unwrap().child`, `.as_mut()`, `.take()`) are stepped over.
 */
function selfFieldPath(text: string): string[] | undefined {
  const m = /^self\s*\.\s*([\w.\s()?]*)/.exec(text);
  if (!m) return undefined;
  const out: string[] = [];
  for (const segment of m[1]!.replace(/\s+/g, '').split('.')) {
    if (/^\w+$/.test(segment)) out.push(segment);
    // `self.inner().child`: a method, not a field, comes first: no chain of fields.
    else if (out.length === 0 || !/^\w+\(\)\??$/.test(segment)) break;
  }
  return out.length > 0 ? out : undefined;
}

function use(api: string, node: SyntaxNode, isTest: boolean): ApiUse {
  return { api, line: line(node), isTest };
}

