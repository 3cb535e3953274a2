// TypeScript / JavaScript frontend: a tree-sitter CST in, language-neutral facts out.
import type { SyntaxNode, SyntaxTree } from '../../parse/syntax.js';
import type { Acquisition, BodyFacts, FileFacts, Owner, Release } from '../../facts/types.js';
import { emptyFileFacts } from '../../facts/empty.js';
import type { ResourceModel } from '../../models/schema.js';
import { parseSuppressions, type CommentSpan } from '../shared/suppressions.js';
import { lineCount, splitLines } from '../shared/lines.js';
import { acquisitionHead, line, shortText, siteOf } from '../shared/tree.js';
import { analyseFunctionBody, type BodyContext } from './body.js';
import { CLASS_TYPES, FUNCTION_TYPES, LOOP_TYPES, MODULE_CONTEXT, bodyOf, childContext, className, describeFunction, functionName, isInlineCallback, mayCallEffectHooks, setObjectOwnerFile, type Enclosing, type FunctionContext } from './functions.js';
import { fateOf, type FateContext } from './handles.js';
import { Declarations } from './declarations.js';
import { Removal } from './listeners.js';
import { targetFirstSite } from './namespace-emitters.js';
import { madeHereArguments } from './construction-arguments.js';
import { singletonObjectNames } from './singleton-objects.js';
import { fieldReleasedByHelper } from './helper-releases.js';
import { neverActivated } from './inactive-servers.js';
import { CallMatcher, type CallMatch } from './match.js';
import { CallSite } from './call-site.js';
import { collectClass, collectPrototypeOwner, moduleOwner, type ClassInfo } from './owners.js';
import { prototypeOwners } from './prototype-owners.js';
import { closedFields, overwrittenClosedField, type FieldCloser } from './closed-fields.js';
import { EnclosingStack, NodeIndex } from './node-index.js';
import { SCOPE_NODE_TYPES, ScopeCollector } from './scope.js';
import { JSX_ELEMENT_TYPES, callRecorder, eventArguments, withoutExtension } from './call-facts.js';
import { classFactoriesOf } from './instance-classes.js';
import { releaseReader } from './releases.js';
import { acquisitionReader, boundName, stripContext } from './acquisitions.js';
import { helperCallOf, helperResultModel, importedCallee } from './helper-calls.js';
import { constructedClass, constructionModel, unreleasedConstruction } from './constructions.js';
import { reboundListenerTypes } from './keyed-listeners.js';
import { moduleInstancesOf } from './module-instances.js';

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
  ...new Set(['ERROR', 'call_expression', 'new_expression', 'assignment_expression', 'async', ...FUNCTION_TYPES, ...CLASS_TYPES, ...LOOP_TYPES, ...SCOPE_NODE_TYPES, ...JSX_ELEMENT_TYPES]),
];
const MAIN_NODE_TYPES_WITH_COMMENTS: readonly string[] = [...MAIN_NODE_TYPES, 'comment'];

/** What the passes look up in the models. */
interface ModelSets {
  periodModels: ReadonlySet<string>;
  releaseNames: ReadonlySet<string>;
  listenerReleaseNames: ReadonlySet<string>;
  argumentReleases: ReadonlyMap<string, number>;
  floatingModel: ResourceModel | undefined;
  closedFieldModel: ResourceModel | undefined;
  /** What the result of a call of another file's function is read with (see helper-calls.ts). */
  helperModel: ResourceModel | undefined;
  /** What a constructed project object is read with (see constructions.ts). */
  constructedModel: ResourceModel | undefined;
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
      argumentReleases: new Map(models.filter((m) => m.role === 'acquire' && m.handleArgument !== undefined).flatMap((m) => m.releases.filter((r) => r.includes('.')).map((r) => [r, m.handleArgument!] as const))),
      floatingModel: models.find((m) => m.acquire.construct === 'floating-async-call'),
      closedFieldModel: models.find((m) => m.acquire.construct === 'closed-field-object'),
      helperModel: undefined,
      constructedModel: undefined,
    };
    sets.helperModel = helperResultModel(models, sets.releaseNames);
    if (sets.helperModel) sets.constructedModel = constructionModel(sets.helperModel);
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
  /** JSX elements (`<App />`): where components are made. */
  const collectedElements: Collected['functions'] = [];
  /** Assignments in methods: those to a guard flag may put it back (see `FileFacts.flagResets`), read only when the file has a guard. */
  const collectedResets: Collected['functions'] = [];
  const comments: CommentSpan[] = [];
  const index = new NodeIndex(root, mainNodeTypes(source));
  const contexts = new EnclosingStack<FunctionContext>();
  /** Import statements: the scope collector reads them whole, nothing inside them is visited. */
  const imports = new EnclosingStack<true>();
  /** Ids of the nodes with an `async` keyword child (`isAsync`), from the keywords' parents. */
  const asyncNodes = new Set<number>();
  // `function Pool() {..}` with `Pool.prototype.close = function () {..}`: one owner, like a class.
  setObjectOwnerFile(withoutExtension(path));
  const protos =
    source.includes('prototype') || /\.(on|once)\(\s*['"](close|end|destroy|exit|unload)/.test(source) || /module\.exports\s*=\s*\{|export\s+default\s+(\{|defineComponent|Vue\.extend)/.test(source)
      ? prototypeOwners(root)
      : undefined;
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
    else if (JSX_ELEMENT_TYPES.has(type)) collectedElements.push({ node, ctx });
    else if (type === 'assignment_expression' && ctx.cls && ctx.fn) collectedResets.push({ node, ctx });
    if (!scopeCollector.visit(node, type, site)) {
      imports.push(node, true);
      continue;
    }
    let inner = childContext(node, ctx, type, site);
    const protoOwner = protos && inner.fn === node ? protos.ownerOf.get(node.startIndex) : undefined;
    if (protoOwner) inner = { ...inner, cls: protoOwner };
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
  for (const { ctor, methods } of protos?.owners ?? []) {
    const info = collectPrototypeOwner(ctor, methods, scope, index);
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
  const { periodModels, releaseNames, listenerReleaseNames, argumentReleases, floatingModel, closedFieldModel, helperModel, constructedModel } = modelSets(models);
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
  const moduleTouched = { used: false };
  const classFactories = isTestFile ? new Map<string, number[]>() : classFactoriesOf(collectedCalls);
  const removals: Removal[] = [];
  /** The fields each owner closes itself (`this.runner.closeProcess()`), by owner name, computed once per owner. */
  const closedByOwner = new Map<string, Map<string, FieldCloser>>();
  const closersPushed = new Set<string>();
  const { recordCall, recordReferences, recordDeferredCalls, recordElement, instanceClassOf, boundLocally } = callRecorder({
    path,
    source,
    root,
    scope,
    facts,
    index,
    declarations,
    classes,
    seenCalls: new Set<string>(),
    classFactories,
    instanceInits: new Map<string, string | undefined>(),
    collectedFunctions,
    describeShared,
    freshArguments,
    singletons,
  });
  const { releaseOf } = releaseReader({ path, scope, index, declarations, releaseNames, listenerReleaseNames, argumentReleases, moduleTouched, describe, instanceClassOf });
  const { acquisitionOf } = acquisitionReader({ path, source, lines, root, scope, index, declarations, classes, removals, bodyCtx, moduleTouched, releases: facts.releases });

  // Releases first: listener facts look for the removal that matches them.
  for (const { node, site, ctx } of collectedCalls) {
    if (site.type !== 'call_expression' || matches.has(node)) continue;
    const viaHelper = helperRelease(site, ctx);
    if (viaHelper) facts.releases.push(viaHelper);
    const release = releaseOf(site, ctx);
    if (!release) {
      // `off('x', this.onX.bind(this))`: removes nothing (no release), but it is the removal meant
      // for a listener, which it cannot remove: listener facts name it as a broken removal.
      if (site.calleeType === 'member_expression' && listenerReleaseNames.has(site.property ?? '')) removals.push(new Removal(site));
      continue;
    }
    facts.releases.push(release);
    if (listenerReleaseNames.has(release.api)) removals.push(new Removal(site, targetFirstSite(site, scope, (name) => declarations.has(ctx.fn, name))));
  }
  for (const { node, site, ctx } of collectedCalls) {
    if (!isTestFile) {
      recordDeferredCalls(site, ctx);
      recordReferences(site, ctx);
    }
    const found = matches.get(node) ?? [];
    if (found.length > 0) {
      const enclosing = describe(node, ctx);
      for (const match of found) facts.uses.push({ api: match.key, line: line(node), isTest: enclosing.isTest });
      const acquire = found.find((m) => m.model.role === 'acquire');
      // A server made but never started, used only to dispatch (`server.emit('request', ..)`): nothing acquired.
      const idle = acquire?.model.activatedBy && neverActivated(node, acquire.model.activatedBy, enclosing.context.fn, root);
      if (acquire && !idle) {
        const a = acquisitionOf(node, acquire, enclosing);
        // A method matched only by its name pattern counts when its disposer is dropped on the spot (see `methodPattern`).
        if (!acquire.model.acquire.methodPattern || a.handle.kind === 'discarded') facts.acquisitions.push(a);
      }
      continue;
    }
    if (!isTestFile) recordCall(site, ctx);
    // `const cxn = db.connect()`: what the caller does with another file's result, in case that file's function opens it.
    const target = !isTestFile && helperModel ? importedCallee(site, ctx.fn, path, scope, boundLocally) : undefined;
    // `new Session(..)` of a project class, dropped or left unreleased: a resource if that class turns out to be one.
    const made = !isTestFile && constructedModel && site.type === 'new_expression' ? constructedClass(site, ctx.fn, path, scope, boundLocally) : undefined;
    if (target || made) {
      const enclosing = describe(node, ctx);
      // What the caller does with the result, read with the releases of the model at hand.
      const fateIn = (model: FateContext['model']): FateContext => ({ model, scope, ...(ctx.cls ? { ownerType: className(ctx.cls) } : {}), modulePath: path, fn: enclosing.context.fn, root, isTask: false, declarations });
      if (target && !enclosing.isTest) (facts.helperCalls ??= []).push(helperCallOf(node, target, enclosing, fateIn(helperModel!), lines()));
      const construction = made && !enclosing.isTest ? helperCallOf(node, made, enclosing, fateIn(constructedModel!), lines()) : undefined;
      if (construction && unreleasedConstruction(construction)) (facts.constructions ??= []).push(construction);
    }
    if (site.type === 'new_expression' && closedFieldModel && ctx.cls && !isTestFile) {
      const closedField = closedFieldAcquisition(site, ctx, closedFieldModel);
      if (closedField) facts.acquisitions.push(closedField);
    }
    if (site.type !== 'call_expression') continue;
    // A floating call starts one of this file's looping functions, or an imported one.
    if (floatingModel && (looping.size > 0 || scope.imports.size > 0)) {
      const floating = floatingCall(site, ctx, floatingModel);
      if (floating) facts.acquisitions.push(floating);
    }
  }
  if (!isTestFile) for (const { node, ctx } of collectedElements) recordElement(node, ctx);
  // Only fields some guard of this file tests; any value but `true` may let the guard through again.
  const guardFlags = new Set<string>();
  for (const a of facts.acquisitions) if (a.guardedOnce?.perInstance) guardFlags.add(a.guardedOnce.flag);
  for (const c of facts.calls) if (c.guardedBy) guardFlags.add(c.guardedBy.flag);
  for (const { node, ctx } of guardFlags.size > 0 ? collectedResets : []) {
    const flag = node.childForFieldName('left')?.text.replace(/\s+/g, '') ?? '';
    if (!guardFlags.has(flag) || node.childForFieldName('right')?.text === 'true') continue;
    const enclosing = describeShared(node, ctx);
    if (enclosing.isTest || enclosing.isConstructor || !enclosing.ownerType) continue;
    (facts.flagResets ??= []).push({ ownerType: enclosing.ownerType, flag, fn: enclosing.name, line: line(node) });
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
      ...acquisitionHead(model, `${shortText(callee!, 40)}()`, call, lines()),
      fn: stripContext(enclosing),
      handle: fate,
      body: { ...body, captures: [] },
    };
    if (enclosing.context.inLoop) a.inLoop = true;
    return a;
  }

  function closedFieldsOf(cls: SyntaxNode): Map<string, FieldCloser> {
    const name = className(cls);
    let closed = closedByOwner.get(name);
    if (!closed) {
      const proto = protos?.owners.find((o) => o.ctor.startIndex === cls.startIndex);
      const roots = proto ? [proto.ctor, ...proto.methods.map((m) => m.fn)].map((f) => bodyOf(f)).filter((b): b is SyntaxNode => !!b) : [cls.childForFieldName('body')].filter((b): b is SyntaxNode => !!b);
      closed = closedFields(roots, scope, index);
      closedByOwner.set(name, closed);
    }
    return closed;
  }
  /** `this.runner = new Runner(..)` over a field the owner closes elsewhere, without closing the one there first. */
  function closedFieldAcquisition(site: CallSite, ctx: FunctionContext, model: ResourceModel): Acquisition | undefined {
    const closed = closedFieldsOf(ctx.cls!);
    if (closed.size === 0) return undefined;
    const call = site.node;
    const field = overwrittenClosedField(call, ctx.fn, source, closed, scope);
    if (!field) return undefined;
    const enclosing = describe(call, ctx);
    if (enclosing.isConstructor) return undefined;
    const ownerType = className(ctx.cls!);
    const closer = closed.get(field)!;
    if (!closersPushed.has(`${ownerType}.${field}`)) {
      closersPushed.add(`${ownerType}.${field}`);
      facts.releases.push({ api: closer.api, target: { kind: 'field', field }, site: siteOf(closer.site), fn: { name: closer.fn ? functionName(closer.fn) : '<module>', ownerType } });
    }
    const ctor = site.node.childForFieldName('constructor');
    facts.uses.push({ api: 'object closed by its owner', line: line(call), isTest: enclosing.isTest });
    return {
      ...acquisitionHead(model, `new ${ctor ? shortText(ctor, 40) : '?'}()`, call, lines()),
      fn: stripContext(enclosing),
      handle: { kind: 'field', ownerType, field, line: line(call) },
      overwritesField: true,
      ...(enclosing.context.inLoop ? { inLoop: true as const } : {}),
    };
  }

  /** `terminate(this.child)`, `this.checkDied(child)` after `const child = this.child`: a helper ends the field. */
  function helperRelease(site: CallSite, ctx: FunctionContext): Release | undefined {
    const released = site.type === 'call_expression' && ctx.cls ? fieldReleasedByHelper(site, ctx.fn, ctx.cls) : undefined;
    if (!released) return undefined;
    const enclosing = describe(site.node, ctx);
    return { api: released.api, target: { kind: 'field', field: released.field }, site: siteOf(site.node), fn: { name: enclosing.name, ownerType: className(ctx.cls!) } };
  }

  const owners: Owner[] = [];
  for (const c of classes.values()) owners.push(c.owner);
  if (moduleTouched.used) owners.push(moduleOwner(path, root, scope));
  facts.owners = owners;
  facts.suppressions = comments.length > 0 ? parseSuppressions(comments, lines()) : [];
  // `export const jobs = new JobController()`: another file's `jobs.start()` is a call of `JobController.start`.
  const instances = isTestFile ? [] : moduleInstancesOf(root, source, scope, withoutExtension(path));
  if (instances.length > 0) facts.moduleInstances = instances;
  const rebound = reboundListenerTypes({ scope, root, fn: null, index });
  if (rebound.length > 0) facts.reboundListenerTypes = rebound;
  return facts;
}

/** `void f()`, `f().catch(..)`, `f().then(..)`: a promise started and left running, whatever `f` is. */
function visiblyFloating(call: SyntaxNode): boolean {
  const parent = call.parent;
  if (parent?.type === 'unary_expression' && parent.text.startsWith('void')) return true;
  return parent?.type === 'member_expression' && /^(catch|then|finally)$/.test(parent.childForFieldName('property')?.text ?? '');
}
