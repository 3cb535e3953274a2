// Where the handle returned by an acquisition goes, within its function.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { HandleFate } from '../../facts/types.js';
import { allKids, kids, line, shortText, same } from '../shared/tree.js';
import { walkTypes } from './node-index.js';
import { boundChain, finishedLater, isMethodCall, temporaryOfStatement } from './method-chains.js';
import { escapeRegExp } from '../shared/regex.js';

/** Calls that wrap a value without taking ownership decisions: follow the wrapper instead. */
const WRAPPERS = /^(Some|Ok|Box::new|Arc::new|Rc::new|Mutex::new|RwLock::new|RefCell::new|Cell::new|std::sync::Arc::new|tokio::sync::Mutex::new|parking_lot::Mutex::new|Option::Some|AbortOnDropHandle::new|Into::into)$/;
/** Calls that explicitly drop a value. */
const DROPS = /^(drop|std::mem::drop|mem::drop|std::mem::forget|mem::forget)$/;
/** Macros that await what they are given. */
const AWAITING_MACROS = /(^|::)(select|join|try_join|pin)$/;
/** Methods whose result is still the same resource (builder chains, error mapping). */
const PASS_THROUGH = /^(build|connect|map_err|context|with_context|expect|unwrap|unwrap_or_else|ok|ok_or|ok_or_else|into|clone|await|open|finish|spawn)$/;
/**
 * Macros that format their arguments: they take references, so a local named in them (`println!("{}", c.id())`,
 * `info!(?child)`) is only read, still owned by the function.
 */
const FORMATTING_MACROS = /(^|::)(print|println|eprint|eprintln|format|format_args|write|writeln|panic|assert|assert_eq|assert_ne|debug_assert|debug_assert_eq|debug_assert_ne|trace|debug|info|warn|error|log|event|bail|anyhow|ensure|eyre)$/;
/** Enum variants that wrap the value of a `Result`/`Option`: the binding inside is the resource itself. */
const VALUE_VARIANTS = /^(Ok|Some|Result::Ok|Option::Some|std::result::Result::Ok|std::option::Option::Some)$/;
/** Methods of a `Result`/`Option` whose closure receives the value itself (`spawn().map(|c| c.id())`). */
const VALUE_CLOSURES = /^(map|and_then|map_or|map_or_else|is_ok_and|is_some_and)$/;

export interface FateOptions {
  /** Release method names for this resource (`abort`, `stop`, `close`). */
  releases: readonly string[];
  /** The task/thread is joined by awaiting the handle or calling these. */
  joins: readonly string[];
  /** A method giving the id the resource is managed by afterwards (a child's pid). */
  idMethod?: string;
  /** For tuple results: which element is the handle. */
  handleIndex?: number;
  ownerType?: string;
  /**
   * A connection or pool used as the receiver of a call chain in a `let` is dropped at the end of
   * that statement (`let req = reqwest::Client::new().get(url).build()?`): only the chain's result
   * is kept. A task handle is not judged so (`tokio::spawn(..).abort_handle()` keeps a handle).
   */
  temporaryEndsAtLet?: boolean;
  /**
   * The acquisition makes a builder (`PoolOptions::new()`, `Builder::new()`): the calls chained on
   * it set options and return it, until a finisher (`connect`, `build`, `spawn`) makes the resource.
   */
  builder?: boolean;
}


/**
 * Climb from the acquisition call through `.await`, `?` and builder chains to the
 * expression whose value is the handle. Returns that expression and, when the
 * chain itself awaits/joins a task handle, says so.
 */
export function handleExpression(call: SyntaxNode, opts: FateOptions): { expr: SyntaxNode; joined?: string } {
  let expr = call;
  for (;;) {
    const parent = expr.parent;
    if (!parent) break;
    if (parent.type === 'await_expression' || parent.type === 'try_expression') {
      if (parent.type === 'await_expression' && opts.joins.includes('await') && same(expr, call)) return { expr: parent, joined: '.await' };
      expr = parent;
      continue;
    }
    if (parent.type === 'field_expression' && same(parent.childForFieldName('value'), expr) && parent.parent?.type === 'call_expression') {
      const method = parent.childForFieldName('field')?.text ?? '';
      // `spawn()?.wait()`, `start()?.stop()`: joined or released as soon as it is made.
      if (opts.joins.includes(method) || opts.releases.includes(method)) return { expr: parent.parent, joined: `.${method}()` };
      if (!PASS_THROUGH.test(method) && !isResultAdapter(expr, call, parent.parent) && !(opts.builder && finishedLater(parent.parent))) break;
      expr = parent.parent;
      continue;
    }
    break;
  }
  return { expr };
}

/**
 * `.spawn().block_error("gpu", "..")?`: a project's own extension method on the `Result` an
 * acquisition returns, unwrapped at once with `?`, maps the error and passes the resource on.
 * Only right after the acquisition call (or an `.await` of it): later in a chain the value is
 * the resource itself, whose methods are its own.
 */
function isResultAdapter(receiver: SyntaxNode, call: SyntaxNode, method: SyntaxNode): boolean {
  if (method.parent?.type !== 'try_expression') return false;
  return same(receiver, call) || (receiver.type === 'await_expression' && same(kids(receiver)[0], call));
}

export function fateOf(call: SyntaxNode, body: SyntaxNode | null, opts: FateOptions): HandleFate {
  const { expr, joined } = handleExpression(call, opts);
  if (joined) return { kind: 'awaited' };
  return fateOfValue(expr, body, opts, 0);
}

function fateOfValue(expr: SyntaxNode, body: SyntaxNode | null, opts: FateOptions, depth: number): HandleFate {
  const parent = expr.parent;
  if (!parent || depth > 6) return { kind: 'passed', to: 'an expression' };
  switch (parent.type) {
    case 'expression_statement':
      // A `match`/`if`/block ending its block without `;` is that block's value, not a statement.
      if (parent.parent?.type === 'block' && /^(match_expression|if_expression|block|unsafe_block)$/.test(expr.type) && !allKids(parent).some((k) => k.type === ';')) {
        return fateOfBlockTail(parent, parent.parent, body, opts, depth + 1);
      }
      return { kind: 'discarded', how: 'result dropped at once (expression statement)' };
    case 'let_declaration':
      return fateOfPattern(parent, body, opts, depth);
    case 'assignment_expression':
    case 'compound_assignment_expr': {
      const left = parent.childForFieldName('left');
      if (!left) return { kind: 'passed', to: 'assignment' };
      const field = selfField(left);
      if (field) return { kind: 'field', ownerType: opts.ownerType ?? 'Self', field, line: line(parent), ...overwriteOf(parent, left, field) };
      if (left.type === 'identifier' && body) return traceLocal(left.text, parent, body, opts, depth);
      return { kind: 'passed', to: shortText(left, 40) };
    }
    case 'arguments': {
      const call = parent.parent;
      const callee = call?.childForFieldName('function');
      if (!call || !callee) return { kind: 'passed', to: 'a call' };
      const name = callee.text.replace(/\s+/g, '');
      if (WRAPPERS.test(name)) return fateOfValue(call, body, opts, depth + 1);
      if (DROPS.test(name)) return { kind: 'discarded', how: `explicitly dropped with \`${name}()\`` };
      // `ChildContainer(child)`: a tuple struct's constructor keeps the value in its field.
      const tupleStruct = tupleStructOf(callee);
      if (tupleStruct) return { kind: 'field', ownerType: tupleStruct, field: String(kids(parent).filter((k) => !k.type.endsWith('comment')).findIndex((k) => same(k, expr))), line: line(call) };
      if (callee.type === 'field_expression') {
        const method = callee.childForFieldName('field')?.text ?? '';
        const receiver = callee.childForFieldName('value');
        const field = receiver ? selfField(receiver) : undefined;
        if (field && /^(push|push_back|insert|extend|set|replace|send|store|spawn)$/.test(method)) {
          // `self.tasks.push(h)`: one more entry in a collection (not `self.slot.set(h)` / `.replace(h)`).
          const collection = /^(push|push_back|insert|extend)$/.test(method) && receiver?.text.replace(/\s+/g, '') === `self.${field}`;
          return { kind: 'field', ownerType: opts.ownerType ?? 'Self', field, line: line(call), ...(collection ? { collection: true as const } : {}) };
        }
        // `handles.push(spawn(..))` into a local collection: the handle goes where the collection goes
        // (`Node { handles, .. }`, `self.handles = handles`, returned).
        if (receiver?.type === 'identifier' && body && depth < 4 && /^(push|push_back|push_front|insert|extend)$/.test(method)) {
          const collection = traceLocal(receiver.text, call, body, opts, depth + 1);
          if (collection.kind === 'field' || collection.kind === 'returned') return collection;
        }
        return { kind: 'passed', to: `${receiver ? shortText(receiver, 30) : ''}.${method}()` };
      }
      return { kind: 'passed', to: `${name}()` };
    }
    case 'field_initializer': {
      const struct = parent.parent?.parent;
      const field = parent.childForFieldName('field')?.text ?? '?';
      return { kind: 'field', ownerType: structName(struct, opts), field, line: line(parent) };
    }
    case 'return_expression':
      return { kind: 'returned' };
    case 'block':
      return fateOfBlockTail(expr, parent, body, opts, depth);
    case 'if_expression':
    case 'else_clause':
    case 'match_arm':
    case 'match_block':
    case 'parenthesized_expression':
    case 'type_cast_expression':
      return fateOfValue(parent, body, opts, depth + 1);
    case 'match_expression':
      // The match's own value (`let c = match spawn() { Ok(c) => c, .. }`): its parent decides.
      if (!same(parent.childForFieldName('value'), expr)) return fateOfValue(parent, body, opts, depth + 1);
      return fateOfMatchArms(parent, body, opts, depth) ?? { kind: 'passed', to: 'match' };
    case 'let_condition': {
      // `if let Ok(c) = spawn() { .. }`, `while let Some(c) = ..`: the binding is the handle, alive in the block.
      const scope = conditionalBlock(parent);
      const pattern = parent.childForFieldName('pattern');
      if (!scope || !pattern || !same(parent.childForFieldName('value'), expr)) return { kind: 'passed', to: parent.type };
      return fateOfBinding(pattern, parent, body, opts, depth, scope) ?? { kind: 'passed', to: parent.type };
    }
    case 'closure_expression': {
      const mapped = mappingCall(parent);
      return mapped ? fateOfValue(mapped, body, opts, depth + 1) : { kind: 'passed', to: 'closure result' };
    }
    case 'tuple_expression':
    case 'array_expression':
      return fateOfValue(parent, body, opts, depth + 1);
    case 'token_tree':
      return { kind: 'passed', to: 'macro' };
    case 'field_expression': {
      // `Command::new("sh").spawn()?.wait()`: a release called on the value itself.
      const method = parent.childForFieldName('field')?.text ?? '';
      // `spawn().map(|c| c.id())`: the closure's parameter is the handle.
      if (same(parent.childForFieldName('value'), expr) && VALUE_CLOSURES.test(method)) {
        const closed = fateInValueClosure(parent, body, opts, depth);
        if (closed) return closed;
      }
      if (same(parent.childForFieldName('value'), expr) && parent.parent?.type === 'call_expression' && opts.releases.includes(method)) {
        return { kind: 'released-locally', local: shortText(expr, 40), api: method, line: line(parent) };
      }
      // `Command::new(..).spawn()?.id()`: managed by its id from here on, as for a local.
      if (same(parent.childForFieldName('value'), expr) && method === opts.idMethod && isMethodCall(parent)) return { kind: 'passed', to: `its id (\`.${method}()\`)` };
      // `reqwest::Client::new().get(url).send().await?;`: a temporary used as the receiver of a call
      // chain whose result the statement drops is itself dropped at the end of the statement.
      if (same(parent.childForFieldName('value'), expr) && temporaryOfStatement(parent, opts.temporaryEndsAtLet === true)) return { kind: 'discarded', how: 'a temporary: used for one call chain and dropped at the end of the statement' };
      // `let request = reqwest::Client::new().get(url).build()?;`: the chain's result is bound, the
      // client itself is a temporary. Not for a task: `spawn(..).abort_handle()` keeps a way to stop it.
      if (same(parent.childForFieldName('value'), expr) && opts.joins.length === 0 && isMethodCall(parent) && boundChain(parent)) {
        return { kind: 'discarded', how: 'a temporary: used for one call chain whose result is bound to a local, and dropped at the end of that statement' };
      }
      // `Command::new(..).spawn()?.stdout`: a field moved out of the temporary; the resource itself is dropped.
      if (same(parent.childForFieldName('value'), expr) && !isMethodCall(parent)) {
        const part = parent.childForFieldName('field')?.text ?? '?';
        return { kind: 'discarded', how: `only its \`${part}\` is kept: the value itself is a temporary, dropped at the end of the statement` };
      }
      return { kind: 'passed', to: parent.type };
    }
    default:
      return { kind: 'passed', to: parent.type };
  }
}

/** `interval.map(|d| tokio::spawn(..))`: an `Option`'s `map`/`and_then` whose result is what the closure returns. */
function mappingCall(closure: SyntaxNode): SyntaxNode | undefined {
  const args = closure.parent;
  const call = args?.parent;
  if (args?.type !== 'arguments' || call?.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'field_expression') return undefined;
  return /^(map|and_then)$/.test(callee.childForFieldName('field')?.text ?? '') ? call : undefined;
}

function fateOfBlockTail(expr: SyntaxNode, block: SyntaxNode, body: SyntaxNode | null, opts: FateOptions, depth: number): HandleFate {
  const named = kids(block).filter((c) => c.type !== 'line_comment' && c.type !== 'block_comment');
  if (!same(named[named.length - 1], expr)) return { kind: 'discarded', how: 'result dropped at once' };
  const owner = block.parent;
  if (!owner || owner.type === 'function_item') return { kind: 'returned' };
  if (owner.type === 'closure_expression') {
    const mapped = mappingCall(owner);
    if (mapped) return fateOfValue(mapped, body, opts, depth + 1);
  }
  if (owner.type === 'async_block' || owner.type === 'closure_expression') return { kind: 'passed', to: 'closure result' };
  if (owner.type === 'unsafe_block' || owner.type === 'if_expression' || owner.type === 'else_clause' || owner.type === 'match_arm') {
    return fateOfValue(owner, body, opts, depth + 1);
  }
  // A block expression (`let h = { ..; spawn(..) };`): its own parent decides.
  return fateOfValue(block, body, opts, depth + 1);
}

function fateOfPattern(decl: SyntaxNode, body: SyntaxNode | null, opts: FateOptions, depth: number): HandleFate {
  let pattern = decl.childForFieldName('pattern');
  if (!pattern) return { kind: 'discarded', how: 'bound to `_` (dropped at once)' };
  if (pattern.type === 'tuple_pattern') {
    const elements = pattern.children.filter((c): c is SyntaxNode => c !== null && c.type !== '(' && c.type !== ')' && c.type !== ',');
    const element = elements[opts.handleIndex ?? 0];
    if (!element || element.type === '_' || element.text === '_') return { kind: 'discarded', how: 'tuple element bound to `_`' };
    pattern = element;
  }
  // `let Ok(c) = spawn() else { .. };`: the binding inside the variant is the handle.
  const bound = boundName(pattern);
  if (bound === '_') return { kind: 'discarded', how: 'bound to `_` (dropped at once)' };
  if (!bound) return { kind: 'local', local: shortText(pattern, 30) };
  if (!body) return { kind: 'local', local: bound };
  return traceLocal(bound, decl, body, opts, depth);
}

/**
 * The name a pattern binds the whole value to, through `mut`, `ref` and `Ok(..)`/`Some(..)`:
 * `c`, `mut c`, `Ok(mut c)`, `Some(Ok(c))`. `_` when it binds nothing (`Ok(_)`), undefined for other shapes.
 */
function boundName(pattern: SyntaxNode): string | undefined {
  let node = pattern;
  for (let i = 0; i < 4; i++) {
    if (node.type === 'match_pattern' || node.type === 'mut_pattern' || node.type === 'ref_pattern') {
      const inner = kids(node).filter((k) => k.type !== 'mutable_specifier').at(node.type === 'match_pattern' ? 0 : -1);
      if (!inner) return undefined;
      node = inner;
      continue;
    }
    if (node.type === 'tuple_struct_pattern') {
      const variant = node.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '';
      const inner = kids(node).filter((k) => !same(k, node.childForFieldName('type')) && !k.type.endsWith('comment'));
      if (!VALUE_VARIANTS.test(variant) || inner.length !== 1) return undefined;
      node = inner[0]!;
      continue;
    }
    break;
  }
  if (node.type === 'identifier') return node.text;
  if (node.type === '_' || node.text === '_' || node.type === 'remaining_field_pattern') return '_';
  return undefined;
}

/** A binding of the handle inside a pattern, followed through `scope` only (an `if let` block, a match arm). */
function fateOfBinding(pattern: SyntaxNode, from: SyntaxNode, body: SyntaxNode | null, opts: FateOptions, depth: number, scope: SyntaxNode): HandleFate | undefined {
  const bound = boundName(pattern);
  if (bound === '_') return { kind: 'discarded', how: 'matched without a binding (dropped at the end of the statement)' };
  if (!bound) return undefined;
  return traceLocal(bound, from, body ?? scope, opts, depth + 1, scope);
}

/** The block an `if let` / `while let` condition guards (through a `let` chain). */
function conditionalBlock(condition: SyntaxNode): SyntaxNode | undefined {
  let node: SyntaxNode | null = condition.parent;
  if (node?.type === 'let_chain') node = node.parent;
  if (node?.type === 'if_expression') return node.childForFieldName('consequence') ?? undefined;
  if (node?.type === 'while_expression') return node.childForFieldName('body') ?? undefined;
  return undefined;
}

/**
 * `match spawn() { Ok(c) => .., Err(e) => .. }`: the arms that bind the value hold the handle, each
 * within its own arm. The most careful fate wins (a release in the arm that has the handle).
 */
function fateOfMatchArms(match: SyntaxNode, body: SyntaxNode | null, opts: FateOptions, depth: number): HandleFate | undefined {
  const arms = kids(match.childForFieldName('body') ?? match).filter((k) => k.type === 'match_arm');
  const fates: HandleFate[] = [];
  for (const arm of arms) {
    const pattern = arm.childForFieldName('pattern');
    const value = arm.childForFieldName('value');
    if (!pattern || !value) continue;
    const bound = boundName(pattern);
    if (!bound || bound === '_') continue;
    fates.push(traceLocal(bound, pattern, body ?? arm, opts, depth + 1, value));
  }
  return fates.sort((a, b) => FATE_RANK[a.kind] - FATE_RANK[b.kind])[0];
}

/** `spawn().map(|c| ..)`: the closure's only parameter is the handle, within the closure's body. */
function fateInValueClosure(access: SyntaxNode, body: SyntaxNode | null, opts: FateOptions, depth: number): HandleFate | undefined {
  const call = access.parent;
  if (call?.type !== 'call_expression') return undefined;
  const closure = kids(call.childForFieldName('arguments') ?? call).filter((k) => k.type === 'closure_expression').at(-1);
  const params = closure ? kids(closure.childForFieldName('parameters') ?? closure).filter((k) => !k.type.endsWith('comment')) : [];
  const scope = closure?.childForFieldName('body');
  if (!closure || params.length !== 1 || !scope) return undefined;
  return fateOfBinding(params[0]!, params[0]!, body, opts, depth, scope);
}

/** The most careful fate first: a release anywhere decides over a local kept. */
const FATE_RANK: Record<HandleFate['kind'], number> = { 'released-locally': 0, field: 1, returned: 2, awaited: 3, scoped: 4, passed: 5, local: 6, discarded: 7 };

/** Follow a local through the rest of its function: released, stored, returned, awaited, passed or dropped. */
function traceLocal(name: string, from: SyntaxNode, body: SyntaxNode, opts: FateOptions, depth: number, scope?: SyntaxNode): HandleFate {
  const fates: HandleFate[] = [];
  walkTypes(scope ?? body, ['identifier', 'shorthand_field_initializer', 'token_tree'], (node) => {
    // Only uses after the binding matter; skip subtrees that end before it.
    if (node.endIndex <= from.endIndex) return false;
    if (node.startIndex < from.endIndex) return true;
    if (node.type === 'identifier' && node.text === name) {
      const fate = fateOfUse(node, body, opts, depth);
      if (fate) fates.push(fate);
    } else if (node.type === 'shorthand_field_initializer' && node.text === name) {
      fates.push({ kind: 'field', ownerType: structName(node.parent?.parent, opts), field: name, line: line(node) });
      return false;
    } else if (node.type === 'token_tree' && new RegExp(`\\b${escapeRegExp(name)}\\b`).test(node.text)) {
      const macro = node.parent?.childForFieldName('macro')?.text ?? '';
      if (AWAITING_MACROS.test(macro)) fates.push({ kind: 'awaited', local: name });
      else {
        const m = new RegExp(`\\b${escapeRegExp(name)}\\s*\\.\\s*(\\w+)\\s*\\(`).exec(node.text);
        const released = !!m && opts.releases.includes(m[1]!);
        if (released) fates.push({ kind: 'released-locally', local: name, api: m[1]!, line: line(node) });
        if (FORMATTING_MACROS.test(macro)) {
          // Formatting takes a reference: read, not moved. A release inside it (`{}`, `c.kill()`) still counts.
          if (!released) {
            const joined = (m && opts.joins.includes(m[1]!)) || (opts.joins.includes('await') && new RegExp(`\\b${escapeRegExp(name)}\\s*\\.\\s*await\\b`).test(node.text));
            fates.push(joined ? { kind: 'awaited', local: name } : { kind: 'local', local: name });
          }
          return false;
        }
      }
    }
    return true;
  });
  fates.sort((a, b) => FATE_RANK[a.kind] - FATE_RANK[b.kind]);
  if (fates[0]) return fates[0];
  if (scope) return { kind: 'discarded', how: `bound to \`${name}\`, never used, dropped at the end of its block` };
  return name.startsWith('_')
    ? { kind: 'discarded', how: `bound to \`${name}\` and never used (dropped when the function returns)` }
    : { kind: 'discarded', how: `bound to \`${name}\`, never used, dropped when the function returns` };
}

function fateOfUse(id: SyntaxNode, body: SyntaxNode, opts: FateOptions, depth: number): HandleFate | undefined {
  const parent = id.parent;
  if (!parent) return undefined;
  if (parent.type === 'field_expression' && same(parent.childForFieldName('value'), id)) {
    const method = parent.childForFieldName('field')?.text ?? '';
    if (parent.parent?.type === 'call_expression') {
      if (opts.releases.includes(method)) return { kind: 'released-locally', local: id.text, api: method, line: line(parent) };
      if (opts.joins.includes(method)) return { kind: 'awaited', local: id.text };
      // `let pid = child.id(); write_pid_file(pid)`: managed by its id from here on (a daemon).
      if (method === opts.idMethod) return { kind: 'passed', to: `its id (\`${id.text}.${method}()\`)` };
      // A clone of a handle (ActorRef, Arc) is the same resource: follow the clone.
      if (method === 'clone' || method === 'to_owned') {
        const fate = fateOfValue(parent.parent, body, opts, depth + 1);
        return fate.kind === 'discarded' ? { kind: 'local', local: id.text } : fate;
      }
    }
    return { kind: 'local', local: id.text };
  }
  if (parent.type === 'await_expression') return opts.joins.includes('await') ? { kind: 'awaited', local: id.text } : undefined;
  if (parent.type === 'let_declaration' && same(parent.childForFieldName('value'), id)) {
    return depth < 3 ? fateOfPattern(parent, body, opts, depth + 1) : { kind: 'passed', to: 'another local' };
  }
  if (parent.type === 'reference_expression') return { kind: 'local', local: id.text };
  const fate = fateOfValue(id, body, opts, depth + 1);
  // An identifier as a statement (`h;`) or in a discarded position is not a decision about the handle.
  if (fate.kind === 'discarded') return fate.how.startsWith('explicitly') ? fate : undefined;
  return fate;
}

/**
 * The tuple struct a constructor call names: `Container(..)`, `wrap::Container(..)`, not an enum
 * variant (`Message::Child(..)`, whose path ends in a type) nor a wrapper (`Some`, `Ok`, `Box::new`).
 */
function tupleStructOf(callee: SyntaxNode): string | undefined {
  if (callee.type !== 'identifier' && callee.type !== 'scoped_identifier') return undefined;
  const parts = callee.text.replace(/\s+/g, '').split('::');
  const name = parts.pop()!;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name) || /^(Some|Ok|Err|None|Box|Arc|Rc|Pin|Cell|RefCell|Mutex|RwLock)$/.test(name)) return undefined;
  if (parts.length > 0 && /^[A-Z]/.test(parts[parts.length - 1]!)) return undefined;
  return name;
}

/**
 * `self.task = ..` in a function that does not read `self.task` before (`if let Some(t) = self.task.take()`,
 * `self.task.abort()`, `if self.task.is_none()`): the assignment replaces, unseen, any handle the field held.
 * The methods of self called before are kept: one of them may release the field.
 */
function overwriteOf(assignment: SyntaxNode, left: SyntaxNode, field: string): { overwrites?: { selfCallsBefore: string[] } } {
  if (left.text.replace(/\s+/g, '') !== `self.${field}`) return {};
  let fn: SyntaxNode | null = assignment.parent;
  while (fn && fn.type !== 'function_item') fn = fn.parent;
  if (!fn) return {};
  const before = fn.text.slice(0, assignment.startIndex - fn.startIndex);
  if (new RegExp(`\\bself\\s*\\.\\s*${escapeRegExp(field)}\\b`).test(before)) return {};
  const selfCallsBefore = [...new Set([...before.matchAll(/\bself\s*\.\s*(\w+)\s*\(/g)].map((m) => m[1]!))];
  return { overwrites: { selfCallsBefore } };
}

/** `self.x`, `self.x.y`, `self.x[i]`: the first field of self, if any. */
export function selfField(node: SyntaxNode): string | undefined {
  const m = /^self\s*\.\s*(\w+)/.exec(node.text);
  return m ? m[1] : undefined;
}

function structName(struct: SyntaxNode | null | undefined, opts: FateOptions): string {
  const name = struct?.childForFieldName('name')?.text ?? 'Self';
  if (name === 'Self') return opts.ownerType ?? 'Self';
  return name.split('::').pop()!.replace(/<.*$/, '');
}

