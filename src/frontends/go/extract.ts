// Go frontend: a tree-sitter CST in, language-neutral facts out. Goroutines
// (`go` statements) are tasks; library calls and composite literals are matched
// against the Go models; struct types are owners, their Close/Stop/Shutdown
// methods teardowns; package-level variables live as long as the process.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Acquisition, EnclosingFunction, FileFacts, Owner } from '../../facts/types.js';
import { emptyFileFacts } from '../../facts/empty.js';
import type { ResourceModel } from '../../models/schema.js';
import type { FrontendInput } from '../index.js';
import { parseSuppressions, type CommentSpan } from '../shared/suppressions.js';
import { lineCount, splitLines } from '../shared/lines.js';
import { acquisitionHead, kids, line, siteOf } from '../shared/tree.js';
import { analyseBody, exitsOf, longLivedLoops, type GoPeriods } from './body.js';
import { collectDurations, durationMs } from './durations.js';
import { enclosingOf as enclosingFunctionOf, functionNode, namedFunction, outerNames, receiverNameOf, receiverTypeOf } from './functions.js';
import { fateOf, type FateContext } from './handles.js';
import { abandonedSend } from './sends.js';
import { collectImports, qualifiedSelector, qualifiedType } from './imports.js';
import { GoMatcher, type GoMatch } from './match.js';
import { GoScopes, onceGuard, packageVariables, structFieldTypes } from './scope.js';
import { packageOnceGuard } from './package-guards.js';
import { isCliActionLiteral, recordCall, recordCliActions, recordHandler } from './calls.js';
import { recordStoredFunctions } from './dispatch.js';
import type { GoFile } from './file-context.js';
import { releaseOf } from './releases.js';

/** Teardown method names: they run when the owner goes away. */
const TEARDOWN = /^(Close|Stop|Shutdown|Shut|Terminate|Kill|Cancel|Dispose|Destroy|Cleanup|CleanUp|Teardown|TearDown|Disconnect|Quit|Halt|Abort|Release|GracefulStop|Done)([A-Z_]|$)|^(close|stop|shutdown|terminate|kill|cancel|cleanup|teardown|disconnect|quit|halt|abort|release)([A-Z_]|$)/;

/** Calls counted for the methodology section that are no resource of their own: commands made, goroutine groups, stop channels read. */
const COUNTED: Readonly<Record<string, string>> = {
  'os/exec.Command': 'exec.Command',
  'os/exec.CommandContext': 'exec.CommandContext',
  'golang.org/x/sync/errgroup.WithContext': 'errgroup.WithContext',
  'sync.WaitGroup': 'sync.WaitGroup',
};

const NODE_TYPES = ['ERROR', 'comment', 'type_spec', 'method_declaration', 'function_declaration', 'call_expression', 'go_statement', 'composite_literal'];

export function extractGo(input: FrontendInput): FileFacts {
  const { tree, source, models, path, isTestFile } = input;
  const root = tree.rootNode;
  const imports = collectImports(root);
  const pkg = root.descendantsOfType('package_identifier')[0]?.text ?? 'main';
  let splitSource: string[] | undefined;
  const lines = (): string[] => (splitSource ??= splitLines(source));
  const facts: FileFacts = emptyFileFacts(path, 'go', lineCount(source), isTestFile);
  facts.imports = imports.paths;
  const matcher = new GoMatcher(models, imports);
  const timeName = [...imports.byName].find(([, p]) => p === 'time')?.[0];
  // Read on first need: only files with goroutines or tickers ask.
  let durations: Map<string, number> | undefined;
  const packageVars = packageVariables(root);
  const tickers = new Map<string, number>();
  let fieldTypes: Map<string, Map<string, string>> | undefined;
  let funcFieldNames: Set<string> | undefined;
  /** Names of the file's struct fields whose type is a function (`func()`, `context.CancelFunc`). */
  const funcFields = (): Set<string> =>
    (funcFieldNames ??= new Set([...(fieldTypes ??= structFieldTypes(root)).values()].flatMap((f) => [...f].filter(([, t]) => /^func\b|Func$/.test(t)).map(([n]) => n))));
  const scopes = new GoScopes(root, () => (fieldTypes ??= structFieldTypes(root)));
  const qualified = (call: SyntaxNode): string | undefined => {
    const fn = call.childForFieldName('function');
    return fn ? qualifiedSelector(fn, imports, () => false) : undefined;
  };
  const periods: GoPeriods = {
    durationMs: (expr) => durationMs(expr, (durations ??= timeName ? collectDurations(root, timeName) : new Map()), timeName),
    qualified,
    tickerPeriod: (name) => tickers.get(name) ?? tickers.get(name.split('.').pop()!),
  };
  const owners = new Map<string, Owner>();
  const ownerOf = (name: string, node: SyntaxNode): Owner => {
    let o = owners.get(name);
    if (!o) owners.set(name, (o = { name, site: siteOf(node), fields: [], methods: [], hasDropImpl: false }));
    return o;
  };
  const comments: CommentSpan[] = [];
  // Every node of one function has the same enclosing function; package-level nodes get their own site.
  const enclosingByFunction = new Map<number, EnclosingFunction>();
  const enclosingOf = (node: SyntaxNode, testFile: boolean, packageName: string): EnclosingFunction => {
    const fn = functionNode(node);
    if (!fn) return enclosingFunctionOf(node, testFile, packageName);
    let known = enclosingByFunction.get(fn.id);
    if (!known) enclosingByFunction.set(fn.id, (known = enclosingFunctionOf(node, testFile, packageName, (lit) => isCliActionLiteral(lit, imports))));
    return known;
  };
  const seenCalls = new Set<string>();
  const seenStored = new Set<string>();
  const structTypes = (): Set<string> => new Set((fieldTypes ??= structFieldTypes(root)).keys());
  const file: GoFile = { facts, imports, pkg, isTestFile, scopes, matcher, packageVars, funcFields, structTypes, enclosingOf: (node) => enclosingOf(node, isTestFile, pkg) };

  for (const node of root.descendantsOfType(NODE_TYPES)) {
    if (!node) continue;
    switch (node.type) {
      case 'ERROR':
        facts.parseErrors++;
        break;
      case 'comment':
        if (node.text.includes('leakaudit-ignore')) {
          const before = lines()[node.startPosition.row]!.slice(0, node.startPosition.column);
          comments.push({ line: line(node), text: node.text, trailing: before.trim() !== '' });
        }
        break;
      case 'type_spec': {
        const name = node.childForFieldName('name')?.text;
        const type = node.childForFieldName('type');
        if (!name || type?.type !== 'struct_type') break;
        const owner = ownerOf(name, node);
        owner.site = siteOf(node);
        const list = kids(type).find((k) => k.type === 'field_declaration_list');
        for (const field of list ? kids(list) : []) {
          if (field.type !== 'field_declaration') continue;
          const ftype = field.childForFieldName('type')?.text.replace(/\s+/g, ' ');
          for (const n of kids(field)) if (n.type === 'field_identifier') owner.fields.push({ name: n.text, ...(ftype ? { type: ftype } : {}) });
        }
        break;
      }
      case 'method_declaration':
      case 'function_declaration': {
        const name = node.childForFieldName('name')?.text ?? '';
        const ownerType = node.type === 'method_declaration' ? receiverTypeOf(node) : undefined;
        if (ownerType) ownerOf(ownerType, node).methods.push({ name, teardown: TEARDOWN.test(name), site: siteOf(node) });
        recordHandler(file, node, name, ownerType);
        const body = node.childForFieldName('body');
        if (body && /\bfor\b/.test(body.text) && longLivedLoops(body, periods).length > 0) {
          facts.loopingFunctions.push({ name, ...(ownerType ? { ownerType } : {}), site: siteOf(node), body: analyseBody(body, periods, new Set()) });
        }
        break;
      }
      case 'go_statement':
        goroutine(node);
        break;
      case 'composite_literal': {
        const type = qualifiedType(node.childForFieldName('type'), imports);
        recordCliActions(file, node);
        recordStoredFunctions(file, node, seenStored);
        const match = type ? matcher.matchConstructor(type, node.childForFieldName('type')!.text) : undefined;
        if (match) acquire(node, match);
        break;
      }
      case 'call_expression':
        call(node);
        break;
      default:
        break;
    }
  }

  function call(node: SyntaxNode): void {
    let fnNode = node.childForFieldName('function');
    // `util.NewQueue[*message](..)`: an instantiated generic function is the function itself.
    if (fnNode?.type === 'index_expression') fnNode = fnNode.childForFieldName('operand');
    if (!fnNode) return;
    // A local named like an imported package (`url := ..; url.Query()`) is rare and names no model: not checked.
    const q = fnNode.type === 'selector_expression' ? qualifiedSelector(fnNode, imports, () => false) : undefined;
    const release = releaseOf(file, node, fnNode, q);
    if (release) facts.releases.push(release);
    if (!isTestFile) recordCall(file, seenCalls, node, fnNode, q);
    const match = matcher.matchCall(node, fnNode, q);
    const counted = q ? COUNTED[q] : fnNode.type === 'selector_expression' && fnNode.childForFieldName('field')?.text === 'Done' && node.parent?.type === 'unary_expression' ? '<-x.Done()' : undefined;
    if (counted) facts.uses.push({ api: counted, line: line(node), isTest: enclosingOf(node, isTestFile, pkg).isTest });
    if (!match) return;
    // A method matched by name whose model returns a tuple (`resp, err := client.Do(req)`) must be used as one:
    // `v := c.Get("key").(T)` is some other `Get`.
    if (match.model.handleIndex !== undefined && !q && !usedAsTuple(node)) return;
    if (match.model.role !== 'acquire') {
      facts.uses.push({ api: match.api, line: line(node), isTest: enclosingOf(node, isTestFile, pkg).isTest });
      return;
    }
    acquire(node, match);
  }

  function acquire(node: SyntaxNode, match: GoMatch): void {
    const model = match.model;
    const enclosing = enclosingOf(node, isTestFile, pkg);
    // Counted by method, whatever the receiver is called (`httpClient.Do()` and `c.Do()` are one API).
    facts.uses.push({ api: match.countAs ?? match.api, line: line(node), isTest: enclosing.isTest });
    const fn = functionNode(node);
    let handle = fateOf(node, fn, fateContext(model, node));
    // `t := time.NewTicker(d); for range t.C {..}` with no way out: the ticker lives as long as that
    // loop, which never ends, so no Stop could run; the loop itself is the leak (task-unstoppable).
    if (handle.kind === 'local' && model.kind === 'timer' && fn) {
      const channel = `${handle.local}.C`;
      const body = fn.childForFieldName('body');
      const endless = body ? longLivedLoops(body, periods).find((l) => l.startIndex > node.startIndex && exitsOf(l).length === 0 && l.text.includes(channel)) : undefined;
      if (endless) handle = { kind: 'passed', to: `the endless loop at line ${line(endless)}, which reads it for the rest of its life` };
    }
    // `t := time.NewTicker(10 * time.Second)`: a loop reading `t.C` wakes with that period.
    if (model.kind === 'timer' && /NewTicker$/.test(match.api)) {
      const arg = kids(node.childForFieldName('arguments')!)[0];
      const ms = arg ? periods.durationMs(arg) : undefined;
      const bound = node.parent?.parent;
      const target = bound?.type === 'short_var_declaration' || bound?.type === 'assignment_statement' ? kids(bound.childForFieldName('left')!)[0]?.text : undefined;
      if (ms !== undefined && target) tickers.set(target, ms);
    }
    const acquisition: Acquisition = {
      ...acquisitionHead(model, match.api, node, lines()),
      fn: enclosing,
      handle,
    };
    decorate(acquisition, node, fn);
    if (model.kind === 'listener') {
      const event = kids(node.childForFieldName('arguments')!)[1]?.text;
      acquisition.source = { text: match.qualified?.replace(/\.\w+$/, '') ?? match.api.replace(/\.\w+$/, ''), lifetime: 'global', ...(event ? { event } : {}) };
    }
    facts.acquisitions.push(acquisition);
  }

  /** `go func() {..}()`, `go s.run(ctx)`, `go worker(ch)`. */
  function goroutine(node: SyntaxNode): void {
    const model = matcher.goroutineModel;
    const callNode = kids(node).find((k) => k.type === 'call_expression');
    if (!model || !callNode) return;
    const target = callNode.childForFieldName('function')!;
    const literal = target.type === 'func_literal' ? target : undefined;
    const api = literal ? 'go func()' : 'go f()';
    const enclosing = enclosingOf(node, isTestFile, pkg);
    facts.uses.push({ api, line: line(node), isTest: enclosing.isTest });
    const fn = functionNode(node);
    const acquisition: Acquisition = {
      ...acquisitionHead(model, literal ? 'go func()' : `go ${target.text.replace(/\s+/g, '')}()`, node, lines()),
      fn: enclosing,
      handle: { kind: 'discarded', how: 'not joinable: Go gives no handle to stop a goroutine from outside, only its own return ends it' },
    };
    decorate(acquisition, node, fn);
    if (literal) {
      const body = literal.childForFieldName('body');
      if (body) acquisition.body = analyseBody(body, periods, outerNames(fn, node));
      const blocked = acquisition.body && !acquisition.body.longLived && fn ? abandonedSend(literal, fn) : undefined;
      if (blocked) acquisition.body!.abandonedSend = blocked;
    } else {
      acquisition.body = { longLived: false, exits: [], ignoredErrors: [], captures: [] };
      const name = target.type === 'selector_expression' ? target.childForFieldName('field')?.text : target.type === 'identifier' ? target.text : undefined;
      if (name && !qualifiedSelector(target, imports, () => false)) {
        acquisition.body.delegatesTo = name;
        const operand = target.type === 'selector_expression' ? target.childForFieldName('operand')?.text : undefined;
        const method = namedFunction(node);
        const self = method?.type === 'method_declaration' ? receiverNameOf(method) : undefined;
        // `go m.loop()` after `m := &Manager{..}` in Manager's constructor is the type's own method.
        const own = operand !== undefined && method && enclosing.ownerType !== undefined && scopes.localTypeOf(operand, method, node) === enclosing.ownerType;
        if (operand !== undefined && operand !== self && !own) acquisition.body.delegateOnOther = true;
      }
    }
    facts.acquisitions.push(acquisition);
  }

  /** In a loop, or guarded by a `sync.Once` or a package variable set once. */
  function decorate(acquisition: Acquisition, node: SyntaxNode, fn: SyntaxNode | null): void {
    if (insideLoop(node, fn)) acquisition.inLoop = true;
    const once = onceGuard(node) ?? packageOnceGuard(node, fn, packageVars, (name, at) => scopes.boundBefore(name, at));
    if (once) acquisition.guardedOnce = once;
  }

  function fateContext(model: ResourceModel, at: SyntaxNode): FateContext {
    const method = namedFunction(at);
    const rType = method?.type === 'method_declaration' ? receiverTypeOf(method) : undefined;
    const rName = method?.type === 'method_declaration' ? receiverNameOf(method) : undefined;
    return {
      releases: model.releases,
      waits: model.completion?.events ?? [],
      ...(model.drainedBy ? { drainedBy: model.drainedBy } : {}),
      ...(model.incompleteReleases ? { incompleteReleases: model.incompleteReleases } : {}),
      ...(model.borrowedBy ? { borrowedBy: borrowersOf(model) } : {}),
      ...(model.handleIsReceiver ? { handleIsReceiver: true } : {}),
      ...(model.handleIndex !== undefined ? { handleIndex: model.handleIndex } : {}),
      ...(model.handleArgument !== undefined ? { handleArgument: model.handleArgument } : {}),
      ...(rType && rName ? { receiver: { type: rType, name: rName } } : {}),
      packageVars,
      pkg,
      qualified,
      localType: (name, fnNode, node) => scopes.localTypeOf(name, fnNode, node),
    };
  }

  facts.owners = [...owners.values()];
  facts.suppressions = comments.length > 0 ? parseSuppressions(comments, lines()) : [];
  return facts;
}

/** `a, b := call()`, `a, b = call()`, `return call()` or the call as a statement: a call whose results are all taken as they come. */
function usedAsTuple(call: SyntaxNode): boolean {
  const parent = call.parent;
  if (parent?.type === 'expression_statement' || parent?.type === 'return_statement') return true;
  if (parent?.type !== 'expression_list' || parent.namedChildren.length !== 1) return false;
  const holder = parent.parent;
  if (holder?.type === 'return_statement') return true;
  if (holder?.type !== 'short_var_declaration' && holder?.type !== 'assignment_statement') return false;
  return (holder.childForFieldName('left')?.namedChildren.length ?? 0) >= 2;
}

/** Inside a `for` of its own function (one resource per iteration); a goroutine or callback literal in between starts afresh. */
function insideLoop(node: SyntaxNode, fn: SyntaxNode | null): boolean {
  let from = node;
  for (let cur = node.parent; cur && cur.id !== fn?.id; from = cur, cur = cur.parent) {
    if (cur.type === 'func_literal') return false;
    // `for range time.Tick(d)`: the range expression is evaluated once, not per iteration.
    if (cur.type === 'for_statement' && from.type !== 'range_clause') return true;
  }
  return false;
}

const borrowers = new WeakMap<ResourceModel, RegExp[]>();
/** A model's `borrowedBy` patterns, compiled once per model. */
function borrowersOf(model: ResourceModel): RegExp[] {
  let known = borrowers.get(model);
  if (!known) borrowers.set(model, (known = (model.borrowedBy ?? []).map((b) => new RegExp(b))));
  return known;
}
