// What a spawned body does over time: does it loop forever, how often, and
// what (if anything) can make it stop.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { BodyFacts, LoopExit } from '../../facts/types.js';
import { allKids, kids, line, shortText, same } from '../shared/tree.js';
import { walkTypes, type NodeIndex } from './node-index.js';

/** Nodes that start a new function scope: exits inside them do not leave our loop. */
const SCOPE_BOUNDARY = new Set(['closure_expression', 'function_item', 'async_block']);
const LOOPS = new Set(['loop_expression', 'while_expression', 'for_expression']);
/** The nodes the exit and ignored-error scans look at (the only ones their walks act on or prune at). */
const EXIT_NODE_TYPES = [...SCOPE_BOUNDARY, 'break_expression', 'return_expression', 'try_expression', 'macro_invocation', 'call_expression'];
const IGNORED_ERROR_NODE_TYPES = [...SCOPE_BOUNDARY, 'let_declaration', 'if_expression', 'call_expression'];

const CANCEL_WORDS = /cancel|shutdown|shut_down|stop|terminat|quit|exit|is_closed|closed\(\)|running|alive|kill|abort|done|finish/i;
const SEND_WORDS = /\.(send|try_send|broadcast|cast|call|emit|publish|notify|send_message|reply)\s*\(/;
const RECV_WORDS = /\.(recv|recv_async|next|changed|accept|read|recv_many|try_recv|lock|message)\s*\(/;

export interface PeriodResolver {
  /** Milliseconds of a Duration expression, or undefined. */
  durationMs(expr: SyntaxNode): number | undefined;
  /** Is this call a period source (interval / sleep) from the models? */
  isPeriodCall(call: SyntaxNode): boolean;
}

/**
 * `index` must hold every node of `BODY_INDEX_TYPES` in the file: loops,
 * scope boundaries and calls are looked up there, not searched for again.
 */
export function analyseBody(body: SyntaxNode, index: NodeIndex, periods: PeriodResolver, outerNames: ReadonlySet<string>): BodyFacts {
  const loop = findLongLivedLoop(body, index);
  const captures = capturesOf(body, outerNames);
  if (!loop) return { longLived: false, exits: [], ignoredErrors: [], captures };
  const facts: BodyFacts = {
    longLived: true,
    loopKind: loop.kind,
    loopLine: line(loop.node),
    exits: [...loop.headExits, ...exitsOf(loop.node)],
    ignoredErrors: ignoredErrorsOf(loop.node),
    captures,
  };
  if (facts.exits.length === 0) {
    const recv = firstRecvCall(loop.node);
    if (recv) facts.ignoresChannelClose = recv;
  }
  const skipped = skippingContinue(loop.node, facts.exits);
  if (skipped) facts.exitsSkipped = skipped;
  const period = periodOf(body, index, periods);
  if (period) {
    facts.periodMs = period.ms;
    if (period.interval && facts.loopKind === 'loop') facts.loopKind = 'loop ticking an interval';
  }
  return facts;
}

/** Whether `analyseBody` would call this body long-lived, without working out the rest. */
export function hasLongLivedLoop(body: SyntaxNode, index: NodeIndex): boolean {
  return findLongLivedLoop(body, index) !== undefined;
}

/**
 * Does `call` run a future to its end on the calling thread: `rt.block_on(fut)`,
 * `futures::executor::block_on(fut)`, `Handle::current().block_on(fut)`, tokio 0.1's `tokio::run(fut)`?
 * A thread whose body does so lives as long as that future.
 */
export function blocksOn(call: SyntaxNode): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  if (fn.type === 'field_expression') return fn.childForFieldName('field')?.text === 'block_on';
  if (fn.type === 'identifier') return fn.text === 'block_on';
  if (fn.type === 'scoped_identifier') {
    const name = fn.childForFieldName('name')?.text;
    return name === 'block_on' || (name === 'run' && fn.text.replace(/\s+/g, '') === 'tokio::run');
  }
  return false;
}

/** An async block passed straight to a call that blocks on it. */
function blockedOnHere(block: SyntaxNode): boolean {
  const args = block.parent;
  const call = args?.type === 'arguments' ? args.parent : null;
  return call?.type === 'call_expression' && blocksOn(call);
}

interface FoundLoop {
  node: SyntaxNode;
  kind: string;
  headExits: LoopExit[];
}

const LOOPS_AND_BOUNDARIES = [...LOOPS, ...SCOPE_BOUNDARY];

/** The node types `analyseBody` and `hasLongLivedLoop` need in the file's index. */
export const BODY_INDEX_TYPES: readonly string[] = [...LOOPS_AND_BOUNDARIES, 'call_expression'];

/** The first loop in the body (outside nested closures) that has no finite bound of its own. */
function findLongLivedLoop(body: SyntaxNode, index: NodeIndex): FoundLoop | undefined {
  let found: FoundLoop | undefined;
  index.walk(body, LOOPS_AND_BOUNDARIES, (node, type) => {
    // Loops inside nested closures / async blocks belong to whatever runs them (another spawn), not to this body;
    // an async block this body blocks on (`rt.block_on(async { .. })`) runs here, on this thread.
    if (SCOPE_BOUNDARY.has(type)) return same(node, body) || (type === 'async_block' && blockedOnHere(node));
    found = classifyLoop(node);
    return found ? 'stop' : true;
  });
  return found;
}

function classifyLoop(node: SyntaxNode): FoundLoop | undefined {
  if (node.type === 'loop_expression') return { node, kind: 'loop', headExits: [] };
  if (node.type === 'while_expression') {
    const cond = node.childForFieldName('condition');
    if (!cond) return undefined;
    const text = shortText(cond);
    if (cond.type === 'boolean_literal' && cond.text === 'true') return { node, kind: 'while true', headExits: [] };
    if (cond.type === 'let_condition') {
      const value = cond.childForFieldName('value');
      const valueText = value ? shortText(value) : text;
      return {
        node,
        kind: 'recv loop',
        headExits: [{ kind: 'channel-closed', detail: `\`while ${text}\` ends when \`${valueText}\` yields nothing more (all senders dropped / stream ended)`, line: line(node) }],
      };
    }
    if (CANCEL_WORDS.test(text)) {
      return { node, kind: 'while', headExits: [{ kind: 'cancellation', detail: `loop condition \`${text}\` is a stop flag`, line: line(node) }] };
    }
    return { node, kind: 'while', headExits: [{ kind: 'break', detail: `loop ends when \`${text}\` becomes false`, line: line(node) }] };
  }
  // for loops over a receiver iterator never end while senders live; others are bounded.
  const value = node.childForFieldName('value');
  const text = value ? shortText(value) : '';
  if (/\b(rx|receiver|incoming|recv)\b|\.iter\(\)$|\.incoming\(\)$/.test(text) && !/\.\.|\[|vec!/.test(text)) {
    return {
      node,
      kind: 'recv loop',
      headExits: [{ kind: 'channel-closed', detail: `\`for … in ${text}\` ends when the channel closes`, line: line(node) }],
    };
  }
  return undefined;
}

/** break / return / `?` that leave this loop, classified by the condition around them. */
function exitsOf(loop: SyntaxNode): LoopExit[] {
  const exits: LoopExit[] = [];
  const body = loop.childForFieldName('body');
  if (!body) return exits;
  walkTypes(body, EXIT_NODE_TYPES, (node) => {
    if (SCOPE_BOUNDARY.has(node.type)) return false;
    if (node.type === 'break_expression') {
      // A break inside a nested loop leaves that loop, unless it is labelled.
      if (insideNestedLoop(node, loop) && !node.namedChildren.some((c) => c?.type === 'label')) return true;
      exits.push(classifyExit(node, loop, 'break'));
    } else if (node.type === 'return_expression') {
      exits.push(classifyExit(node, loop, 'return'));
    } else if (node.type === 'try_expression') {
      const inner = node.namedChildren[0];
      const text = inner ? shortText(inner) : shortText(node);
      exits.push({ kind: errorKind(text), detail: `\`${text}?\` returns the error and ends the loop`, line: line(node) });
    } else if (node.type === 'macro_invocation') {
      exits.push(...macroExits(node));
      return false;
    } else if (node.type === 'call_expression') {
      const text = shortText(node);
      if (/\.(unwrap|expect)\s*\(/.test(text) && SEND_WORDS.test(text)) {
        exits.push({ kind: 'send-failed', detail: `\`${text}\` panics, ending the task, once the receivers are gone`, line: line(node) });
      }
    }
    return true;
  });
  return exits;
}

/**
 * A `continue` of this loop before every one of its exits, when all of them are stop checks:
 * `if !ready { sleep(..).await; continue; }` ahead of the only `select!` with a shutdown arm.
 */
function skippingContinue(loop: SyntaxNode, exits: readonly LoopExit[]): { line: number; detail: string } | undefined {
  if (exits.length === 0 || !exits.every((e) => e.kind === 'cancellation')) return undefined;
  const body = loop.childForFieldName('body');
  if (!body) return undefined;
  const first = Math.min(...exits.map((e) => e.line));
  let found: SyntaxNode | undefined;
  walkTypes(body, [...SCOPE_BOUNDARY, ...LOOPS, 'continue_expression'], (node) => {
    if (found) return false;
    if (SCOPE_BOUNDARY.has(node.type) || LOOPS.has(node.type)) return false;
    if (node.type === 'continue_expression' && !node.namedChildren.some((c) => c?.type === 'label') && line(node) < first) found = node;
    return true;
  });
  if (!found) return undefined;
  const context: string[] = [];
  for (let cur = found.parent; cur && !same(cur, loop); cur = cur.parent) {
    if (cur.type === 'if_expression') {
      const cond = cur.childForFieldName('condition');
      if (cond) context.push(`if ${shortText(cond)}`);
    } else if (cur.type === 'match_arm') {
      const pattern = cur.childForFieldName('pattern');
      if (pattern) context.push(`${shortText(pattern)} =>`);
    }
  }
  const where = context.length > 0 ? ` (${context.reverse().join(', ')})` : '';
  return { line: line(found), detail: `\`continue\`${where} at line ${line(found)} starts the next round before the stop check at line ${first}` };
}

function insideNestedLoop(node: SyntaxNode, loop: SyntaxNode): boolean {
  for (let cur = node.parent; cur && !same(cur, loop); cur = cur.parent) if (LOOPS.has(cur.type)) return true;
  return false;
}

function errorKind(text: string): LoopExit['kind'] {
  if (SEND_WORDS.test(text)) return 'send-failed';
  if (RECV_WORDS.test(text)) return 'channel-closed';
  return 'error-propagated';
}

/** Classify a break/return by the if / match / select arm it sits in. */
function classifyExit(node: SyntaxNode, loop: SyntaxNode, what: string): LoopExit {
  const context: string[] = [];
  for (let cur = node.parent; cur && !same(cur, loop); cur = cur.parent) {
    if (cur.type === 'if_expression') {
      const cond = cur.childForFieldName('condition');
      if (cond) context.push(shortText(cond));
    } else if (cur.type === 'match_arm') {
      const pattern = cur.childForFieldName('pattern');
      if (pattern) context.push(shortText(pattern));
    } else if (cur.type === 'match_expression') {
      const value = cur.childForFieldName('value');
      if (value) context.push(shortText(value));
    }
  }
  const text = context.join(' / ');
  const where = text ? ` when \`${text}\`` : '';
  if (CANCEL_WORDS.test(text)) return { kind: 'cancellation', detail: `${what}${where}`, line: line(node) };
  if (SEND_WORDS.test(text) || /is_err|Err\(/.test(text)) {
    if (SEND_WORDS.test(text)) return { kind: 'send-failed', detail: `${what}${where}: stops once receivers are gone`, line: line(node) };
  }
  if (RECV_WORDS.test(text) || /\bNone\b|Closed/.test(text)) return { kind: 'channel-closed', detail: `${what}${where}`, line: line(node) };
  return { kind: 'break', detail: `${what}${where || ' in the loop body'}`, line: line(node) };
}

/** Macros whose arguments are code the macro expands in place: their `break`, `return` and `?` act on the loop. */
const CODE_MACROS = /(^|::)(select|select_biased|try_join|join|pin_mut|cfg_if|if_chain)$/;

/**
 * `tokio::select!` and friends: their bodies are token trees, so read the tokens. In any other
 * macro a `?` is the try operator only right after an expression (`format!("{}", read()?)`); after
 * `=`, `,` or `(` it is a sigil (`tracing::error!(error = ?e, ..)` logs `e` with Debug), not an exit.
 */
function macroExits(node: SyntaxNode): LoopExit[] {
  const name = node.childForFieldName('macro')?.text ?? '';
  const tokens = allTokens(node);
  const code = CODE_MACROS.test(name);
  const hasExit = tokens.some((t, i) => t === 'break' || t === 'return' || (t === '?' && (code || endsExpression(tokens[i - 1]))));
  if (!hasExit) return [];
  const text = shortText(node, 200);
  if (/select/.test(name)) {
    if (/cancelled\s*\(|shutdown|stop|cancel|ctrl_c|signal|terminate/i.test(text)) {
      return [{ kind: 'cancellation', detail: `\`${name}!\` has an arm that stops on a cancellation/shutdown signal`, line: line(node) }];
    }
    if (RECV_WORDS.test(text)) return [{ kind: 'channel-closed', detail: `\`${name}!\` arm exits when a receiver closes`, line: line(node) }];
  }
  if (/^(panic|unreachable|todo|unimplemented|assert)/.test(name)) return [];
  return [{ kind: 'break', detail: `\`${name}!\` can break out of the loop`, line: line(node) }];
}

/** The macro's tokens in source order. */
function allTokens(node: SyntaxNode): string[] {
  const out: string[] = [];
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    const children = allKids(n);
    if (children.length === 0) out.push(n.text);
    else for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

/** Can an expression end with this token (so that a `?` after it is the try operator)? */
function endsExpression(token: string | undefined): boolean {
  return token !== undefined && (token === ')' || token === ']' || token === '}' || /^[\w"']/.test(token));
}

/** `let _ = tx.send(..)`, `.ok();`, `if let Err(e) = x.send(..) { log }`: errors the loop ignores. */
function ignoredErrorsOf(loop: SyntaxNode): string[] {
  const out: string[] = [];
  walkTypes(loop, IGNORED_ERROR_NODE_TYPES, (node) => {
    if (SCOPE_BOUNDARY.has(node.type)) return false;
    if (node.type === 'let_declaration' && !node.childForFieldName('pattern')) {
      const value = node.childForFieldName('value');
      if (value && SEND_WORDS.test(value.text)) out.push(`let _ = ${shortText(value, 70)}`);
    } else if (node.type === 'let_declaration') {
      const pattern = node.childForFieldName('pattern');
      const value = node.childForFieldName('value');
      if (pattern?.text.startsWith('_') && value && SEND_WORDS.test(value.text)) out.push(`let ${pattern.text} = ${shortText(value, 70)}`);
    } else if (node.type === 'if_expression') {
      const cond = node.childForFieldName('condition');
      const consequence = node.childForFieldName('consequence');
      if (cond?.type === 'let_condition' && /^Err\b/.test(cond.childForFieldName('pattern')?.text ?? '')) {
        const value = cond.childForFieldName('value');
        if (value && SEND_WORDS.test(value.text) && consequence && !hasExitToken(consequence)) {
          out.push(`if let Err(..) = ${shortText(value, 60)} { /* only logged */ }`);
        }
      }
    } else if (node.type === 'call_expression') {
      const fn = node.childForFieldName('function');
      if (fn?.type === 'field_expression' && fn.childForFieldName('field')?.text === 'ok' && node.parent?.type === 'expression_statement') {
        const inner = fn.childForFieldName('value');
        if (inner && SEND_WORDS.test(inner.text)) out.push(`${shortText(inner, 70)}.ok()`);
      }
    }
    return true;
  });
  return out;
}

function firstRecvCall(loop: SyntaxNode): string | undefined {
  let found: string | undefined;
  walkTypes(loop, [...SCOPE_BOUNDARY, 'call_expression'], (node) => {
    if (found || SCOPE_BOUNDARY.has(node.type)) return false;
    if (node.type === 'call_expression' && /\.(recv|recv_async)\s*\(\s*\)$/.test(node.text.replace(/\s+/g, ''))) found = shortText(node, 60);
    return !found;
  });
  return found;
}

function hasExitToken(node: SyntaxNode): boolean {
  let found = false;
  walkTypes(node, ['break_expression', 'return_expression', 'try_expression'], (n) => {
    if (n.type === 'break_expression' || n.type === 'return_expression' || n.type === 'try_expression') found = true;
    return !found;
  });
  return found;
}

/** The period of the loop: the first interval(...) or sleep(...) in the body. */
function periodOf(body: SyntaxNode, index: NodeIndex, periods: PeriodResolver): { ms: number; interval: boolean } | undefined {
  let out: { ms: number; interval: boolean } | undefined;
  index.walk(body, ['call_expression'], (node) => {
    if (!periods.isPeriodCall(node)) return true;
    const args = node.childForFieldName('arguments');
    const arg = args ? kids(args).find((a) => a.type !== 'line_comment' && a.type !== 'block_comment') : undefined;
    // interval_at(start, period): the period is the last argument.
    const last = args ? kids(args).at(-1) : undefined;
    const expr = /interval_at/.test(node.text) ? last : arg;
    const ms = expr ? periods.durationMs(expr) : undefined;
    if (ms !== undefined) out = { ms, interval: /interval/.test(node.childForFieldName('function')?.text ?? '') };
    return out ? 'stop' : true;
  });
  return out;
}

/** Variables from the enclosing function the body uses (moved into it or borrowed). */
function capturesOf(body: SyntaxNode, outerNames: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  // One native search: identifiers only matter when there are outer names to capture.
  for (const node of body.descendantsOfType(outerNames.size > 0 ? ['identifier', 'self'] : ['self'])) {
    if (!node) continue;
    if (node.type === 'self') {
      seen.add('self');
      continue;
    }
    // `x.field` and `x.method()` still capture x; a field name itself is not an identifier node.
    if (outerNames.has(node.text) && node.parent?.type !== 'scoped_identifier') seen.add(node.text);
  }
  return [...seen].sort();
}
