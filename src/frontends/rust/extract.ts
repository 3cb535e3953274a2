// Rust frontend: a tree-sitter CST in, language-neutral facts out.
import type { SyntaxNode, SyntaxTree } from '../../parse/syntax.js';
import type { Acquisition, ApiUse, EnclosingFunction, FileFacts, Owner, OwnerMethod, Release } from '../../facts/types.js';
import { emptyFileFacts } from '../../facts/empty.js';
import type { ResourceModel } from '../../models/schema.js';
import { parseSuppressions, type CommentSpan } from '../shared/suppressions.js';
import { lineCount, splitLines } from '../shared/lines.js';
import { firstLine, kids, line, siteOf, same } from '../shared/tree.js';
import { ATTRIBUTE_NODE_TYPE, AttributeWindow } from './attribute-window.js';
import { analyseBody, BODY_INDEX_TYPES, hasLongLivedLoop, type PeriodResolver } from './body.js';
import { enclosingFromScopes, fileModuleOf, functionNode, implTypeName, isWordChar, scopeItem, type ScopeItem } from './functions.js';
import { fateOf, selfField } from './handles.js';
import { collectImports, IMPORT_NODE_TYPES, normalisePath, resolvePath, type RustImports } from './imports.js';
import { NodeIndex, ScopeStack, walkTypes } from './node-index.js';
import { instanceOnceGuard } from './once-guards.js';

/** Teardown method names: they run when the owner goes away. `post_stop` is ractor's. */
// `shutdown_token()`, `stop_handle()`: accessors that hand out a means to stop, not teardowns.
const TEARDOWN = /^(drop|close|shutdown|shut_down|stop|stop_all|terminate|abort|abort_all|cancel|dispose|destroy|cleanup|clean_up|teardown|tear_down|kill|halt|quit|disconnect|release|post_stop|graceful_shutdown)(_|$)(?!.*_?(token|handle|signal|sender|notifier|tx|rx)$)/;

export interface RustFrontendInput {
  path: string;
  source: string;
  tree: SyntaxTree;
  models: readonly ResourceModel[];
  isTestFile: boolean;
}

interface CallMatch {
  model: ResourceModel;
  api: string;
}

/** Node types the main pass handles (mod_item only to know which code is test code). */
const MAIN_NODE_TYPES = ['ERROR', 'struct_item', 'impl_item', 'trait_item', 'function_item', 'mod_item', 'call_expression', 'struct_expression'];
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
        const match = matcher.matchCallee(fnNode, fnType, method, fnText);
        if (!isTestFile) recordCall(node, fnNode, fnType, method, fnText);
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
      ...(enclosing.ownerType ? { ownerType: enclosing.ownerType } : {}),
    });
    const acquisition: Acquisition = {
      modelId: model.id,
      kind: model.kind as Acquisition['kind'],
      api: match.api,
      site: siteOf(call),
      snippet: firstLine(lines()[call.startPosition.row] ?? call.text),
      fn: enclosing,
      handle,
    };
    if (insideLoop(call, fnItem)) acquisition.inLoop = true;
    const guard = instanceOnceGuard(call, fnItem);
    if (guard) acquisition.guardedOnce = { ...guard, perInstance: true };
    if (model.body) {
      const args = call.childForFieldName('arguments');
      const bodyArg = args ? kids(args).filter((a) => !a.type.endsWith('comment'))[model.body === 'last-argument' ? -1 : 0] : undefined;
      const target = bodyArg ? bodyOfArgument(bodyArg) : undefined;
      if (target) {
        const outer = outerNames(fnItem, call, index);
        acquisition.body = analyseBody(target, index, periods, outer);
        if (!acquisition.body.longLived) {
          const callee = delegatedCall(target, index, fnItem, call);
          if (callee) {
            acquisition.body.delegatesTo = callee.name;
            if (callee.onOther) acquisition.body.delegateOnOther = true;
          }
        }
      }
    }
    return acquisition;
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
    if (!callee || /^(clone|unwrap|expect|map_err|into|to_string|as_ref|await|iter|collect|push|insert|get|len|is_empty|ok|lock|send|recv)$/.test(callee)) return;
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
    }
    const enclosing = enclosingOf(call);
    if (enclosing.isTest) return;
    // `Self::new()` in a trait's default method: some type implementing the trait, not a free function.
    if (calleeOwner === 'Self') calleeOwner = enclosing.ownerType ?? '?';
    const key = `${callee}|${calleeOwner ?? ''}|${calleeModule ?? ''}|${local}|${enclosing.name}|${enclosing.ownerType ?? ''}|${enclosing.module ?? ''}`;
    if (seenCalls.has(key)) return;
    seenCalls.add(key);
    facts.calls.push({
      callee,
      ...(calleeOwner ? { calleeOwner } : {}),
      ...(calleeModule ? { calleeModule } : {}),
      caller: enclosing.name,
      ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
      ...(enclosing.module ? { callerModule: enclosing.module } : {}),
      ...(local ? { local: true as const } : {}),
      callerIsEntryPoint: enclosing.isEntryPoint,
    });
  }

  function releaseOf(call: SyntaxNode, fnNode: SyntaxNode, method: string): Release {
    const receiver = fnNode.childForFieldName('value');
    const enclosing = enclosingOf(call);
    const fn = { name: enclosing.name, ...(enclosing.ownerType ? { ownerType: enclosing.ownerType } : {}) };
    let field = receiver ? selfField(receiver) : undefined;
    if (!field && receiver?.type === 'identifier') field = fieldBoundTo(receiver.text, call, index);
    if (!field) {
      // `self.task.take().map(|h| h.abort())`: the statement names the field.
      let stmt: SyntaxNode | null = call;
      while (stmt && stmt.type !== 'expression_statement' && stmt.type !== 'let_declaration' && stmt.type !== 'block') stmt = stmt.parent;
      const m = stmt ? /\bself\s*\.\s*(\w+)/.exec(stmt.text) : null;
      if (m && stmt && stmt.text.length < 400) field = m[1];
    }
    const target: Release['target'] = field
      ? { kind: 'field', field }
      : receiver?.type === 'identifier'
        ? { kind: 'local', name: receiver.text }
        : { kind: 'other', text: receiver?.text.slice(0, 60) ?? '' };
    return { api: method, target, site: siteOf(call), fn };
  }

  facts.owners = [...owners.values()];
  facts.suppressions = comments.length > 0 ? parseSuppressions(comments, lines()) : [];
  return facts;
}

/** `a::b::c`: words joined by `::`, nothing else (no spaces, generics or comments). */
const PLAIN_SCOPED = /^\w+(?:::\w+)+$/;

/**
 * The `path` and `name` texts of a scoped identifier. For a plain one they are
 * the text before and after the last `::` (the grammar nests paths to the
 * left), so the tree is only asked about the others.
 */
function scopedParts(node: SyntaxNode, text: string): { path(): string | undefined; name(): string | undefined } {
  if (PLAIN_SCOPED.test(text)) {
    const cut = text.lastIndexOf('::');
    return { path: () => text.slice(0, cut), name: () => text.slice(cut + 2) };
  }
  return { path: () => node.childForFieldName('path')?.text, name: () => node.childForFieldName('name')?.text };
}

/** Types that hand method calls on to what they hold (Deref), or hold anything: they name no receiver type. */
const WRAPPER_TYPES = /^(Arc|Rc|Box|Weak|Mutex|RwLock|RefCell|Cell|Pin|Cow|Option|Result|Some|Ok|Err|Vec|VecDeque|HashMap|HashSet|BTreeMap|BTreeSet|String|ManuallyDrop|MaybeUninit)$/;

/** Does `name` occur in `text` other than as a call (`name(`), a path segment (`a::name`) or a field (`.name`)? */
function mayBind(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = text.charCodeAt(at - 1);
    const after = at + name.length;
    if (isWordChar(before) || isWordChar(text.charCodeAt(after))) continue;
    if (before === 46 /* . */ || (before === 58 /* : */ && text.charCodeAt(at - 2) === 58)) continue;
    let next = after;
    while (text.charCodeAt(next) === 32) next++;
    if (text.charCodeAt(next) === 40 /* ( */ || (text.charCodeAt(next) === 58 && text.charCodeAt(next + 1) === 58)) continue;
    return true;
  }
  return false;
}

/** Nodes whose identifier children bind a name. */
const PATTERN_PARENTS: ReadonlySet<string> = new Set([
  'let_declaration', 'parameter', 'closure_parameters', 'tuple_pattern', 'tuple_struct_pattern', 'slice_pattern', 'field_pattern',
  'or_pattern', 'ref_pattern', 'mut_pattern', 'reference_pattern', 'captured_pattern', 'match_pattern', 'let_condition', 'for_expression',
]);

/** Names of the free functions the file declares: outside any impl or trait. */
function freeFunctionNames(index: NodeIndex): Set<string> {
  const names = new Set<string>();
  // The index is in pre-order: a container holds the nodes that start before it ends.
  const containers: number[] = [];
  for (let i = 0; i < index.nodes.length; i++) {
    const type = index.types[i]!;
    if (type !== 'impl_item' && type !== 'trait_item' && type !== 'function_item') continue;
    const node = index.nodes[i]!;
    while (containers.length > 0 && containers[containers.length - 1]! <= node.startIndex) containers.pop();
    if (type === 'function_item') {
      if (containers.length === 0) {
        const name = node.childForFieldName('name')?.text;
        if (name) names.add(name);
      }
    } else containers.push(node.endIndex);
  }
  return names;
}

/** `crate::jobs::run` -> `jobs`: the module an imported function comes from, when the path names one. */
function moduleOfPath(path: string): string | undefined {
  const parts = path.split('::');
  const module = parts[parts.length - 2];
  return module && /^[a-z_]\w*$/.test(module) && !/^(self|super|crate)$/.test(module) ? module : undefined;
}

/** Methods on a Result or Option that hand back the value they hold. */
const RESULT_PASS_THROUGH = /^(unwrap|expect|context|with_context|map_err|unwrap_or_else|unwrap_or_default|ok_or|ok_or_else)$/;

/** `Server::new(..)?`, `Config::default().await`, `Server { .. }`: the type that expression makes, when it says. */
function constructedType(expr: SyntaxNode): string | undefined {
  let e: SyntaxNode | null = expr;
  for (;;) {
    if (!e) return undefined;
    if (e.type === 'try_expression' || e.type === 'await_expression' || e.type === 'parenthesized_expression') e = e.namedChildren[0] ?? null;
    else if (e.type === 'call_expression' && e.childForFieldName('function')?.type === 'field_expression' && RESULT_PASS_THROUGH.test(e.childForFieldName('function')!.childForFieldName('field')?.text ?? '')) {
      // `Server::new(..).context("..")?`: error handling around the value, not another value.
      e = e.childForFieldName('function')!.childForFieldName('value');
    } else break;
  }
  if (e.type === 'struct_expression') return plainType(e.childForFieldName('name')?.text ?? '');
  if (e.type !== 'call_expression') return undefined;
  const fn = e.childForFieldName('function');
  if (fn?.type !== 'scoped_identifier' || !/^(new|default)$/.test(fn.childForFieldName('name')?.text ?? '')) return undefined;
  return plainType(fn.childForFieldName('path')?.text ?? '');
}

/** `dist::http::Server` -> `Server`; `&mut Server` -> `Server`; generic or wrapper types -> undefined. */
function plainType(text: string): string | undefined {
  const stripped = text.replace(/^&\s*(?:'\w+\s+)?(?:mut\s+)?/, '').trim().replace(/::<[^<>]*>/g, '');
  if (/[<>&()[\]\s]/.test(stripped)) return undefined;
  const last = stripped.slice(stripped.lastIndexOf(':') + 1);
  return /^[A-Z]\w*$/.test(last) && !WRAPPER_TYPES.test(last) ? last : undefined;
}

/** `crc::Crc::<u32>` -> `crc::Crc`: the turbofish names no type or module of its own. */
function withoutGenerics(path: string): string {
  if (!path.includes('<')) return path;
  let out = path;
  for (let before = ''; before !== out; ) {
    before = out;
    out = out.replace(/<[^<>]*>/g, '');
  }
  return out.replace(/::$/, '').replace(/::::/g, '::');
}

function use(api: string, node: SyntaxNode, isTest: boolean): ApiUse {
  return { api, line: line(node), isTest };
}

/** Matches call expressions against the models' call paths and method names. */
interface ModelTables {
  calls: Map<string, ResourceModel>;
  methods: Map<string, ResourceModel[]>;
  /** Last segments of the model call paths: a builder chain can only end in one of these. */
  callNames: Set<string>;
  /** Every model's release method names. */
  releases: Set<string>;
}

/** Model lookups, built once per model list (the same list comes with every file). */
const tablesByModels = new WeakMap<readonly ResourceModel[], ModelTables>();

function modelTables(models: readonly ResourceModel[]): ModelTables {
  let tables = tablesByModels.get(models);
  if (tables) return tables;
  tables = { calls: new Map(), methods: new Map(), callNames: new Set(), releases: new Set() };
  for (const model of models) {
    for (const release of model.releases) tables.releases.add(release);
    for (const call of model.acquire.calls) {
      tables.calls.set(call, model);
      tables.callNames.add(call.split('::').pop()!);
    }
    for (const method of model.acquire.methods) {
      const list = tables.methods.get(method) ?? [];
      list.push(model);
      tables.methods.set(method, list);
    }
  }
  tablesByModels.set(models, tables);
  return tables;
}

class CallMatcher {
  private readonly calls: Map<string, ResourceModel>;
  private readonly methods: Map<string, ResourceModel[]>;
  private readonly callNames: Set<string>;
  private readonly releases: Set<string>;
  /** Path as written -> match; the file's imports are fixed, so each path is resolved once. */
  private readonly byPath = new Map<string, CallMatch | undefined>();

  constructor(models: readonly ResourceModel[], private readonly imports: RustImports) {
    ({ calls: this.calls, methods: this.methods, callNames: this.callNames, releases: this.releases } = modelTables(models));
  }

  /** Is `method` a release method of some model? */
  isReleaseName(method: string): boolean {
    return this.releases.has(method);
  }

  match(call: SyntaxNode): CallMatch | undefined {
    const fn = call.childForFieldName('function');
    return fn ? this.matchCallee(fn) : undefined;
  }

  /**
   * `match` for a call whose `function` node is already at hand, with its type and,
   * for a field expression, its field name (for an identifier, its text) when the
   * caller has read them.
   */
  matchCallee(fn: SyntaxNode, type: string = fn.type, field?: string, text?: string): CallMatch | undefined {
    if (type === 'identifier' || type === 'scoped_identifier' || type === 'generic_function') {
      const written = normalisePath(type === 'generic_function' ? (fn.childForFieldName('function')?.text ?? fn.text) : (text ?? fn.text));
      if (this.byPath.has(written)) return this.byPath.get(written);
      let found: CallMatch | undefined;
      for (const candidate of resolvePath(written, this.imports)) {
        const model = this.calls.get(candidate);
        if (model) {
          found = { model, api: written };
          break;
        }
      }
      this.byPath.set(written, found);
      return found;
    }
    if (type === 'field_expression') {
      const method = field ?? fn.childForFieldName('field')?.text ?? '';
      const viaBuilder = this.callNames.has(method) ? this.matchBuilderChain(fn, method) : undefined;
      if (viaBuilder) return viaBuilder;
      const candidates = this.methods.get(method);
      if (!candidates) return undefined;
      const model = candidates.find(
        (m) => m.acquire.requiresImport.length === 0 || m.acquire.requiresImport.some((lib) => this.imports.roots.has(lib)),
      );
      return model ? { model, api: `.${method}()` } : undefined;
    }
    return undefined;
  }

  /**
   * `std::thread::Builder::new().name(..).spawn(..)`: a method at the end of a
   * builder chain whose root is `Type::new()` matches the model call `Type::method`.
   */
  private matchBuilderChain(fn: SyntaxNode, method: string): CallMatch | undefined {
    let receiver = fn.childForFieldName('value');
    for (let i = 0; receiver && i < 8; i++) {
      if (receiver.type !== 'call_expression') return undefined;
      const inner = receiver.childForFieldName('function');
      if (!inner) return undefined;
      if (inner.type === 'field_expression') {
        receiver = inner.childForFieldName('value');
        continue;
      }
      if (inner.type !== 'scoped_identifier') return undefined;
      const written = normalisePath(inner.text);
      for (const candidate of resolvePath(written, this.imports)) {
        const typePath = candidate.split('::').slice(0, -1).join('::');
        const model = this.calls.get(`${typePath}::${method}`);
        if (model) return { model, api: `${written.split('::').slice(0, -1).join('::')}::…${method}` };
      }
      return undefined;
    }
    return undefined;
  }
}

/** The block a spawned argument runs: `async move { .. }`, `move || { .. }`, `async { .. }`. */
function bodyOfArgument(arg: SyntaxNode): SyntaxNode | undefined {
  if (arg.type === 'async_block') return arg;
  if (arg.type === 'closure_expression') {
    const body = arg.childForFieldName('body');
    return body ?? undefined;
  }
  // `tokio::spawn(run(rx))`, `tokio::spawn(self.run())`, `tokio::spawn(Box::pin(fut))`
  if (arg.type === 'call_expression' || arg.type === 'identifier' || arg.type === 'await_expression') return arg;
  return undefined;
}

/** The function a non-looping body hands its work to: `run_loop(rx).await` -> `run_loop`. */
function delegatedCall(body: SyntaxNode, index: NodeIndex, fnItem: SyntaxNode | null, spawn: SyntaxNode): { name: string; onOther: boolean } | undefined {
  const calls: { name: string; onOther: boolean }[] = [];
  index.walk(body, ['closure_expression', 'call_expression'], (node, type) => {
    if (type === 'closure_expression' && !same(node, body)) return false;
    if (type === 'call_expression') {
      const fn = node.childForFieldName('function');
      if (fn?.type === 'identifier') calls.push({ name: fn.text, onOther: false });
      else if (fn?.type === 'scoped_identifier') calls.push({ name: fn.childForFieldName('name')?.text ?? '', onOther: false });
      else if (fn?.type === 'field_expression') {
        const method = fn.childForFieldName('field')?.text ?? '';
        // `self.run()`, or `this.run()` after `let this = self.clone()`, is the spawning type's own
        // method; `server.run()` after `let server = builder.build()` some other value's.
        const receiver = fn.childForFieldName('value');
        const onOther = receiver?.type !== 'self' && !(receiver?.type === 'identifier' && boundToSelf(receiver.text, fnItem, spawn, index));
        if (!/^(clone|await|unwrap|expect|into|to_string|as_ref|map_err|lock|read|write|send|recv)$/.test(method)) calls.push({ name: method, onOther });
      }
    }
    return true;
  });
  return calls.find((c) => c.name !== '');
}

/** Is `name` bound, before `at`, to the function's own receiver: `let this = self.clone()`, `Arc::clone(&self)`, `self`? */
function boundToSelf(name: string, fnItem: SyntaxNode | null, at: SyntaxNode, index: NodeIndex): boolean {
  const value = fnItem ? lastLetBefore(name, fnItem, at, index)?.childForFieldName('value')?.text : undefined;
  return value !== undefined && SELF_VALUE.test(value.replace(/\s+/g, ''));
}

/** The last `let name = ..` (or `let mut name`) of the function before `at`: the binding `name` refers to there. */
function lastLetBefore(name: string, fnItem: SyntaxNode, at: SyntaxNode, index: NodeIndex): SyntaxNode | undefined {
  const body = fnItem.childForFieldName('body');
  let found: SyntaxNode | undefined;
  if (body) {
    index.walk(body, ['let_declaration'], (n) => {
      if (n.startIndex >= at.startIndex) return 'stop';
      if (n.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') === name) found = n;
      return true;
    });
  }
  return found;
}

/** `self`, `self.clone()`, `Arc::clone(&self)`, `Rc::clone(&self)`: the receiver itself, shared. */
const SELF_VALUE = /^(?:self|self\.clone\(\)|(?:Arc|Rc)::clone\(&?self\))$/;

/** Let-bound names and parameters of the enclosing function declared before `at`. */
function outerNames(fnItem: SyntaxNode | null, at: SyntaxNode, index: NodeIndex): Set<string> {
  const names = new Set<string>();
  if (!fnItem) return names;
  const params = fnItem.childForFieldName('parameters');
  if (params) walkTypes(params, ['identifier', 'type_identifier'], (n) => {
    if (n.type === 'identifier' && n.parent?.type !== 'type_identifier') names.add(n.text);
    return n.type !== 'type_identifier';
  });
  const body = fnItem.childForFieldName('body');
  // Lets come in order: the first at or after `at` ends the search.
  if (body) index.walk(body, ['let_declaration'], (n) => {
    if (n.startIndex >= at.startIndex) return 'stop';
    const pattern = n.childForFieldName('pattern');
    if (pattern) walkTypes(pattern, ['identifier'], (p) => {
      if (p.type === 'identifier') names.add(p.text);
      return true;
    });
    return true;
  });
  return names;
}

function insideLoop(node: SyntaxNode, fnItem: SyntaxNode | null): boolean {
  for (let cur = node.parent; cur && !same(cur, fnItem); cur = cur.parent) {
    if (cur.type === 'closure_expression' || cur.type === 'async_block') return false;
    if (cur.type === 'loop_expression' || cur.type === 'while_expression' || cur.type === 'for_expression') return true;
  }
  return false;
}

/** `if let Some(h) = self.task.take() { h.abort() }`, `for h in self.handles.drain(..)`: which field a local came from. */
function fieldBoundTo(name: string, at: SyntaxNode, index: NodeIndex): string | undefined {
  const fnItem = functionNode(at);
  if (!fnItem) return undefined;
  let field: string | undefined;
  for (let cur = at.parent; cur && !same(cur, fnItem) && !field; cur = cur.parent) {
    let pattern: SyntaxNode | null = null;
    let value: SyntaxNode | null = null;
    if (cur.type === 'for_expression') {
      pattern = cur.childForFieldName('pattern');
      value = cur.childForFieldName('value');
    } else if (cur.type === 'if_expression' || cur.type === 'while_expression') {
      const cond = cur.childForFieldName('condition');
      if (cond?.type === 'let_condition') {
        pattern = cond.childForFieldName('pattern');
        value = cond.childForFieldName('value');
      }
    } else if (cur.type === 'closure_expression') {
      // `self.handles.iter().for_each(|h| h.abort())`
      const call = cur.parent?.parent;
      if (call?.type === 'call_expression') value = call.childForFieldName('function');
      pattern = cur.childForFieldName('parameters');
    }
    if (pattern && value && new RegExp(`\\b${name}\\b`).test(pattern.text)) field = selfField(value) ?? /\bself\s*\.\s*(\w+)/.exec(value.text)?.[1];
  }
  if (field) return field;
  // `let h = self.task.take();` earlier in the function
  const body = fnItem.childForFieldName('body');
  if (body) index.walk(body, ['let_declaration'], (n) => {
    if (n.startIndex >= at.startIndex) return 'stop';
    if (n.childForFieldName('pattern')?.text.match(new RegExp(`\\b${name}\\b`))) {
      const value = n.childForFieldName('value');
      const m = value ? /\bself\s*\.\s*(\w+)/.exec(value.text) : null;
      if (m) field = m[1];
    }
    return field ? 'stop' : true;
  });
  return field;
}

/**
 * `const HEARTBEAT: Duration = Duration::from_secs(10);` and `let d = Duration::from_secs(10)`
 * anywhere in the file, in tree order; nothing inside a const or static is looked at.
 */
function collectDurationConsts(index: NodeIndex): Map<string, number> {
  const out = new Map<string, number>();
  let insideConstUntil = -1;
  for (let i = 0; i < index.nodes.length; i++) {
    const type = index.types[i];
    if (type !== 'const_item' && type !== 'static_item' && type !== 'let_declaration') continue;
    const node = index.nodes[i]!;
    if (node.startIndex < insideConstUntil) continue;
    if (type === 'const_item' || type === 'static_item') {
      insideConstUntil = node.endIndex;
      const name = node.childForFieldName('name')?.text;
      const value = node.childForFieldName('value');
      if (name && value) {
        const ms = durationMs(value, out);
        if (ms !== undefined) out.set(name, ms);
        else {
          const n = numberOf(value, out);
          if (n !== undefined) out.set(`#${name}`, n);
        }
      }
      continue;
    }
    const pattern = node.childForFieldName('pattern');
    const value = node.childForFieldName('value');
    if (pattern?.type === 'identifier' && value) {
      const ms = durationMs(value, out);
      if (ms !== undefined && !out.has(pattern.text)) out.set(pattern.text, ms);
    }
  }
  return out;
}

const UNIT_MS: Record<string, number> = {
  from_secs: 1000,
  from_secs_f64: 1000,
  from_secs_f32: 1000,
  from_millis: 1,
  from_micros: 0.001,
  from_nanos: 0.000001,
  from_mins: 60_000,
  from_hours: 3_600_000,
};

/** Milliseconds of `Duration::from_secs(10)`, `tokio::time::Duration::from_millis(500)`, a named const, or `N * K`. */
export function durationMs(expr: SyntaxNode, consts: ReadonlyMap<string, number>): number | undefined {
  if (expr.type === 'identifier' || expr.type === 'scoped_identifier') return consts.get(expr.text.split('::').pop()!);
  if (expr.type === 'reference_expression') {
    const inner = expr.childForFieldName('value');
    return inner ? durationMs(inner, consts) : undefined;
  }
  if (expr.type !== 'call_expression') return undefined;
  const fn = expr.childForFieldName('function');
  const unit = fn ? UNIT_MS[normalisePath(fn.text).split('::').pop()!] : undefined;
  if (unit === undefined) return undefined;
  const args = expr.childForFieldName('arguments');
  const arg = args ? kids(args)[0] : undefined;
  const n = arg ? numberOf(arg, consts) : undefined;
  return n === undefined ? undefined : n * unit;
}

function numberOf(node: SyntaxNode, consts: ReadonlyMap<string, number>): number | undefined {
  if (node.type === 'integer_literal' || node.type === 'float_literal') {
    const n = Number(node.text.replace(/_/g, '').replace(/(u|i)(8|16|32|64|128|size)$|f(32|64)$/, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  if (node.type === 'identifier' || node.type === 'scoped_identifier') return consts.get(`#${node.text.split('::').pop()}`);
  if (node.type === 'binary_expression') {
    const l = node.childForFieldName('left');
    const r = node.childForFieldName('right');
    const op = node.childForFieldName('operator')?.text ?? node.children.find((c) => c && !c.isNamed)?.text;
    const a = l ? numberOf(l, consts) : undefined;
    const b = r ? numberOf(r, consts) : undefined;
    if (a === undefined || b === undefined) return undefined;
    if (op === '*') return a * b;
    if (op === '+') return a + b;
    return undefined;
  }
  if (node.type === 'parenthesized_expression') {
    const inner = kids(node)[0];
    return inner ? numberOf(inner, consts) : undefined;
  }
  return undefined;
}
