// TypeScript / JavaScript frontend: a tree-sitter CST in, language-neutral facts out.
import type { SyntaxNode, SyntaxTree } from '../../parse/syntax.js';
import type { Acquisition, BodyFacts, FileFacts, HandleFate, Owner, Release } from '../../facts/types.js';
import { emptyFileFacts } from '../../facts/empty.js';
import type { ResourceModel } from '../../models/schema.js';
import { parseSuppressions, type CommentSpan } from '../shared/suppressions.js';
import { firstLine, kids, line, shortText, siteOf, walk, same } from '../shared/tree.js';
import { analyseFunctionBody, consumingLoopBody, intervalBody, outerNames, rearmBody, type BodyContext } from './body.js';
import { CLASS_TYPES, FUNCTION_TYPES, MODULE_CONTEXT, bodyOf, childContext, className, describeFunction, functionName, isAsync, isInlineCallback, type Enclosing, type FunctionContext } from './functions.js';
import { Declarations, fateOf, type FateContext } from './handles.js';
import { listenerFacts, registrationKey, subscriptionFacts, type ListenerContext } from './listeners.js';
import { bindingText, CallMatcher, type CallMatch } from './match.js';
import { collectClass, moduleOwner, type ClassInfo } from './owners.js';
import { memberPath, unwrap } from './qualify.js';
import { ScopeCollector, thisPath } from './scope.js';

export interface TypescriptFrontendInput {
  path: string;
  source: string;
  tree: SyntaxTree;
  models: readonly ResourceModel[];
  isTestFile: boolean;
}

interface Collected {
  calls: { node: SyntaxNode; ctx: FunctionContext }[];
  functions: { node: SyntaxNode; ctx: FunctionContext }[];
  classes: SyntaxNode[];
}

export function extractTypescript(input: TypescriptFrontendInput): FileFacts {
  const { tree, source, models, path, isTestFile } = input;
  const root = tree.rootNode;
  const lines = source.split(/\r\n|\r|\n/);
  const scopeCollector = new ScopeCollector();
  const scope = scopeCollector.scope;
  const facts: FileFacts = emptyFileFacts(path, 'typescript', lines.length, isTestFile);

  // One top-down walk collects everything the passes below need, each node with its
  // function context (no parent lookups: every step up allocates a node wrapper).
  const collected: Collected = { calls: [], functions: [], classes: [] };
  const comments: CommentSpan[] = [];
  const stack: { node: SyntaxNode; ctx: FunctionContext }[] = [{ node: root, ctx: MODULE_CONTEXT }];
  while (stack.length > 0) {
    const { node, ctx } = stack.pop()!;
    const type = node.type;
    if (type === 'comment') {
      // A marker quoted in a code span documents the syntax; it suppresses nothing.
      if (!/`[^`]*leakaudit-ignore/.test(node.text)) {
        const before = lines[node.startPosition.row]!.slice(0, node.startPosition.column);
        comments.push({ line: line(node), text: node.text, trailing: before.trim() !== '' });
      }
      continue;
    }
    if (type === 'ERROR') facts.parseErrors++;
    else if (type === 'call_expression' || type === 'new_expression') collected.calls.push({ node, ctx });
    else if (FUNCTION_TYPES.has(type)) collected.functions.push({ node, ctx });
    else if (CLASS_TYPES.has(type)) collected.classes.push(node);
    if (!scopeCollector.visit(node)) continue;
    const inner = childContext(node, ctx);
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push({ node: child, ctx: inner });
    }
  }

  scopeCollector.finish(root);
  facts.imports = [...scope.roots].sort();
  const matcher = new CallMatcher(models, scope);
  const classes = new Map<string, ClassInfo>();
  for (const cls of collected.classes) {
    const info = collectClass(cls, scope);
    if (!classes.has(info.owner.name)) classes.set(info.owner.name, info);
  }

  const described = new Map<string, Omit<Enclosing, 'context'>>();
  /** What the function around `node` is, computed once per function. */
  const describe = (node: SyntaxNode, ctx: FunctionContext): Enclosing => {
    if (!ctx.fn) return describeFunction(node, ctx, scope, isTestFile);
    const key = `${ctx.fn.startIndex}:${ctx.fn.endIndex}:${ctx.inTest}`;
    let known = described.get(key);
    if (!known) {
      const { context: _context, ...rest } = describeFunction(node, ctx, scope, isTestFile);
      known = rest;
      described.set(key, known);
    }
    return { ...known, context: ctx };
  };

  const declarations = new Declarations();
  const periodModels = new Set(models.filter((m) => m.role === 'period').map((m) => m.id));
  const noBindings = new Map<string, ResourceModel>();
  const bodyCtx: BodyContext = {
    scope,
    isPeriodCall: (call) => matcher.match(call, noBindings).some((m) => periodModels.has(m.model.id)),
  };

  // Async functions whose body loops until stopped: started without `await`, they are background tasks.
  const looping = new Map<string, BodyFacts>();
  for (const { node: fn, ctx } of collected.functions) {
    if (!isAsync(fn) || isInlineCallback(fn)) continue;
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
  for (const { node } of collected.calls) {
    const found = matcher.match(node, bindings);
    if (found.length === 0) continue;
    matches.set(node, found);
    const acquire = found.find((m) => m.model.role === 'acquire');
    const target = acquire ? boundName(node) : undefined;
    if (acquire && target) bindings.set(target, acquire.model);
  }
  // Method models whose receiver is bound later in the file (a field assigned in a later constructor).
  for (const { node } of collected.calls) {
    if (matches.has(node)) continue;
    const found = matcher.match(node, bindings).filter((m) => m.model.acquire.receiver);
    if (found.length > 0) matches.set(node, found);
  }

  const releaseNames = new Set(models.filter((m) => m.role === 'acquire').flatMap((m) => m.releases));
  const listenerReleaseNames = new Set(models.filter((m) => m.kind === 'listener').flatMap((m) => m.releases));
  const floatingModel = models.find((m) => m.acquire.construct === 'floating-async-call');
  const moduleTouched = { used: false };
  const seenCalls = new Set<string>();
  const removals: SyntaxNode[] = [];
  const instanceInits = new Map<string, string | undefined>();

  // Releases first: listener facts look for the removal that matches them.
  for (const { node, ctx } of collected.calls) {
    if (node.type !== 'call_expression' || matches.has(node)) continue;
    const release = releaseOf(node, ctx);
    if (!release) continue;
    facts.releases.push(release);
    if (listenerReleaseNames.has(release.api)) removals.push(node);
  }
  for (const { node, ctx } of collected.calls) {
    const found = matches.get(node) ?? [];
    if (found.length > 0) {
      const enclosing = describe(node, ctx);
      for (const match of found) facts.uses.push({ api: match.key, line: line(node), isTest: enclosing.isTest });
      const acquire = found.find((m) => m.model.role === 'acquire');
      if (acquire) facts.acquisitions.push(acquisitionOf(node, acquire, enclosing));
      continue;
    }
    if (!isTestFile) recordCall(node, ctx);
    if (node.type !== 'call_expression') continue;
    // A floating call starts one of this file's looping functions, or an imported one.
    if (floatingModel && (looping.size > 0 || scope.imports.size > 0)) {
      const floating = floatingCall(node, ctx, floatingModel);
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
      };
      const lf = model.kind === 'listener' ? listenerFacts(call, lctx, () => generic().fate) : subscriptionFacts(call, lctx);
      acquisition.source = lf.source;
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
      snippet: firstLine(lines[call.startPosition.row] ?? call.text),
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

  /** Who calls which named function, so the analysis can tell what only `main()` starts. */
  function recordCall(call: SyntaxNode, ctx: FunctionContext): void {
    const isNew = call.type === 'new_expression';
    const callee = call.childForFieldName(isNew ? 'constructor' : 'function');
    const calleePath = callee ? memberPath(callee) : undefined;
    if (!calleePath) return;
    const name = calleePath.at(-1)!.replace(/^#/, '');
    // `new Store(..)` calls Store's constructor: who creates instances tells how many there are.
    if (isNew && !/^[A-Z]/.test(name)) return;
    if (!isNew && calleePath.length > 1 && IGNORED_CALLEES.test(name)) return;
    const enclosing = describe(call, ctx);
    if (enclosing.isTest) return;
    let calleeOwner: string | undefined;
    if (isNew) calleeOwner = name;
    else if (calleePath.length === 2 && calleePath[0] === 'this') calleeOwner = enclosing.context.cls ? className(enclosing.context.cls) : '?';
    else if (calleePath.length === 2 && /^[A-Z]/.test(calleePath[0]!) && classes.has(calleePath[0]!)) calleeOwner = calleePath[0];
    else if (calleePath.length > 1) calleeOwner = '?';
    const calleeName = isNew ? 'constructor' : name;
    const key = `${calleeName}|${calleeOwner ?? ''}|${enclosing.name}|${enclosing.ownerType ?? ''}`;
    if (seenCalls.has(key)) return;
    seenCalls.add(key);
    facts.calls.push({
      callee: calleeName,
      ...(calleeOwner ? { calleeOwner } : {}),
      caller: enclosing.name,
      ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
      callerIsEntryPoint: enclosing.isEntryPoint,
    });
  }

  /** `run()`, `void this.loop()`, `poll().catch(log)`: an async looping function started without awaiting it. */
  function floatingCall(call: SyntaxNode, ctx: FunctionContext, model: ResourceModel): Acquisition | undefined {
    const callee = call.childForFieldName('function');
    const pathOf = callee ? memberPath(callee) : undefined;
    if (!pathOf || pathOf.length > 2 || (pathOf.length === 2 && pathOf[0] !== 'this')) return undefined;
    const name = pathOf.at(-1)!;
    const enclosing = describe(call, ctx);
    const cls = enclosing.context.cls;
    const ownerType = pathOf.length === 2 && cls ? className(cls) : undefined;
    let body = looping.get(`${ownerType ?? ''}#${name}`);
    if (!body && pathOf.length === 1 && visiblyFloating(call)) {
      // Another module's function, visibly a promise left running: the project resolves it.
      const binding = scope.imports.get(name);
      if (binding && binding.module.startsWith('.')) body = { longLived: false, exits: [], ignoredErrors: [], captures: [], delegatesTo: binding.name === '*' ? name : binding.name };
    }
    if (!body) return undefined;
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
      snippet: firstLine(lines[call.startPosition.row] ?? call.text),
      fn: stripContext(enclosing),
      handle: fate,
      body: { ...body, captures: [] },
    };
    if (enclosing.context.inLoop) a.inLoop = true;
    return a;
  }

  function releaseOf(call: SyntaxNode, ctx: FunctionContext): Release | undefined {
    const callee = call.childForFieldName('function');
    if (!callee) return undefined;
    let api: string;
    if (callee.type === 'identifier') api = callee.text;
    else if (callee.type === 'member_expression') api = callee.childForFieldName('property')?.text ?? '';
    else return undefined;
    if (!releaseNames.has(api)) return undefined;
    const args = call.childForFieldName('arguments');
    const list = args ? kids(args) : [];
    const targetNode = callee.type === 'identifier' ? list[0] : (callee.childForFieldName('object') ?? undefined);
    if (!targetNode) return undefined;
    const enclosing = describe(call, ctx);
    const cls = enclosing.context.cls;
    const ownerType = cls ? className(cls) : undefined;
    const listenerKey =
      callee.type === 'member_expression' && listenerReleaseNames.has(api)
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
    if (node.type === 'identifier') return fieldOf(originOfLocal(node.text, at, fn)) ?? { kind: 'local', name: node.text };
    return { kind: 'other', text: shortText(node, 60) };
  }

  /** The class a variable holds an instance of: `new C(..)`, `C.getInstance()`, `await C.create(..)`. */
  function instanceClassOf(name: string, fn: SyntaxNode | null): string | undefined {
    const fromFn = fn && declarations.has(fn, name) ? instanceInits.get(`${fn.startIndex}:${name}`) ?? scanInstance(fn, name) : undefined;
    return fromFn ?? (scope.moduleVars.has(name) ? scanInstance(root, name, true) : undefined);
  }

  function scanInstance(where: SyntaxNode, name: string, topOnly = false): string | undefined {
    const key = `${where.startIndex}:${name}`;
    if (instanceInits.has(key)) return instanceInits.get(key);
    let found: string | undefined;
    const scope0 = topOnly ? kids(where) : [where];
    for (const start of scope0) {
      walk(start, (n) => {
        if (found) return false;
        if (n.type === 'variable_declarator' && n.childForFieldName('name')?.text === name) {
          const value = n.childForFieldName('value');
          const m = value ? INSTANCE_OF.exec(value.text) : null;
          if (m) found = m[1] ?? m[2];
        }
        return !found && !(topOnly && FUNCTION_TYPES.has(n.type));
      });
      if (found) break;
    }
    instanceInits.set(key, found);
    return found;
  }

  const owners: Owner[] = [...classes.values()].map((c) => c.owner);
  if (moduleTouched.used) owners.push(moduleOwner(path, root, scope));
  facts.owners = owners;
  facts.suppressions = parseSuppressions(comments, lines);
  return facts;
}

type ReleaseTarget = Release['target'] | { kind: 'module-field'; field: string } | { kind: 'instance-field'; ownerType: string; field: string };

/** `new Server(..)`, `Server.getInstance()`, `await Server.create(..)`: the class of the instance. */
const INSTANCE_OF = /^(?:await\s+)?(?:new\s+([A-Z][\w$]*)\b|([A-Z][\w$]*)\.(?:getInstance|instance|shared|create|get|default)\b)/;

/** `void f()`, `f().catch(..)`, `f().then(..)`: a promise started and left running, whatever `f` is. */
function visiblyFloating(call: SyntaxNode): boolean {
  const parent = call.parent;
  if (parent?.type === 'unary_expression' && parent.text.startsWith('void')) return true;
  return parent?.type === 'member_expression' && /^(catch|then|finally)$/.test(parent.childForFieldName('property')?.text ?? '');
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
function originOfLocal(name: string, at: SyntaxNode, fn: SyntaxNode | null): string[] | undefined {
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
  let origin: string[] | undefined;
  if (fn) walk(fn, (n) => {
    if (origin || n.startIndex >= at.startIndex) return false;
    if (n.type === 'variable_declarator') {
      const pattern = n.childForFieldName('name');
      const value = n.childForFieldName('value');
      if (pattern?.type === 'identifier' && pattern.text === name && value) origin = rootMemberPath(value) ?? [];
      else if (pattern?.type === 'object_pattern' && value && binds(pattern) && unwrap(value).type === 'this') origin = ['this', name];
    }
    return !origin;
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
