// Python frontend: a tree-sitter CST in, language-neutral facts out.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Acquisition, EnclosingFunction, FileFacts, Owner } from '../../facts/types.js';
import { emptyFileFacts } from '../../facts/empty.js';
import type { ResourceModel } from '../../models/schema.js';
import type { FrontendInput } from '../index.js';
import { parseSuppressions, type CommentSpan } from '../shared/suppressions.js';
import { lineCount, splitLines } from '../shared/lines.js';
import { acquisitionHead, kids, line, siteOf, shortText } from '../shared/tree.js';
import { NodeIndex } from '../shared/node-index.js';
import { analyseFunctionBody, delegateOf, type PeriodReader } from './body.js';
import { DROP_METHODS, TEARDOWN, commandMethodOf, enclosingFrom, fileModuleOf, scopeOf, type Scope } from './functions.js';
import { fateOf, selfField } from './handles.js';
import { IMPORT_NODE_TYPES, collectImports, dottedName, qualify } from './imports.js';
import { ModelMatcher, type PythonMatch } from './match.js';
import { releaseOf, registeredReleases } from './releases.js';
import { callFactOf, processSubclassRun, processTargetOf, storedHandlersOf } from './calls.js';
import { instanceFieldGuard, lazySingletonGuard } from './guards.js';
import { helperCallCandidate, helperFactories, helperNote, helperOf, type HelperCallCandidate } from './helper-factories.js';
import { reusingLoopLine } from '../shared/reuse-loops.js';

const PYTHON_LOOPS: ReadonlySet<string> = new Set(['for_statement', 'while_statement']);
const PYTHON_FUNCTIONS: ReadonlySet<string> = new Set(['function_definition', 'lambda']);

const MAIN_NODE_TYPES = ['ERROR', 'class_definition', 'function_definition', 'if_statement', 'call', ...IMPORT_NODE_TYPES];

export function extractPython(input: FrontendInput): FileFacts {
  const { tree, source, models, path, isTestFile } = input;
  const root = tree.rootNode;
  const types = [...MAIN_NODE_TYPES];
  if (source.includes('leakaudit-ignore')) types.push('comment');
  const index = new NodeIndex(root, types);
  const imports = collectImports(index.nodes.filter((_, i) => IMPORT_NODE_TYPES.includes(index.types[i]!)));
  let splitSource: string[] | undefined;
  const lines = (): string[] => (splitSource ??= splitLines(source));
  const matcher = new ModelMatcher(models, imports);
  const module = fileModuleOf(path);
  const command = commandMethodOf(path);
  const moduleVars = moduleVariables(root);
  let moduleAliases: Map<string, string[]> | undefined;
  const constants = numericConstants(root);
  const periods: PeriodReader = {
    sleepSeconds: (call) => {
      if (matcher.match(call)?.model.role !== 'period') return undefined;
      const arg = kids(call.childForFieldName('arguments') ?? call)[0];
      return arg ? numberOf(arg, constants) : undefined;
    },
  };

  const facts: FileFacts = emptyFileFacts(path, 'python', lineCount(source), isTestFile);
  facts.imports = [...imports.roots].sort();
  const comments: CommentSpan[] = [];
  const owners = new Map<string, Owner>();
  const seenCalls = new Set<string>();
  const globalsByFn = new Map<number, Set<string>>();
  const globalsOf = (fn: SyntaxNode | null): Set<string> => {
    if (!fn) return new Set();
    let known = globalsByFn.get(fn.id);
    if (!known) {
      known = new Set();
      if (fn.text.includes('global ')) {
        for (const g of fn.descendantsOfType('global_statement')) for (const id of g ? kids(g) : []) known.add(id.text);
      }
      globalsByFn.set(fn.id, known);
    }
    return known;
  };

  const subclasses = source.includes('class ') ? matcher.subclassesOf(index.nodes.filter((_, i) => index.types[i] === 'class_definition')) : new Map<string, ResourceModel>();
  const stack: Scope[] = [];
  /** Calls that may reach a helper of this file that hands back what it opens. */
  const candidates: HelperCallCandidate[] = [];
  /** Acquisitions whose function returns the handle itself (not a generator, not `conn.cursor()`). */
  const handedBack = new Set<Acquisition>();
  // Nodes in the same innermost function share its description (module level has the node's own site).
  const enclosingByScope = new Map<number, EnclosingFunction>();
  for (let i = 0; i < index.nodes.length; i++) {
    const node = index.nodes[i]!;
    const type = index.types[i]!;
    while (stack.length > 0 && stack[stack.length - 1]!.node.endIndex <= node.startIndex) stack.pop();
    visit(node, type);
    const scope = scopeOf(node, type);
    if (scope) stack.push(scope);
  }
  if (candidates.length > 0) addHelperAcquisitions();
  facts.suppressions = parseSuppressions(comments, comments.length > 0 ? lines() : []);
  facts.owners = [...owners.values()];
  return facts;

  function enclosing(node: SyntaxNode): EnclosingFunction {
    const fn = innermostFunction();
    if (!fn) return enclosingFrom(node, stack, isTestFile, module, command);
    let known = enclosingByScope.get(fn.id);
    if (!known) {
      known = enclosingFrom(node, stack.slice(0, stack.findLastIndex((s) => s.node.id === fn.id) + 1), isTestFile, module, command);
      enclosingByScope.set(fn.id, known);
    }
    return { ...known, site: { ...known.site } };
  }

  function innermostFunction(): SyntaxNode | null {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.kind === 'function') return stack[i]!.node;
    return null;
  }

  function visit(node: SyntaxNode, type: string): void {
    switch (type) {
      case 'ERROR':
        facts.parseErrors++;
        return;
      case 'comment': {
        const before = lines()[node.startPosition.row]!.slice(0, node.startPosition.column);
        comments.push({ line: line(node), text: node.text, trailing: before.trim() !== '' });
        return;
      }
      case 'class_definition': {
        owners.set(node.childForFieldName('name')?.text ?? '', ownerOf(node));
        const run = isTestFile ? undefined : processSubclassRun(node, imports);
        if (run) facts.calls.push(run);
        return;
      }
      case 'function_definition': {
        const body = node.childForFieldName('body');
        const name = node.childForFieldName('name')?.text;
        if (!body || !name) return;
        const loop = analyseFunctionBody(body, periods);
        if (!loop) return;
        const enc = enclosingFrom(node, [...stack, { kind: 'function', node, name, decorators: [] }], isTestFile, module, command);
        facts.loopingFunctions.push({ name, ...(enc.ownerType ? { ownerType: enc.ownerType } : {}), site: siteOf(node), body: loop });
        return;
      }
      case 'call':
        visitCall(node);
        return;
      default:
        return;
    }
  }

  function visitCall(call: SyntaxNode): void {
    const fnNode = call.childForFieldName('function');
    if (!fnNode) return;
    const enc = enclosing(call);
    const fn = innermostFunction();
    const release = releaseOf(call, fnNode, matcher, { fn, enclosing: enc, modulePath: path, moduleVars, globals: globalsOf(fn) });
    if (release) facts.releases.push(release);
    facts.releases.push(...registeredReleases(call, fnNode, matcher, enc));
    const subclassModel = fnNode.type === 'identifier' ? subclasses.get(fnNode.text) : undefined;
    const match: PythonMatch | undefined = subclassModel ? { model: subclassModel, api: `${fnNode.text}(${subclassModel.acquire.calls[0] ?? subclassModel.id})`, subclass: fnNode.text } : matcher.matchCall(call, fnNode);
    if (!isTestFile) facts.calls.push(...processTargetOf(call, fnNode, imports, enc, stack));
    if (!isTestFile && !match) {
      const candidate = helperCallCandidate(call, fnNode, enc, fn);
      if (candidate) candidates.push(candidate);
      const once = fnNode.type === 'identifier' && /^[A-Z]/.test(fnNode.text) && lazySingletonGuard(call, globalsOf(fn), fn) !== undefined;
      for (const fact of [...callFactOf(call, fnNode, enc, imports, stack), ...storedHandlersOf(fnNode, call.childForFieldName('arguments'), stack)]) {
        if (once) fact.once = true;
        const key = `${fact.callee}|${fact.calleeOwner ?? ''}|${fact.calleeModule ?? ''}|${fact.caller}|${fact.callerOwner ?? ''}|${fact.callerIsEntryPoint}`;
        if (seenCalls.has(key)) continue;
        seenCalls.add(key);
        facts.calls.push(fact);
      }
    }
    if (!match) return;
    facts.uses.push({ api: match.api, line: line(call), isTest: enc.isTest });
    if (match.model.role !== 'acquire') return;
    const acquisition = acquisitionOf(call, match, enc, fn);
    // `Thread(target=..)` that nothing ever `.start()`s runs nothing.
    if (match.model.acquire.startMethods && neverStarted(call, acquisition, match.model.acquire.startMethods, fn)) return;
    facts.acquisitions.push(acquisition);
    if (acquisition.handle.kind === 'returned' && fn && !/\byield\b/.test(fn.text) && returnsItself(call, fn)) handedBack.add(acquisition);
  }

  /** One acquisition per call of a helper that returns what it opened: the model is the helper's; site, function and fate the call's. */
  function addHelperAcquisitions(): void {
    const helpers = helperFactories(facts.acquisitions, handedBack);
    if (helpers.size === 0) return;
    for (const c of candidates) {
      const helper = helperOf(c, helpers);
      const model = helper ? models.find((m) => m.id === helper.modelId) : undefined;
      if (!helper || !model) continue;
      const acquisition = acquisitionOf(c.call, { model, api: shortText(c.call.childForFieldName('function') ?? c.call, 60) }, c.enclosing, c.fn);
      acquisition.notes = [...(acquisition.notes ?? []), helperNote(c, helper)];
      facts.acquisitions.push(acquisition);
    }
  }

  function acquisitionOf(call: SyntaxNode, match: PythonMatch, enc: EnclosingFunction, fn: SyntaxNode | null): Acquisition {
    const model = match.model;
    const isTask = model.kind === 'task' || model.kind === 'thread';
    const detached = detachedBy(call, model);
    const handle = match.scopedBy
      ? { kind: 'scoped' as const, how: match.scopedBy }
      : detached
        ? { kind: 'passed' as const, to: `the operating system: \`${detached}\` detaches it on purpose` }
        : fateOf(call, {
          releases: model.releases,
          joins: isTask ? ['join', 'result'] : [],
          awaitJoins: model.kind === 'task',
          withReleases: model.withReleases !== false,
          fn,
          root,
          ...(enc.ownerType ? { ownerType: enc.ownerType } : {}),
          modulePath: path,
          globals: globalsOf(fn),
          moduleVars,
          ...(model.handleIndex !== undefined ? { handleIndex: model.handleIndex } : {}),
        });
    const acquisition: Acquisition = {
      ...acquisitionHead(model, match.api, call, lines()),
      fn: enc,
      handle,
    };
    if (insideLoop(call, fn)) acquisition.inLoop = true;
    // `conn = connect(); while True: conn.execute(..)`: a connection the loop after it reuses.
    if ((model.kind === 'connection' || model.kind === 'pool') && (handle.kind === 'local' || handle.kind === 'released-locally')) {
      const reuse = reusingLoopLine(call, handle.local, PYTHON_LOOPS, PYTHON_FUNCTIONS);
      if (reuse) acquisition.reusedByLoop = reuse;
    }
    const guard = lazySingletonGuard(call, globalsOf(fn), fn);
    const fieldGuard = guard || !enc.ownerType ? undefined : instanceFieldGuard(call, fn);
    if (guard) acquisition.guardedOnce = guard;
    else if (fieldGuard) acquisition.guardedOnce = { ...fieldGuard, perInstance: true };
    if (model.body) {
      const target = match.subclass ? undefined : bodyArgument(call, model);
      const delegate = target ? delegateOf(target) : undefined;
      acquisition.body = { longLived: false, exits: [], ignoredErrors: [], captures: [] };
      // `Worker(..).start()` for `class Worker(threading.Thread)`: the thread runs `Worker.run`.
      if (match.subclass) {
        acquisition.body.delegatesTo = 'run';
        acquisition.body.delegateOwner = match.subclass;
      } else if (delegate) {
        acquisition.body.delegatesTo = delegate.name;
        if (delegate.onOther) acquisition.body.delegateOnOther = true;
        else if (delegate.onSelf && enc.ownerType) acquisition.body.delegateOwner = enc.ownerType;
      }
    }
    if (model.kind === 'listener' || model.kind === 'subscription') {
      // `atexit.register(..)`: a process-wide registry; `post_save.connect(..)`: the signal object.
      const receiver = match.api.startsWith('.') ? fnNodeObject(call) : null;
      const source = receiver ? shortText(receiver, 40) : match.api.split('.')[0]!;
      acquisition.source = { text: source, lifetime: sourceLifetime(receiver, source) };
      const removal = removalOf(call, receiver, model, fn);
      if (removal) acquisition.handle = removal;
    }
    return acquisition;
  }

  /** Is there no start call for the handle where the code keeps it (the chain, the local's function, the field's class)? */
  function neverStarted(call: SyntaxNode, a: Acquisition, methods: readonly string[], fn: SyntaxNode | null): boolean {
    const parent = call.parent;
    if (parent?.type === 'attribute' && methods.includes(parent.childForFieldName('attribute')?.text ?? '')) return false;
    const started = (scope: SyntaxNode, receiver: string): boolean => {
      const text = scope.text;
      return methods.some((m) => new RegExp(`(^|[^\\w.])${receiver.replace(/\./g, '\\.')}\\s*\\.\\s*${m}\\s*\\(`).test(text));
    };
    switch (a.handle.kind) {
      case 'discarded':
        return true;
      case 'local':
      case 'released-locally':
      case 'awaited':
        return fn !== null && a.handle.local !== undefined && /^\w+$/.test(a.handle.local) && !started(fn, a.handle.local);
      case 'field': {
        const cls = stack.findLast((s) => s.kind === 'class' && s.name === (a.handle as { ownerType: string }).ownerType)?.node;
        return cls !== undefined && !started(cls, `self.${a.handle.field}`);
      }
      default:
        return false;
    }
  }

  function sourceLifetime(receiver: SyntaxNode | null, text: string): NonNullable<Acquisition['source']>['lifetime'] {
    if (!receiver) return 'global';
    if (selfField(receiver)) return 'owned';
    const base = text.split('.')[0]!;
    if (imports.names.has(base)) return 'imported';
    if (moduleVars.has(base)) return 'module';
    return 'unknown';
  }

  /** `sig.disconnect(handler)` / `atexit.unregister(handler)` for the same handler in the same class or function. */
  function removalOf(call: SyntaxNode, receiver: SyntaxNode | null, model: ResourceModel, fn: SyntaxNode | null): Acquisition['handle'] | undefined {
    const handler = kids(call.childForFieldName('arguments') ?? call)[0]?.text;
    if (!handler) return undefined;
    const scope = stack.findLast((s) => s.kind === 'class')?.node ?? fn ?? root;
    for (const other of scope.descendantsOfType('call')) {
      const f = other?.childForFieldName('function');
      if (!other || f?.type !== 'attribute') continue;
      const method = f.childForFieldName('attribute')?.text ?? '';
      if (!model.releases.includes(method)) continue;
      const sameSource = (f.childForFieldName('object')?.text ?? '') === (receiver?.text ?? imports.names.get('atexit') ?? 'atexit') || !receiver;
      if (sameSource && kids(other.childForFieldName('arguments') ?? other)[0]?.text === handler) return { kind: 'released-locally', local: handler, api: method, line: line(other) };
    }
    return undefined;
  }

  function ownerOf(cls: SyntaxNode): Owner {
    const name = cls.childForFieldName('name')?.text ?? '';
    const owner: Owner = { name, site: siteOf(cls), fields: [], methods: [], hasDropImpl: false };
    const bases = (cls.childForFieldName('superclasses')?.namedChildren ?? []).flatMap((b) => (b && (b.type === 'identifier' || b.type === 'attribute') ? [b.text.split('.').pop()!] : []));
    if (bases.length > 0) owner.bases = bases;
    // Only a class declared at module level can be aliased there.
    if (cls.parent?.type === 'module' || cls.parent?.parent?.type === 'module') {
      const aliases = (moduleAliases ??= classAliases(root)).get(name);
      if (aliases) owner.aliases = aliases;
    }
    const body = cls.childForFieldName('body');
    for (const item of body ? kids(body) : []) {
      const def = item.type === 'decorated_definition' ? item.childForFieldName('definition') : item;
      if (def?.type !== 'function_definition') continue;
      const mname = def.childForFieldName('name')?.text ?? '';
      owner.methods.push({ name: mname, teardown: TEARDOWN.test(mname), site: siteOf(def) });
      if (DROP_METHODS.test(mname)) owner.hasDropImpl = true;
    }
    // `self.x = ..` / `self.x: T = ..` anywhere in the class: read from the text (a tree search per class costs more).
    const seen = new Set<string>();
    for (const m of cls.text.matchAll(/\bself\.(\w+)\s*(?::[^=\n]+)?=(?!=)/g)) {
      if (seen.has(m[1]!)) continue;
      seen.add(m[1]!);
      owner.fields.push({ name: m[1]! });
    }
    return owner;
  }
}

/** `return Session()`, or `s = Session(); ..; return s`: the function hands back the handle itself. */
function returnsItself(call: SyntaxNode, fn: SyntaxNode): boolean {
  let expr = call;
  while (expr.parent && (expr.parent.type === 'await' || expr.parent.type === 'parenthesized_expression')) expr = expr.parent;
  const parent = expr.parent;
  if (parent?.type === 'return_statement') return true;
  if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== expr.id) return false;
  const local = parent.childForFieldName('left');
  if (local?.type !== 'identifier') return false;
  return fn.descendantsOfType('return_statement').some((r) => !!r && kids(r)[0]?.text === local.text);
}

/** `Popen(.., start_new_session=True)`: a keyword the model says detaches the resource on purpose. */
function detachedBy(call: SyntaxNode, model: ResourceModel): string | undefined {
  const wanted = model.acquire.detachKeywords;
  if (!wanted) return undefined;
  const args = kids(call.childForFieldName('arguments') ?? call);
  for (const a of args) {
    if (a.type !== 'keyword_argument') continue;
    const name = a.childForFieldName('name')?.text ?? '';
    const value = a.childForFieldName('value')?.text;
    if (wanted[name] !== undefined && wanted[name] === value) return `${name}=${value}`;
  }
  return undefined;
}

/** The argument that names the body a task or thread runs. */
function bodyArgument(call: SyntaxNode, model: ResourceModel): SyntaxNode | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  const all = kids(args).filter((a) => a.type !== 'comment');
  const keyword = all.find((a) => a.type === 'keyword_argument' && /^(target|function|coro|callback)$/.test(a.childForFieldName('name')?.text ?? ''));
  if (keyword) return keyword.childForFieldName('value') ?? undefined;
  const positional = all.filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
  if (model.body === 'callback') return undefined;
  return model.body === 'last-argument' ? positional.at(-1) : positional[0];
}

function fnNodeObject(call: SyntaxNode): SyntaxNode | null {
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
}

function insideLoop(node: SyntaxNode, fn: SyntaxNode | null): boolean {
  for (let cur = node.parent; cur && cur.id !== fn?.id; cur = cur.parent) {
    if (cur.type === 'lambda' || cur.type === 'function_definition') return false;
    if (cur.type === 'while_statement' || cur.type === 'for_statement') return true;
    // A comprehension makes one per element.
    if (cur.type === 'list_comprehension' || cur.type === 'set_comprehension' || cur.type === 'generator_expression' || cur.type === 'dictionary_comprehension') return true;
  }
  return false;
}

/**
 * `WSGIMiddleware = _WSGIMiddleware` at module level, also in a `try`/`except`/`else` or `if` there
 * (a fallback when an optional import fails): the class's other names, by class.
 */
function classAliases(root: SyntaxNode): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const blocks = ['try_statement', 'except_clause', 'else_clause', 'finally_clause', 'if_statement', 'elif_clause', 'block'];
  const visit = (node: SyntaxNode, depth: number): void => {
    for (const stmt of kids(node)) {
      if (blocks.includes(stmt.type) && depth < 4) {
        visit(stmt, depth + 1);
        continue;
      }
      const a = stmt.type === 'expression_statement' ? kids(stmt)[0] : undefined;
      const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
      const right = a?.childForFieldName('right');
      if (left?.type !== 'identifier' || right?.type !== 'identifier' || !/^_*[A-Z]/.test(right.text) || left.text === right.text) continue;
      out.set(right.text, [...(out.get(right.text) ?? []), left.text]);
    }
  };
  visit(root, 0);
  return out;
}

/** Names assigned at module level (`client = httpx.Client()`, `_tasks: set = set()`). */
function moduleVariables(root: SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (const stmt of kids(root)) {
    if (stmt.type !== 'expression_statement') continue;
    const a = kids(stmt)[0];
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier') out.add(left.text);
  }
  return out;
}

/** Module constants with a number value (`INTERVAL = 30`, `PERIOD = 5 * 60`). */
function numericConstants(root: SyntaxNode): Map<string, number> {
  const out = new Map<string, number>();
  for (const stmt of kids(root)) {
    const a = stmt.type === 'expression_statement' ? kids(stmt)[0] : undefined;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) continue;
    const n = numberOf(right, out);
    if (n !== undefined) out.set(left.text, n);
  }
  return out;
}

function numberOf(node: SyntaxNode, consts: ReadonlyMap<string, number>, depth = 0): number | undefined {
  // A period is a short expression; a sum of thousands of terms is not one (and must not overflow the stack).
  if (depth > 12) return undefined;
  if (node.type === 'integer' || node.type === 'float') {
    const n = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  if (node.type === 'identifier') return consts.get(node.text);
  if (node.type === 'keyword_argument') {
    const v = node.childForFieldName('value');
    return v ? numberOf(v, consts, depth + 1) : undefined;
  }
  if (node.type === 'binary_operator') {
    const l = node.childForFieldName('left');
    const r = node.childForFieldName('right');
    const op = node.childForFieldName('operator')?.text;
    const a = l ? numberOf(l, consts, depth + 1) : undefined;
    const b = r ? numberOf(r, consts, depth + 1) : undefined;
    if (a === undefined || b === undefined) return undefined;
    if (op === '*') return a * b;
    if (op === '+') return a + b;
    if (op === '/') return b === 0 ? undefined : a / b;
    return undefined;
  }
  if (node.type === 'parenthesized_expression') {
    const inner = kids(node)[0];
    return inner ? numberOf(inner, consts, depth + 1) : undefined;
  }
  return undefined;
}

export { dottedName, qualify };
