// A goroutine that sends on an unbuffered channel its spawner may stop reading:
// the spawner `select`s that receive against another case (a timeout, another
// goroutine's result) or leaves its `for range ch` early, and the sender then
// blocks on its send for ever (the classic goroutine leak of a timed-out call).
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, line } from '../shared/tree.js';

export interface AbandonedSend {
  channel: string;
  /** The blocking send in the goroutine. */
  line: number;
  /** The spawner's only receive of the channel, and why it may never run. */
  receiveLine: number;
  why: string;
}

function insideLiteral(node: SyntaxNode, root: SyntaxNode): boolean {
  for (let cur = node.parent; cur && cur.id !== root.id; cur = cur.parent) if (cur.type === 'func_literal') return true;
  return false;
}

function within(node: SyntaxNode, outer: SyntaxNode): boolean {
  return node.startIndex >= outer.startIndex && node.endIndex <= outer.endIndex;
}

/** `make(chan T)` or `make(chan T, 0)`. */
function unbufferedMake(expr: SyntaxNode | undefined): boolean {
  if (expr?.type !== 'call_expression' || expr.childForFieldName('function')?.text !== 'make') return false;
  const args = kids(expr.childForFieldName('arguments')!);
  return args[0]?.type === 'channel_type' && (args.length === 1 || args[1]?.text === '0');
}

/** The value `name` is set to in `fn` (`ch := make(..)`, `r.ch = make(..)`), when there is exactly one such statement. */
function madeUnbuffered(name: string, fn: SyntaxNode): boolean {
  const values: SyntaxNode[] = [];
  for (const stmt of fn.descendantsOfType(['short_var_declaration', 'assignment_statement', 'var_spec'])) {
    if (!stmt) continue;
    const left = stmt.type === 'var_spec' ? kids(stmt).filter((k) => k.type === 'identifier') : kids(stmt.childForFieldName('left') ?? stmt);
    const right = stmt.type === 'var_spec' ? kids(stmt).find((k) => k.type === 'expression_list') : stmt.childForFieldName('right');
    const i = left.findIndex((k) => k.text === name);
    if (i < 0 || !right) continue;
    const vals = right.type === 'expression_list' ? kids(right) : [right];
    if (vals[i]) values.push(vals[i]!);
  }
  return values.length === 1 && unbufferedMake(values[0]);
}

function isReceiveOf(node: SyntaxNode, channel: string): boolean {
  if (node.type !== 'unary_expression' || !node.text.startsWith('<-')) return false;
  return node.childForFieldName('operand')?.text.replace(/\s+/g, '') === channel;
}

/** Does `body` hold a return (outside closures) that leaves the function? */
function returnsFrom(body: SyntaxNode): boolean {
  return body.descendantsOfType('return_statement').some((r) => !!r && !insideLiteral(r, body));
}

/**
 * The first send in goroutine `literal` (spawned in `fn`) on an unbuffered channel that `fn`
 * makes and may stop receiving. Undefined when the send sits in a `select` (it can give up), the
 * channel is handed to anything else, or something else also receives it.
 */
export function abandonedSend(literal: SyntaxNode, fn: SyntaxNode): AbandonedSend | undefined {
  const body = literal.childForFieldName('body');
  if (!body) return undefined;
  for (const send of body.descendantsOfType('send_statement')) {
    if (!send || insideLiteral(send, body) || send.parent?.type === 'communication_case') continue;
    const chNode = send.childForFieldName('channel');
    const channel = chNode?.text.replace(/\s+/g, '');
    if (!chNode || !channel || !/^[A-Za-z_][\w.]*$/.test(channel)) continue;
    if (!madeUnbuffered(channel, fn)) continue;
    const found = abandonedReceive(channel, literal, fn);
    if (found) return { channel, line: line(send), ...found };
  }
  return undefined;
}

function abandonedReceive(channel: string, literal: SyntaxNode, fn: SyntaxNode): { receiveLine: number; why: string } | undefined {
  const receives: SyntaxNode[] = [];
  const fnBody = fn.childForFieldName('body');
  if (!fnBody) return undefined;
  // Every mention of the channel outside the sending goroutines: receives, ranges, its make, close.
  for (const id of fnBody.descendantsOfType(['identifier', 'selector_expression'])) {
    if (!id || id.text.replace(/\s+/g, '') !== channel) continue;
    if (within(id, literal)) continue;
    const parent = id.parent!;
    if (parent.type === 'send_statement' && parent.childForFieldName('channel')?.id === id.id) continue; // another sender
    if (isReceiveOf(parent, channel)) {
      receives.push(parent);
      continue;
    }
    if (parent.type === 'range_clause' && parent.childForFieldName('right')?.id === id.id) {
      receives.push(parent);
      continue;
    }
    if (parent.type === 'argument_list' && /^(close|len|cap)$/.test(parent.parent?.childForFieldName('function')?.text ?? '')) continue;
    if (parent.type === 'expression_list' && /^(short_var_declaration|assignment_statement)$/.test(parent.parent?.type ?? '') && parent.parent!.childForFieldName('left')?.id === parent.id) continue;
    if (parent.type === 'var_spec') continue;
    // `if ch == nil`: a test, not a use.
    if (parent.type === 'binary_expression' && /^(==|!=)$/.test(parent.childForFieldName('operator')?.text ?? '')) continue;
    // Handed on, stored, captured by some other closure that might read it: not judged.
    return undefined;
  }
  if (receives.length !== 1) return undefined;
  const recv = receives[0]!;
  if (insideLiteral(recv, fnBody)) return undefined;
  if (recv.type === 'range_clause') {
    const loop = recv.parent!;
    const loopBody = loop.childForFieldName('body');
    if (!loopBody || !returnsFrom(loopBody)) return undefined;
    return { receiveLine: line(recv), why: `\`for range ${channel}\` (line ${line(recv)}) returns from the loop early, before every sender has sent` };
  }
  // `case v := <-ch:` in a select with another case, outside any loop of the spawner.
  let caseNode: SyntaxNode | null = recv.parent;
  while (caseNode && caseNode.type !== 'communication_case' && caseNode.type !== 'statement_list' && caseNode.id !== fnBody.id) caseNode = caseNode.parent;
  if (caseNode?.type !== 'communication_case') return undefined;
  const select = caseNode.parent!;
  for (let cur = select.parent; cur && cur.id !== fnBody.id; cur = cur.parent) if (cur.type === 'for_statement') return undefined;
  const others = kids(select).filter((c) => (c.type === 'communication_case' || c.type === 'default_case') && c.id !== caseNode!.id);
  if (others.length === 0) return undefined;
  // A goroutine that sends on one of two channels per path (a result or an error) is always received.
  const literalSends = new Set(
    (literal.childForFieldName('body')?.descendantsOfType('send_statement') ?? []).map((s) => s?.childForFieldName('channel')?.text.replace(/\s+/g, '')),
  );
  const other = others.find((c) => {
    if (c.type === 'default_case') return true;
    const comm = kids(c)[0];
    const chan = comm ? (comm.type === 'receive_statement' ? kids(comm).find((k) => k.type === 'unary_expression') : comm.type === 'unary_expression' ? comm : undefined) : undefined;
    const name = chan?.childForFieldName('operand')?.text.replace(/\s+/g, '');
    return !name || !literalSends.has(name);
  });
  if (!other) return undefined;
  const otherText = other.type === 'default_case' ? 'default' : `case ${kids(other)[0]?.text.replace(/\s+/g, ' ') ?? ''}`;
  return { receiveLine: line(recv), why: `the only receive of \`${channel}\` (line ${line(recv)}) is one case of a \`select\` whose \`${otherText.slice(0, 60)}\` (line ${line(other)}) can win instead, and nothing receives it afterwards` };
}
