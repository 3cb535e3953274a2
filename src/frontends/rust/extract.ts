// Rust frontend: a tree-sitter CST in, language-neutral facts out.
import type { SyntaxNode, SyntaxTree } from '../../parse/syntax.js';
import type { ApiUse, EnclosingFunction, FileFacts, Owner, OwnerMethod } from '../../facts/types.js';
import { emptyFileFacts } from '../../facts/empty.js';
import type { ResourceModel } from '../../models/schema.js';
import { parseSuppressions, type CommentSpan } from '../shared/suppressions.js';
import { lineCount, splitLines } from '../shared/lines.js';
import { snippetOf, kids, line, siteOf } from '../shared/tree.js';
import { ATTRIBUTE_NODE_TYPE, AttributeWindow } from './attribute-window.js';
import { analyseBody, BODY_INDEX_TYPES, hasLongLivedLoop, type PeriodResolver } from './body.js';
import { enclosingFromScopes, fileModuleOf, implTypeName, scopeItem, type ScopeItem } from './functions.js';
import { collectImports, IMPORT_NODE_TYPES } from './imports.js';
import { NodeIndex, ScopeStack } from './node-index.js';
import { exchangeGate, staticNames } from './once-guards.js';
import { CallMatcher } from './match.js';
import { collectDurationConsts, durationMs } from './durations.js';
import { freeFunctionNames } from './call-names.js';
import { helperAcquisitions, helperCallCandidate, type HelperCallCandidate } from './helper-spawns.js';
import { callFactRecorder } from './call-facts.js';
import { acquisitionRecorder } from './acquisitions.js';
import { recordShrink, releaseOf, SHRINKS } from './releases.js';

/** Teardown method names: they run when the owner goes away. `post_stop` is ractor's. */
// `shutdown_token()`, `stop_handle()`, `shutdown_signal_mut()`: accessors that hand out a means to stop, not teardowns.
const TEARDOWN = /^(drop|close|shutdown|shut_down|stop|stop_all|terminate|abort|abort_all|cancel|dispose|destroy|cleanup|clean_up|teardown|tear_down|kill|halt|quit|disconnect|release|post_stop|graceful_shutdown)(_|$)(?!.*_?(token|handle|signal|sender|notifier|tx|rx)(_mut|_ref)?$)/;

export interface RustFrontendInput {
  path: string;
  source: string;
  tree: SyntaxTree;
  models: readonly ResourceModel[];
  isTestFile: boolean;
}

/** Node types the main pass handles (mod_item only to know which code is test code). */
const MAIN_NODE_TYPES = ['ERROR', 'struct_item', 'impl_item', 'trait_item', 'function_item', 'mod_item', 'call_expression', 'struct_expression', 'assignment_expression'];
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
  const freeFns = freeFunctionNames(index);
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
  const staticsOf = (): Set<string> => (statics ??= staticNames(source));
  const innermostFunction = (): SyntaxNode | undefined => scopes.values().filter((s) => s.type === 'function_item').at(-1)?.node;
  const { recordCall, recordReferences, recordConstruction, boundInFunction } = callFactRecorder({ facts, source, index, imports, freeFns, enclosingOf, innermostFunction, statics: staticsOf, fieldType: (field) => matcher.fieldType(field) });
  const acquisitionOf = acquisitionRecorder({ index, lines, matcher, periods, imports, freeFns, statics: staticsOf, boundInFunction });

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
        if (method !== undefined && matcher.isReleaseName(method)) facts.releases.push(releaseOf(node, fnNode, method, index, enclosingOf));
        if ((method !== undefined && SHRINKS.test(method)) || (fnType === 'scoped_identifier' && /(^|::)mem::(take|replace|swap)$/.test(fnNode.text))) recordShrink(facts, node, fnNode, method, enclosingOf);
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

  if (helperCalls.length > 0) {
    const modelOf = (id: string): ResourceModel | undefined => models.find((m) => m.id === id);
    facts.acquisitions.push(...helperAcquisitions(facts.acquisitions, helperCalls, fileMethodCounts, (call) => snippetOf(call, lines()), modelOf));
  }
  facts.owners = [...owners.values()];
  facts.suppressions = comments.length > 0 ? parseSuppressions(comments, lines()) : [];
  return facts;
}

function use(api: string, node: SyntaxNode, isTest: boolean): ApiUse {
  return { api, line: line(node), isTest };
}