// TypeScript / JavaScript frontend: a tree-sitter CST in, language-neutral facts out.
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import type { SyntaxNode, SyntaxTree } from '../../parse/syntax.js';
import type { Acquisition, BodyFacts, FileFacts, HandleFate, Owner, Release } from '../../facts/types.js';
import { emptyFileFacts } from '../../facts/empty.js';
import type { ResourceModel } from '../../models/schema.js';
import { parseSuppressions, type CommentSpan } from '../shared/suppressions.js';
import { lineCount, splitLines } from '../shared/lines.js';
import { allKids, firstLine, kids, line, shortText, siteOf, walk, same } from '../shared/tree.js';
import { analyseFunctionBody, consumingLoopBody, intervalBody, outerNames, rearmBody, type BodyContext } from './body.js';
import { CLASS_TYPES, FUNCTION_TYPES, LOOP_TYPES, MODULE_CONTEXT, bodyOf, childContext, className, describeFunction, functionName, isInlineCallback, mayCallEffectHooks, positionalParameters, type Enclosing, type FunctionContext } from './functions.js';
import { Declarations, fateOf, type FateContext } from './handles.js';
import { listenerFacts, registrationKey, Removal, subscriptionFacts, type ListenerContext } from './listeners.js';
import { targetFirstSite } from './namespace-emitters.js';
import { madeHereArguments } from './construction-arguments.js';
import { singletonObjectNames, singletonObjectOf } from './singleton-objects.js';
import { fieldReleasedByHelper } from './helper-releases.js';
import { neverActivated } from './inactive-servers.js';
import { deferredCallees, topLevelFunctionNames } from './deferred-calls.js';
import { fieldOnceGuard } from './once-guards.js';
import { bindingText, CallMatcher, type CallMatch } from './match.js';
import { CallSite } from './call-site.js';
import { collectClass, moduleOwner, type ClassInfo } from './owners.js';
import { memberPath, unwrap } from './qualify.js';
import { EnclosingStack, NodeIndex } from './node-index.js';
import { SCOPE_NODE_TYPES, ScopeCollector, thisPath, type FileScope } from './scope.js';

export interface TypescriptFrontendInput {
  path: string;
  source: string;
  tree: SyntaxTree;
  models: readonly ResourceModel[];
  isTestFile: boolean;
}

interface Collected {
  calls: { node: SyntaxNode; site: CallSite; ctx: FunctionContext }[];
  functions: { node: SyntaxNode; ctx: FunctionContext }[];
  classes: SyntaxNode[];
}

/**
 * Node types the main pass acts on: what it collects, what changes the function
 * context (`childContext`), and what the scope collector reads; the types later
 * walks over the index look for (assignments, declarations); and the `async`
 * keyword, which tells the async functions. Comments only carry suppressions,
 * and a suppression needs the marker in the source.
 */
export function mainNodeTypes(source: string): readonly string[] {
  return source.includes('leakaudit-ignore') ? MAIN_NODE_TYPES_WITH_COMMENTS : MAIN_NODE_TYPES;
}

const MAIN_NODE_TYPES: readonly string[] = [
  ...new Set(['ERROR', 'call_expression', 'new_expression', 'assignment_expression', 'async', ...FUNCTION_TYPES, ...CLASS_TYPES, ...LOOP_TYPES, ...SCOPE_NODE_TYPES]),
];
const MAIN_NODE_TYPES_WITH_COMMENTS: readonly string[] = [...MAIN_NODE_TYPES, 'comment'];

/** What the passes look up in the models. */
interface ModelSets {
  periodModels: ReadonlySet<string>;
  releaseNames: ReadonlySet<string>;
  listenerReleaseNames: ReadonlySet<string>;
  floatingModel: ResourceModel | undefined;
}

/** Built once per model list: the same list comes with every file (see `modelsFor` in parse/extract-file.ts). */
const setsByModels = new WeakMap<readonly ResourceModel[], ModelSets>();

function modelSets(models: readonly ResourceModel[]): ModelSets {
  let sets = setsByModels.get(models);
  if (!sets) {
    sets = {
      periodModels: new Set(models.filter((m) => m.role === 'period').map((m) => m.id)),
      releaseNames: new Set(models.filter((m) => m.role === 'acquire').flatMap((m) => m.releases)),
      listenerReleaseNames: new Set(models.filter((m) => m.kind === 'listener').flatMap((m) => m.releases)),
      floatingModel: models.find((m) => m.acquire.construct === 'floating-async-call'),
    };
    setsByModels.set(models, sets);
  }
  return sets;
}

export function extractTypescript(input: TypescriptFrontendInput): FileFacts {
  const { tree, source, models, path, isTestFile } = input;
  const root = tree.rootNode;
  // The lines themselves only for snippets and suppressions: most files need just their count.
  let lineList: string[] | undefined;
  const lines = (): string[] => (lineList ??= splitLines(source));
  const scopeCollector = new ScopeCollector();
  const scope = scopeCollector.scope;
  const facts: FileFacts = emptyFileFacts(path, 'typescript', lineCount(source), isTestFile);

  // One pass over the nodes that matter, in pre-order, collects everything the passes
  // below need, each node with its function context (no parent lookups: every step up
  // allocates a node wrapper). The contexts of the enclosing nodes are kept on a stack.
  // Three arrays, not one object holding them: an object whose array fields change
  // elements kind from file to file sends the optimised extraction back to the
  // interpreter, and recompiling it costs more than the extraction of most files.
  const collectedCalls: Collected['calls'] = [];
  const collectedFunctions: Collected['functions'] = [];
  const collectedClasses: Collected['classes'] = [];
  const comments: CommentSpan[] = [];
  const index = new NodeIndex(root, mainNodeTypes(source));
  const contexts = new EnclosingStack<FunctionContext>();
  /** Import statements: the scope collector reads them whole, nothing inside them is visited. */
  const imports = new EnclosingStack<true>();
  /** Ids of the nodes with an `async` keyword child (`isAsync`), from the keywords' parents. */
  const asyncNodes = new Set<number>();
  for (let i = 0; i < index.nodes.length; i++) {
    const node = index.nodes[i]!;
    const type = index.types[i]!;
    if (type === 'async') {
      const parent = node.parent;
      if (parent) asyncNodes.add(parent.id);
      continue;
    }
    scopeCollector.track(node, type);
    imports.enter(node);
    if (imports.depth > 0) continue;
    contexts.enter(node);
    const ctx = contexts.top() ?? MODULE_CONTEXT;
    if (type === 'comment') {
      // A marker quoted in a code span documents the syntax; it suppresses nothing.
      if (!/`[^`]*leakaudit-ignore/.test(node.text)) {
        const before = lines()[node.startPosition.row]!.slice(0, node.startPosition.column);
        comments.push({ line: line(node), text: node.text, trailing: before.trim() !== '' });
      }
      continue;
    }
    const site = type === 'call_expression' || type === 'new_expression' ? new CallSite(node, type) : undefined;
    if (type === 'ERROR') facts.parseErrors++;
    else if (site) collectedCalls.push({ node, site, ctx });
    else if (FUNCTION_TYPES.has(type)) collectedFunctions.push({ node, ctx });
    else if (CLASS_TYPES.has(type)) collectedClasses.push(node);
    if (!scopeCollector.visit(node, type, site)) {
      imports.push(node, true);
      continue;
    }
    const inner = childContext(node, ctx, type, site);
    if (inner !== ctx) contexts.push(node, inner);
  }

  scopeCollector.finish(root);
  facts.imports = [...scope.roots].sort();
  const matcher = new CallMatcher(models, scope);
  const classes = new Map<string, ClassInfo>();
  for (const cls of collectedClasses) {
    const info = collectClass(cls, scope, index);
    if (!classes.has(info.owner.name)) classes.set(info.owner.name, info);
  }

  const effectHooks = mayCallEffectHooks(source);
  // Descriptions by function node and test flag: a description depends on nothing else (the
  // class around a function is the same in all its contexts). Every context holds the node
  // object of the pass, so the same function is always the same key.
  const described = [new Map<SyntaxNode, Omit<Enclosing, 'context'>>(), new Map<SyntaxNode, Omit<Enclosing, 'context'>>()] as const;
  /** What the function around `node` is, computed once per function: shared, not to be changed. */
  const describeShared = (node: SyntaxNode, ctx: FunctionContext): Omit<Enclosing, 'context'> => {
    if (!ctx.fn) return describeFunction(node, ctx, scope, isTestFile, effectHooks);
    const byFunction = described[ctx.inTest ? 1 : 0];
    let known = byFunction.get(ctx.fn);
    if (!known) {
      const { context: _context, ...rest } = describeFunction(node, ctx, scope, isTestFile, effectHooks);
      known = rest;
      byFunction.set(ctx.fn, known);
    }
    return known;
  };
  /** What the function around `node` is, with the context of `node`. */
  const describe = (node: SyntaxNode, ctx: FunctionContext): Enclosing => {
    if (!ctx.fn) return describeFunction(node, ctx, scope, isTestFile, effectHooks);
    return { ...describeShared(node, ctx), context: ctx };
  };

  const declarations = new Declarations(index);
  const { periodModels, releaseNames, listenerReleaseNames, floatingModel } = modelSets(models);
  const noBindings = new Map<string, ResourceModel>();
  const bodyCtx: BodyContext = {
    scope,
    index,
    isPeriodCall: (call) => matcher.match(call, noBindings).some((m) => periodModels.has(m.model.id)),
  };

  // Async functions whose body loops until stopped: started without `await`, they are background tasks.
  const looping = new Map<string, BodyFacts>();
  for (const { node: fn, ctx } of collectedFunctions) {
    if (!asyncNodes.has(fn.id) || isInlineCallback(fn)) continue;
    const name = functionName(fn);
    const body = bodyOf(fn);
    if (name.startsWith('<') || !body || body.type !== 'statement_block') continue;
    const analysed = analyseFunctionBody(body, bodyCtx, new Set());
    if (!analysed.longLived) continue;
    const ownerType = describe(body, childContext(fn, ctx)).ownerType;
    looping.set(`${ownerType ?? ''}#${name}`, analysed);
    facts.loopingFunctions.push({ name, ...(ownerType ? { ownerType } : {}), site: siteOf(fn), body: analysed });
  }

  // Names bound to acquired resources, for receiver rules (`pool.connect()` on a pg Pool).
  const bindings = new Map<string, ResourceModel>();
  const matches = new Map<SyntaxNode, CallMatch[]>();
  /** The last call after which `bindings` changed. */
  let lastBinding = -1;
  for (let i = 0; i < collectedCalls.length; i++) {
    const { node, site } = collectedCalls[i]!;
    const found = matcher.matchSite(site, bindings);
    if (found.length === 0) continue;
    matches.set(node, found);
    const acquire = found.find((m) => m.model.role === 'acquire');
    const target = acquire ? boundName(node) : undefined;
    if (acquire && target) {
      bindings.set(target, acquire.model);
      lastBinding = i;
    }
  }
  // Method models whose receiver is bound later in the file (a field assigned in a later constructor).
  // Calls after the last binding were matched against the final bindings already: matching
  // depends on nothing else, so they would not match now either.
  for (let i = 0; i < lastBinding; i++) {
    const { node, site } = collectedCalls[i]!;
    if (matches.has(node)) continue;
    const found = matcher.matchSite(site, bindings).filter((m) => m.model.acquire.receiver);
    if (found.length > 0) matches.set(node, found);
  }

  /** Calls a model matched as an acquisition, by position: `madeHereArguments` asks of values. */
  const acquiredAt = new Set<number>();
  for (const [node, found] of matches) if (found.some((m) => m.model.role === 'acquire')) acquiredAt.add(node.startIndex);
  /** A construction's arguments new on every run of its caller: an event's own, or made right there. */
  const freshArguments = (call: SyntaxNode, fn: SyntaxNode | null): number[] => [
    ...new Set([...(eventArguments(call, fn) ?? []), ...madeHereArguments(call, fn, index, (n) => acquiredAt.has(n.startIndex))]),
  ];
  // `UI.addHandlers()` / `this.addHandlers()` inside `const UI = { .. }`: a function of that object of this file.
  const singletons = singletonObjectNames(root);
  let moduleFunctions: Set<string> | undefined;
  const calleeOfSingleton = (receiver: string, fn: SyntaxNode | null): boolean =>
    receiver === 'this' ? !!fn && singletonObjectOf(fn) !== undefined : singletons.has(receiver) && !boundLocally(receiver, fn);
  const moduleTouched = { used: false };
  const seenCalls = new Set<string>();
  const classFactories = isTestFile ? new Map<string, number[]>() : classFactoriesOf(collectedCalls);
  const removals: Removal[] = [];
  const instanceInits = new Map<string, string | undefined>();

  // Releases first: listener facts look for the removal that matches them.
  for (const { node, site, ctx } of collectedCalls) {
    if (site.type !== 'call_expression' || matches.has(node)) continue;
    const viaHelper = helperRelease(site, ctx);
    if (viaHelper) facts.releases.push(viaHelper);
    const release = releaseOf(site, ctx);
    if (!release) continue;
    facts.releases.push(release);
    if (listenerReleaseNames.has(release.api)) removals.push(new Removal(site, targetFirstSite(site, scope, (name) => declarations.has(ctx.fn, name))));
  }
  for (const { node, site, ctx } of collectedCalls) {
    if (!isTestFile) recordDeferredCalls(site, ctx);
    const found = matches.get(node) ?? [];
    if (found.length > 0) {
      const enclosing = describe(node, ctx);
      for (const match of found) facts.uses.push({ api: match.key, line: line(node), isTest: enclosing.isTest });
      const acquire = found.find((m) => m.model.role === 'acquire');
      // A server made but never started, used only to dispatch (`server.emit('request', ..)`): nothing acquired.
      const idle = acquire?.model.activatedBy && neverActivated(node, acquire.model.activatedBy, enclosing.context.fn, root);
      if (acquire && !idle) facts.acquisitions.push(acquisitionOf(node, acquire, enclosing));
      continue;
    }
    if (!isTestFile) recordCall(site, ctx);
    if (site.type !== 'call_expression') continue;
    // A floating call starts one of this file's looping functions, or an imported one.
    if (floatingModel && (looping.size > 0 || scope.imports.size > 0)) {
      const floating = floatingCall(site, ctx, floatingModel);
      if (floating) facts.acquisitions.push(floating);
    }
  }

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
    if (guard && !declarations.has(fn, guard.flag)) acquisition.guardedOnce = guard;
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
      handle = lf.fate ?? generic().fate;
    } else {
      const result = generic();
      handle = result.fate;
      unreferenced = result.unreferenced;
    }
    if (handle.kind === 'field' && handle.ownerType === path) moduleTouched.used = true;
    const a: Acquisition = {
      modelId: model.id,
      kind: model.kind as Acquisition['kind'],
      api: match.api,
      site: siteOf(call),
      snippet: firstLine(lines()[call.startPosition.row] ?? call.text),
      fn: stripContext(enclosing),
      handle,
      ...acquisition,
    };
    if (unreferenced) a.unreferenced = unreferenced;
    if (enclosing.context.inLoop) a.inLoop = true;
    const body = bodyFor(call, model, fn, handle);
    if (body) a.body = body;
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

  /** `bot.once('login', loop)`, `setTimeout(loop, ms)`: the scheduler calls the module's `loop` once. */
  function recordDeferredCalls(site: CallSite, ctx: FunctionContext): void {
    const callees = deferredCallees(site, (name) => (moduleFunctions ??= topLevelFunctionNames(root)).has(name) && !boundLocally(name, ctx.fn));
    if (callees.length === 0) return;
    const enclosing = describeShared(site.node, ctx);
    if (enclosing.isTest) return;
    for (const callee of callees) {
      const key = `${callee}|||deferred|${enclosing.name}|${enclosing.ownerType ?? ''}`;
      if (seenCalls.has(key)) continue;
      seenCalls.add(key);
      facts.calls.push({ callee, caller: enclosing.name, ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}), callerIsEntryPoint: enclosing.isEntryPoint, local: true });
    }
  }

  /** Who calls which named function, so the analysis can tell what only `main()` starts. */
  function recordCall(site: CallSite, ctx: FunctionContext): void {
    const call = site.node;
    const isNew = site.isNew;
    // `list.push(x)`: a member call's last name is its property, so a built-in method is
    // known before the whole path is read (the path is then either unreadable or ignored).
    if (!isNew && site.calleeType === 'member_expression' && IGNORED_CALLEES.test((site.property ?? '').replace(/^#/, ''))) return;
    const calleePath = site.path;
    if (!calleePath) return;
    // `exec(..)` after `const { exec } = require('child_process')`: Node's function, not one of this
    // project's (a call graph by name would take it for any `exec` the project defines). Likewise a
    // module variable that holds no function of this file (`var exec = cp.exec`). Other imports may
    // be the project's own under a path alias (`~/stores`), so they stay.
    if (!isNew && calleePath.length === 1) {
      const imported = scope.imports.get(calleePath[0]!);
      if (imported ? NODE_BUILTINS.has(imported.module.split('/')[0]!) : scope.moduleVars.has(calleePath[0]!)) return;
    }
    const name = calleePath.at(-1)!.replace(/^#/, '');
    // `new Store(..)` calls Store's constructor: who creates instances tells how many there are.
    if (isNew && !/^[A-Z]/.test(name)) return;
    // `obj.constructor(..)` reaches some class's constructor by reflection: it says nothing of which.
    if (!isNew && name === 'constructor') return;
    if (!isNew && calleePath.length > 1 && IGNORED_CALLEES.test(name)) return;
    const enclosing = describeShared(call, ctx);
    if (enclosing.isTest) return;
    let calleeOwner: string | undefined;
    /** The project file whose module object the call goes through (`packages.loadPackages()`). */
    let moduleFile: string | undefined;
    if (isNew) calleeOwner = name;
    else if (calleePath.length === 2 && calleePath[0] === 'this' && (ctx.cls || !calleeOfSingleton('this', ctx.fn))) calleeOwner = ctx.cls ? className(ctx.cls) : '?';
    else if (calleePath.length === 2 && /^[A-Z]/.test(calleePath[0]!) && classes.has(calleePath[0]!)) calleeOwner = calleePath[0];
    // `packages.loadPackages()` with `import packages from './plugins/packages'`: a function of another
    // file of this project, called through its module object, not a method of some unknown type; or,
    // when that file's default export is an object (`export default new CheckVersion()`), its method.
    else if (calleePath.length === 2 && isProjectModule(scope.imports.get(calleePath[0]!)) && !boundLocally(calleePath[0]!, ctx.fn)) {
      calleeOwner = undefined;
      moduleFile = relativeModuleFile(scope.imports.get(calleePath[0]!)!.module);
    } else if (calleePath.length === 2 && !ctx.cls && calleeOfSingleton(calleePath[0]!, ctx.fn)) moduleFile = withoutExtension(path);
    else if (calleePath.length > 1) calleeOwner = '?';
    // `manager.init()` after `manager = new ClientManager()`, or with `let manager: ClientManager | null`.
    let typedReceiver = false;
    if (calleeOwner === '?' && calleePath.length === 2 && scope.declared.has(calleePath[0]!)) {
      const cls = instanceClassOf(calleePath[0]!, ctx.fn);
      if (cls) {
        calleeOwner = cls;
        typedReceiver = true;
      }
    }
    const calleeName = isNew ? 'constructor' : name;
    // `this.register(AuthStore)`, where `register(StoreClass)` does `new StoreClass(..)`: this call constructs an `AuthStore`.
    if (!isNew && classFactories.size > 0) {
      const positions = classFactories.get(`${calleeOwner ?? ''}::${name}`);
      const args = positions ? site.node.childForFieldName('arguments') : null;
      const argList = args ? kids(args) : [];
      for (const i of positions ?? []) {
        const arg = argList[i];
        if (arg?.type !== 'identifier' || !/^[A-Z]/.test(arg.text)) continue;
        const made = `constructor|${arg.text}|${enclosing.name}|${enclosing.ownerType ?? ''}`;
        if (seenCalls.has(made)) continue;
        seenCalls.add(made);
        facts.calls.push({
          callee: 'constructor',
          calleeOwner: arg.text,
          caller: enclosing.name,
          ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
          callerIsEntryPoint: enclosing.isEntryPoint,
        });
      }
    }
    // `new Uploader()`, `Store.create()`: the file the class comes from tells it from another file's class of the same name.
    const calleeFile = calleeOwner && calleeOwner !== '?' && calleePath.length === (isNew ? 1 : 2) ? classFile(calleeOwner, ctx.fn) : moduleFile;
    // `io.on('connection', (socket) => new Session(socket))`: arguments new on every event.
    const fresh = isNew ? freshArguments(call, ctx.fn) : undefined;
    const key = `${calleeName}|${calleeOwner ?? ''}|${calleeFile ?? ''}|${fresh?.join(',') ?? ''}|${enclosing.name}|${enclosing.ownerType ?? ''}`;
    if (seenCalls.has(key)) return;
    seenCalls.add(key);
    facts.calls.push({
      callee: calleeName,
      ...(calleeOwner ? { calleeOwner } : {}),
      ...(calleeFile !== undefined ? { calleeFile } : {}),
      ...(typedReceiver ? { typedReceiver: true as const } : {}),
      caller: enclosing.name,
      ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
      callerIsEntryPoint: enclosing.isEntryPoint,
      ...(isNew && lazySingleton(call, name, ctx, scope) ? { once: true as const } : {}),
      ...(fresh && fresh.length > 0 ? { freshArguments: fresh } : {}),
      // A function the module itself declares at top level shadows any other file's of that name.
      ...(!isNew && calleePath.length === 1 && (boundLocally(calleePath[0]!, ctx.fn) || (moduleFunctions ??= topLevelFunctionNames(root)).has(calleePath[0]!)) ? { local: true as const } : {}),
    });
  }

  /** `run()`, `void this.loop()`, `poll().catch(log)`: an async looping function started without awaiting it. */
  function floatingCall(site: CallSite, ctx: FunctionContext, model: ResourceModel): Acquisition | undefined {
    const call = site.node;
    const callee = site.callee;
    // `this.loop()` can only start one of this file's looping functions.
    if (site.calleeType === 'member_expression' && looping.size === 0) return undefined;
    const pathOf = site.path;
    if (!pathOf || pathOf.length > 2 || (pathOf.length === 2 && pathOf[0] !== 'this')) return undefined;
    const name = pathOf.at(-1)!;
    const cls = ctx.cls;
    const ownerType = pathOf.length === 2 && cls ? className(cls) : undefined;
    let body = looping.get(`${ownerType ?? ''}#${name}`);
    if (!body && pathOf.length === 1) {
      // Another module's function, visibly a promise left running: the project resolves it.
      const binding = scope.imports.get(name);
      if (binding && binding.module.startsWith('.') && visiblyFloating(call)) body = { longLived: false, exits: [], ignoredErrors: [], captures: [], delegatesTo: binding.name === '*' ? name : binding.name };
    }
    if (!body) return undefined;
    const enclosing = describe(call, ctx);
    // A loop restarting itself from inside is not a new task.
    if (enclosing.name === name && enclosing.ownerType === ownerType) return undefined;
    const fateCtx: FateContext = { model, scope, ...(cls ? { ownerType: className(cls) } : {}), modulePath: path, fn: enclosing.context.fn, root, isTask: true, declarations };
    const { fate } = fateOf(call, fateCtx);
    if (fate.kind !== 'discarded' && fate.kind !== 'field' && fate.kind !== 'local') return undefined;
    if (fate.kind === 'field' && fate.ownerType === path) moduleTouched.used = true;
    facts.uses.push({ api: 'async loop started without await', line: line(call), isTest: enclosing.isTest });
    const a: Acquisition = {
      modelId: model.id,
      kind: model.kind as Acquisition['kind'],
      api: `${shortText(callee!, 40)}()`,
      site: siteOf(call),
      snippet: firstLine(lines()[call.startPosition.row] ?? call.text),
      fn: stripContext(enclosing),
      handle: fate,
      body: { ...body, captures: [] },
    };
    if (enclosing.context.inLoop) a.inLoop = true;
    return a;
  }

  function releaseOf(site: CallSite, ctx: FunctionContext): Release | undefined {
    const call = site.node;
    const callee = site.callee;
    if (!callee) return undefined;
    let api: string;
    if (site.calleeType === 'identifier') api = site.identifier!;
    else if (site.calleeType === 'member_expression') api = site.property ?? '';
    else return undefined;
    if (!releaseNames.has(api)) return undefined;
    const args = call.childForFieldName('arguments');
    const list = args ? kids(args) : [];
    // `window.clearInterval(id)` is `clearInterval(id)`: the id is the target, not `window`.
    const viaGlobal = site.calleeType === 'member_expression' && GLOBAL_TIMER_RELEASES.test(api) && isGlobalObject(callee.childForFieldName('object'), scope);
    const targetNode = site.calleeType === 'identifier' || viaGlobal ? list[0] : (callee.childForFieldName('object') ?? undefined);
    if (!targetNode) return undefined;
    const enclosing = describe(call, ctx);
    const cls = enclosing.context.cls;
    const ownerType = cls ? className(cls) : undefined;
    const listenerKey =
      site.calleeType === 'member_expression' && listenerReleaseNames.has(api)
        ? registrationKey(targetNode, list[1], { ...(ownerType ? { ownerType } : {}), scope, fn: enclosing.context.fn, modulePath: path, declarations })
        : undefined;
    const fnInfo = { name: enclosing.name, ...(ownerType ? { ownerType } : {}) };
    if (listenerKey) {
      if (listenerKey.owner === path) moduleTouched.used = true;
      return { api, target: { kind: 'field', field: listenerKey.field }, site: siteOf(call), fn: { name: enclosing.name, ownerType: listenerKey.owner } };
    }
    const target = targetOf(targetNode, call, enclosing.context.fn);
    if (target.kind === 'module-field') {
      moduleTouched.used = true;
      return { api, target: { kind: 'field', field: target.field }, site: siteOf(call), fn: { name: enclosing.name, ownerType: path } };
    }
    if (target.kind === 'instance-field') {
      return { api, target: { kind: 'field', field: target.field }, site: siteOf(call), fn: { name: enclosing.name, ownerType: target.ownerType } };
    }
    return { api, target, site: siteOf(call), fn: fnInfo };
  }

  /** `terminate(this.child)`, `this.checkDied(child)` after `const child = this.child`: a helper ends the field. */
  function helperRelease(site: CallSite, ctx: FunctionContext): Release | undefined {
    const released = site.type === 'call_expression' && ctx.cls ? fieldReleasedByHelper(site, ctx.fn, ctx.cls) : undefined;
    if (!released) return undefined;
    const enclosing = describe(site.node, ctx);
    return { api: released.api, target: { kind: 'field', field: released.field }, site: siteOf(site.node), fn: { name: enclosing.name, ownerType: className(ctx.cls!) } };
  }

  /** What a release acts on: a field of `this`, a module variable, a local, or an expression. */
  function targetOf(expr: SyntaxNode, at: SyntaxNode, fn: SyntaxNode | null): ReleaseTarget {
    const node = unwrap(expr);
    const fieldOf = (written: string[] | undefined): ReleaseTarget | undefined => {
      const rootPath = thisPath(written, scope);
      if (!rootPath) return undefined;
      if (rootPath[0] === 'this' && rootPath.length >= 2) return { kind: 'field', field: rootPath[1]!.replace(/^#/, '') };
      // `server.httpServer` with `const server = UptimeServer.getInstance()`: a field of that class.
      const cls = rootPath.length >= 2 ? instanceClassOf(rootPath[0]!, fn) : undefined;
      if (cls) return { kind: 'instance-field', ownerType: cls, field: rootPath[1]!.replace(/^#/, '') };
      if (scope.moduleVars.has(rootPath[0]!) && !declarations.has(fn, rootPath[0]!)) return { kind: 'module-field', field: rootPath[0]! };
      return undefined;
    };
    const direct = fieldOf(rootMemberPath(node));
    if (direct) return direct;
    if (node.type === 'identifier') return fieldOf(originOfLocal(node.text, at, fn, index)) ?? { kind: 'local', name: node.text };
    return { kind: 'other', text: shortText(node, 60) };
  }

  /**
   * The class a variable holds an instance of: `new C(..)`, `C.getInstance()`, `await C.create(..)`
   * in its function or a function around it (a callback using an outer local), or a parameter
   * declared `name: C`.
   */
  function instanceClassOf(name: string, fn: SyntaxNode | null): string | undefined {
    for (let f = fn; f; f = enclosingFunction(f)) {
      const typed = parameterClass(f, name);
      if (typed) return typed;
      if (declarations.has(f, name)) return instanceInits.get(`${f.startIndex}:${name}`) ?? scanInstance(f, name);
    }
    return scope.moduleVars.has(name) ? scanInstance(root, name, true) : undefined;
  }

  /** `./plugins/uploader` imported by this file -> `server/plugins/uploader`; a package or an alias -> undefined. */
  function relativeModuleFile(module: string): string | undefined {
    return module.startsWith('.') ? withoutExtension(posix.normalize(posix.join(posix.dirname(path), module))) : undefined;
  }

  /**
   * The file a class name refers to, without extension: the module it is imported from by a
   * relative path, or this file when this file declares it. Undefined for a package, a path
   * alias, or a class bound inside the function.
   */
  function classFile(name: string, fn: SyntaxNode | null): string | undefined {
    const imported = scope.imports.get(name);
    if (imported) return relativeModuleFile(imported.module);
    if (!scope.declared.has(name) || (fn && declarations.has(fn, name))) return undefined;
    return withoutExtension(path);
  }

  /**
   * Is `name` a function of `fn` or of a function around it (a nested helper, a parameter), not
   * one of the module's? A local bound to an import (`const { run } = await import('./run.js')`)
   * is the other file's function, so it does not count.
   */
  function boundLocally(name: string, fn: SyntaxNode | null): boolean {
    // A name the file declares nowhere (an import, a global) is no local: no climb up the tree.
    if (!fn || !scope.declared.has(name)) return false;
    for (let f: SyntaxNode | null = fn; f; f = enclosingFunction(f)) {
      if (!declarations.has(f, name)) continue;
      if (positionalParameters(f).includes(name)) return true;
      let helper = false;
      index.walk(f, ['function_declaration', 'variable_declarator'], (n, type) => {
        if (n.childForFieldName('name')?.text !== name) return true;
        const value = type === 'function_declaration' ? n : n.childForFieldName('value');
        helper = !!value && FUNCTION_TYPES.has(unwrap(value).type);
        return 'stop';
      });
      return helper;
    }
    return false;
  }

  /** `worker: IdleWorker` among `fn`'s parameters: `IdleWorker`. */
  function parameterClass(fn: SyntaxNode, name: string): string | undefined {
    const params = fn.childForFieldName('parameters');
    for (const p of params ? kids(params) : []) {
      if (p.type !== 'required_parameter' && p.type !== 'optional_parameter') continue;
      if (p.childForFieldName('pattern')?.text !== name) continue;
      const type = p.childForFieldName('type');
      const named = type ? kids(type)[0] : undefined;
      return named?.type === 'type_identifier' && /^[A-Z]/.test(named.text) ? named.text : undefined;
    }
    return undefined;
  }

  function scanInstance(where: SyntaxNode, name: string, topOnly = false): string | undefined {
    const key = `${where.startIndex}:${name}`;
    if (instanceInits.has(key)) return instanceInits.get(key);
    let found: string | undefined;
    // Over the node index, not the tree: only declarators (and, for module scope, the functions to skip) become objects.
    index.walk(where, topOnly ? INSTANCE_SCAN_TOP_TYPES : INSTANCE_SCAN_TYPES, (n, type) => {
      if (type !== 'variable_declarator') return n.startIndex === where.startIndex;
      if (n.childForFieldName('name')?.text !== name) return true;
      const value = n.childForFieldName('value');
      const m = value ? INSTANCE_OF.exec(value.text) : null;
      // `let manager: ClientManager | null = null`: the one class its declared type allows.
      found = m ? (m[1] ?? m[2]) : declaredClass(n.childForFieldName('type'));
      return found ? 'stop' : true;
    });
    instanceInits.set(key, found);
    return found;
  }

  const owners: Owner[] = [];
  for (const c of classes.values()) owners.push(c.owner);
  if (moduleTouched.used) owners.push(moduleOwner(path, root, scope));
  facts.owners = owners;
  facts.suppressions = comments.length > 0 ? parseSuppressions(comments, lines()) : [];
  return facts;
}

type ReleaseTarget = Release['target'] | { kind: 'module-field'; field: string } | { kind: 'instance-field'; ownerType: string; field: string };

/** `new Server(..)`, `Server.getInstance()`, `await Server.create(..)`: the class of the instance. */
const INSTANCE_OF = /^(?:await\s+)?(?:new\s+([A-Z][\w$]*)\b|([A-Z][\w$]*)\.(?:getInstance|instance|shared|create|get|default)\b)/;

/** What `scanInstance` visits in a function: every declarator, nested functions' too. */
const INSTANCE_SCAN_TYPES: readonly string[] = ['variable_declarator'];
/** ...and at module scope: the top-level declarators, functions pruned. */
const INSTANCE_SCAN_TOP_TYPES: readonly string[] = ['variable_declarator', ...FUNCTION_TYPES];

/** `: Manager | null` -> `Manager`: the one class-like name a type annotation allows besides null and undefined. */
function declaredClass(annotation: SyntaxNode | null): string | undefined {
  if (!annotation) return undefined;
  const names = annotation.text.replace(/^:\s*/, '').split('|').map((t) => t.trim()).filter((t) => t !== 'null' && t !== 'undefined');
  return names.length === 1 && /^[A-Z][\w$]*$/.test(names[0]!) ? names[0] : undefined;
}

/** `void f()`, `f().catch(..)`, `f().then(..)`: a promise started and left running, whatever `f` is. */
function visiblyFloating(call: SyntaxNode): boolean {
  const parent = call.parent;
  if (parent?.type === 'unary_expression' && parent.text.startsWith('void')) return true;
  return parent?.type === 'member_expression' && /^(catch|then|finally)$/.test(parent.childForFieldName('property')?.text ?? '');
}

/** Releases that are global functions, also called through the global object (`window.clearInterval(id)`). */
const GLOBAL_TIMER_RELEASES = /^(clearInterval|clearTimeout|clearImmediate|cancelAnimationFrame|cancelIdleCallback)$/;

/** `window`, `globalThis`, `global`, `self`, unless the file declares a name like that itself. */
function isGlobalObject(node: SyntaxNode | null, scope: FileScope): boolean {
  const text = node?.type === 'identifier' ? node.text : undefined;
  return text !== undefined && /^(window|globalThis|global|self)$/.test(text) && !scope.declared.has(text);
}

/**
 * `if (!started) { started = true; setInterval(..) }`: a module variable tested and set in the same
 * `if` lets what it guards run once per process, however often the function runs.
 */
function onceGuard(at: SyntaxNode, fn: SyntaxNode | null, scope: FileScope): { flag: string; line: number } | undefined {
  for (let up = at.parent; up && up.id !== fn?.id; up = up.parent) {
    if (up.type !== 'if_statement') continue;
    const condition = up.childForFieldName('condition')?.text ?? '';
    const consequence = up.childForFieldName('consequence');
    if (!consequence || !(at.startIndex >= consequence.startIndex && at.endIndex <= consequence.endIndex)) continue;
    for (const m of condition.matchAll(/(?:^|[(&\s])!\s*([A-Za-z_$][\w$]*)\b(?!\s*[.([])/g)) {
      const flag = m[1]!;
      if (!scope.moduleVars.has(flag)) continue;
      const set = new RegExp(`(^|[^.\\w$])${flag.replace(/\$/g, '\\$')}\\s*=\\s*true\\b`);
      if (set.test(consequence.text)) return { flag, line: line(up) };
    }
  }
  return undefined;
}

/**
 * Positions of a call's arguments that are parameters of the event handler it sits in
 * (`emitter.on('connection', (socket) => new Session(socket))`): values new on every event.
 */
function eventArguments(call: SyntaxNode, fn: SyntaxNode | null): number[] | undefined {
  if (!fn || fn.parent?.type !== 'arguments') return undefined;
  const registering = fn.parent.parent?.childForFieldName('function');
  if (registering?.type !== 'member_expression' || !LISTEN_METHODS.test(registering.childForFieldName('property')?.text ?? '')) return undefined;
  const params = positionalParameters(fn);
  const args = call.childForFieldName('arguments');
  const out: number[] = [];
  (args ? kids(args) : []).forEach((arg, i) => {
    if (arg.type === 'identifier' && params.includes(arg.text)) out.push(i);
  });
  return out;
}

const LISTEN_METHODS = /^(on|addListener|addEventListener|prependListener)$/;

/** `server/uploader.ts` -> `server/uploader`: how imports name a file (`CallFact.calleeFile`). */
function withoutExtension(path: string): string {
  return path.replace(/\.[cm]?[jt]sx?$/, '');
}

/** A whole-module import (`import x from './x'`, `import * as x`, `require('./x')`) of a file of this project. */
function isProjectModule(binding: { module: string; name: string } | undefined): boolean {
  return !!binding && binding.name === '*' && (binding.module.startsWith('.') || binding.module.startsWith('/'));
}

/** The function around a function, if any. */
function enclosingFunction(fn: SyntaxNode): SyntaxNode | null {
  for (let up = fn.parent; up; up = up.parent) if (FUNCTION_TYPES.has(up.type)) return up;
  return null;
}

/** Node's built-in modules (`child_process`, `fs`, ..): their functions are never the project's. */
const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules.map((m) => m.replace(/^node:/, '').split('/')[0]!));

/**
 * The functions of this file that construct a class they are given:
 * `register(StoreClass) { new StoreClass(this) }`. Keyed `Owner::name` (`::name`
 * outside a class), with the positions of the parameters they construct.
 */
function classFactoriesOf(calls: readonly { site: CallSite; ctx: FunctionContext }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { site, ctx } of calls) {
    if (!site.isNew || site.calleeType !== 'identifier' || !ctx.fn) continue;
    const position = positionalParameters(ctx.fn).indexOf(site.callee!.text);
    if (position < 0) continue;
    const key = `${ctx.cls ? className(ctx.cls) : ''}::${functionName(ctx.fn)}`;
    const positions = out.get(key) ?? [];
    if (!positions.includes(position)) positions.push(position);
    out.set(key, positions);
  }
  return out;
}

/**
 * `new X()` stored in a slot it is only made for while the slot is empty, so
 * it runs once per process: `X.instance ??= new X()`, or `X.instance = new X()`
 * (`this.instance` in a static method, a module variable) under an `if` that
 * tests that slot.
 */
function lazySingleton(call: SyntaxNode, className: string, ctx: FunctionContext, scope: FileScope): boolean {
  let up = call.parent;
  while (up?.type === 'parenthesized_expression') up = up.parent;
  if (!up || (up.type !== 'assignment_expression' && up.type !== 'augmented_assignment_expression')) return false;
  const left = up.childForFieldName('left');
  if (!left) return false;
  const path = memberPath(left);
  if (!path) return false;
  const slotOfClass = path.length === 2 && (path[0] === className || (path[0] === 'this' && isStaticMethod(ctx.fn)));
  const moduleSlot = path.length === 1 && scope.moduleVars.has(path[0]!);
  if (!slotOfClass && !moduleSlot) return false;
  if (up.type === 'augmented_assignment_expression') return /^(\?\?=|\|\|=)$/.test(up.childForFieldName('operator')?.text ?? '');
  const slot = left.text.replace(/\s+/g, '');
  for (let cur = up.parent; cur && !FUNCTION_TYPES.has(cur.type); cur = cur.parent) {
    if (cur.type !== 'if_statement') continue;
    const condition = cur.childForFieldName('condition');
    if (condition && condition.text.replace(/\s+/g, '').includes(slot)) return true;
  }
  return false;
}

function isStaticMethod(fn: SyntaxNode | null): boolean {
  return fn?.type === 'method_definition' && allKids(fn).some((k) => k.type === 'static');
}

/** `private constructor(..)`, `#method()`: only the class itself calls it. */
function isPrivateMember(fn: SyntaxNode): boolean {
  if (fn.type !== 'method_definition') return false;
  return fn.children.some((c) => c?.type === 'accessibility_modifier' && c.text === 'private') || fn.childForFieldName('name')?.type === 'private_property_identifier';
}

/** Methods of built-in objects: never the user's function. */
const IGNORED_CALLEES =
  /^(push|pop|shift|unshift|map|filter|forEach|reduce|find|some|every|includes|indexOf|join|split|slice|splice|concat|then|catch|finally|get|set|has|add|delete|keys|values|entries|toString|trim|replace|match|test|exec|log|error|warn|info|debug|resolve|reject|all|race|stringify|parse|assign|freeze|call|apply|bind|emit|on|once|off|write|end|send|json|status|sort|flat|flatMap|startsWith|endsWith|padStart|toFixed|now|max|min|floor|ceil|round|abs|random)$/;

function stripContext(e: Enclosing): Acquisition['fn'] {
  const { context: _context, ...rest } = e;
  return rest;
}

/** The name the result of an acquisition is bound to: `const pool = ..` -> `pool`, `this.pool = ..` -> `this.pool`. */
function boundName(call: SyntaxNode): string | undefined {
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

/** `this.timers.get(k)`, `this.x?.y`, `this.workers[i]`: the member path of the receiver root. */
function rootMemberPath(node: SyntaxNode): string[] | undefined {
  let cur = unwrap(node);
  for (let i = 0; i < 8; i++) {
    const path = memberPath(cur);
    if (path) return path;
    if (cur.type === 'call_expression') {
      const callee = cur.childForFieldName('function');
      if (callee?.type !== 'member_expression') return undefined;
      cur = unwrap(callee.childForFieldName('object') ?? callee);
    } else if (cur.type === 'subscript_expression' || cur.type === 'member_expression') {
      const obj = cur.childForFieldName('object');
      if (!obj) return undefined;
      cur = unwrap(obj);
    } else return undefined;
  }
  return undefined;
}

/**
 * The member path a local a release acts on came from: `for (const t of this.timers.values())`,
 * `this.workers.forEach((w) => w.terminate())`, `const t = this.timer`, `const { timer } = this`.
 */
function originOfLocal(name: string, at: SyntaxNode, fn: SyntaxNode | null, index: NodeIndex): string[] | undefined {
  const binds = (pattern: SyntaxNode | null): boolean => !!pattern && new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`).test(pattern.text);
  for (let cur = at.parent; cur; cur = cur.parent) {
    if (cur.type === 'for_in_statement' && binds(cur.childForFieldName('left'))) {
      const right = cur.childForFieldName('right');
      if (right) return rootMemberPath(objectValuesTarget(right));
    }
    if (FUNCTION_TYPES.has(cur.type)) {
      // `coll.forEach((t) => clearInterval(t))`, `Promise.all(coll.map((w) => w.terminate()))`
      const params = cur.childForFieldName('parameters') ?? cur.childForFieldName('parameter');
      if (params && binds(params) && cur.parent?.type === 'arguments') {
        const callee = cur.parent.parent?.childForFieldName('function');
        const obj = callee?.type === 'member_expression' ? callee.childForFieldName('object') : null;
        if (obj) return rootMemberPath(objectValuesTarget(obj));
      }
      if (fn && same(cur, fn)) break;
    }
  }
  // `const t = this.timer;` / `const { timer } = this;` earlier in the function.
  // Nodes come in pre-order, so their starts never decrease: the first at or after `at` ends the search.
  let origin: string[] | undefined;
  if (fn) index.walk(fn, ['variable_declarator'], (n) => {
    if (n.startIndex >= at.startIndex) return 'stop';
    const pattern = n.childForFieldName('name');
    const value = n.childForFieldName('value');
    if (pattern?.type === 'identifier' && pattern.text === name && value) origin = rootMemberPath(value) ?? [];
    else if (pattern?.type === 'object_pattern' && value && binds(pattern) && unwrap(value).type === 'this') origin = ['this', name];
    return origin ? 'stop' : true;
  });
  return origin && origin.length > 0 ? origin : undefined;
}

/** `this.timers.values()`, `Object.values(this.timers)`, `[...this.timers]`: the collection. */
function objectValuesTarget(expr: SyntaxNode): SyntaxNode {
  const node = unwrap(expr);
  if (node.type === 'call_expression') {
    const callee = node.childForFieldName('function');
    if (callee && /^(Object\.(values|entries|keys)|Array\.from)$/.test(callee.text.replace(/\s+/g, ''))) {
      const args = node.childForFieldName('arguments');
      const first = args ? kids(args)[0] : undefined;
      if (first) return first;
    }
  }
  if (node.type === 'array') {
    const spread = kids(node).find((k) => k.type === 'spread_element');
    const inner = spread ? kids(spread)[0] : undefined;
    if (inner) return inner;
  }
  return node;
}
