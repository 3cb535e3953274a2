// What a goroutine's body does: whether it loops for ever, how often it wakes,
// and what can end it (a return, a break out of the loop, a `case <-ctx.Done()`).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { BodyFacts, LoopExit } from '../../facts/types.js';
import { kids, line, shortText } from '../shared/tree.js';

/** Channels whose receive means "stop": `ctx.Done()`, `done`, `quit`, `s.stopCh`, `<-shutdown`. */
const STOP_CHANNEL = /(\.Done\(\)|\b(done|quit|stop|stopped|stopping|stopCh|stopC|stopChan|quitCh|quitC|closing|closed|close|closeCh|closeC|shutdown|shutdownCh|exit|exitCh|die|dying|cancel|cancelled|canceled|kill|term|terminate)\w*)$/i;

/** Calls that end the goroutine (or the process) where they stand. */
const TERMINATING_CALL = /^(panic|runtime\.Goexit|os\.Exit|log\.Fatal\w*|log\.Panic\w*|\w+\.Fatal\w*)$/;

export interface GoPeriods {
  /** Milliseconds of a duration expression (`5 * time.Second`, a named constant), when known. */
  durationMs(expr: SyntaxNode): number | undefined;
  /** The qualified name a call resolves to (`time.Sleep`, `time.NewTicker`), when it names an imported package. */
  qualified(call: SyntaxNode): string | undefined;
  /** Milliseconds of the ticker a local names (`t := time.NewTicker(10 * time.Second)`), when known. */
  tickerPeriod(name: string): number | undefined;
}

/** The `for` statements in `body` that run until something stops them, outermost first (not inside nested function literals). */
export function longLivedLoops(body: SyntaxNode, periods: GoPeriods): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const loop of body.descendantsOfType('for_statement')) {
    if (!loop || insideLiteral(loop, body)) continue;
    if (loopKindOf(loop, periods)) out.push(loop);
  }
  return out;
}

/** `for {}`, `for true {}`, `for range ticker.C`, `for range time.Tick(d)`: how the loop repeats, or undefined when it ends by its shape. */
function loopKindOf(loop: SyntaxNode, periods: GoPeriods): string | undefined {
  const header = kids(loop).filter((k) => k.type !== 'block' && !k.type.endsWith('comment'));
  if (header.length === 0) return hasSelect(loop) ? 'for { select }' : 'for {}';
  const clause = header[0]!;
  if (clause.type === 'true') return 'for true {}';
  if (clause.type === 'for_clause' && !clause.childForFieldName('condition')) return 'for ;; {}';
  if (clause.type === 'range_clause') {
    const right = clause.childForFieldName('right');
    if (!right) return undefined;
    // A ticker's channel is never closed, not even by Stop: ranging over it never ends.
    if (right.type === 'selector_expression' && right.childForFieldName('field')?.text === 'C') return `for range ${shortText(right, 40)}`;
    if (right.type === 'call_expression' && periods.qualified(right) === 'time.Tick') return 'for range time.Tick';
  }
  return undefined;
}

function hasSelect(loop: SyntaxNode): boolean {
  const block = loop.childForFieldName('body');
  return !!block && kids(block).some((s) => s.type === 'select_statement' || (s.type === 'statement_list' && kids(s).some((t) => t.type === 'select_statement')));
}

/** A node inside a function literal nested in `root` (its code runs elsewhere). */
function insideLiteral(node: SyntaxNode, root: SyntaxNode): boolean {
  for (let cur = node.parent; cur && cur.startIndex >= root.startIndex && cur.id !== root.id; cur = cur.parent) {
    if (cur.type === 'func_literal') return true;
  }
  return false;
}

/** Facts of a goroutine body (a function literal's block, or the function it runs). */
export function analyseBody(body: SyntaxNode, periods: GoPeriods, outer: ReadonlySet<string>): BodyFacts {
  const loops = longLivedLoops(body, periods);
  const loop = loops[0];
  const captures = capturedNames(body, outer);
  if (!loop) return { longLived: false, exits: [], ignoredErrors: [], captures };
  const kind = loopKindOf(loop, periods)!;
  const facts: BodyFacts = { longLived: true, loopKind: kind, loopLine: line(loop), exits: exitsOf(loop), ignoredErrors: [], captures };
  const period = periodOf(loop, periods);
  if (period !== undefined) facts.periodMs = period;
  return facts;
}

/** Ways out of a long-lived loop. */
export function exitsOf(loop: SyntaxNode): LoopExit[] {
  const exits: LoopExit[] = [];
  const label = loop.parent?.type === 'labeled_statement' ? loop.parent.childForFieldName('label')?.text : undefined;
  const stops = ['return_statement', 'break_statement', 'goto_statement', 'call_expression'];
  for (const node of loop.descendantsOfType(stops)) {
    if (!node || insideLiteral(node, loop)) continue;
    const type = node.type;
    if (type === 'call_expression') {
      const fn = node.childForFieldName('function')?.text ?? '';
      if (TERMINATING_CALL.test(fn)) exits.push({ kind: 'error-propagated', detail: `\`${fn}()\` ends the goroutine`, line: line(node) });
      continue;
    }
    if (type === 'break_statement') {
      const target = kids(node).find((k) => k.type === 'label_name')?.text;
      // An unlabelled break inside a select or switch ends that statement, not the loop.
      if (target ? target !== label : breaksInner(node, loop)) continue;
    }
    const stop = stopCase(node, loop);
    exits.push(
      stop
        ? { kind: 'cancellation', detail: `\`case <-${stop}\` ${type === 'return_statement' ? 'returns' : 'leaves the loop'}`, line: line(node) }
        : errorCheck(node, loop)
          ? { kind: 'error-propagated', detail: `returns on an error (line ${line(node)})`, line: line(node) }
          : { kind: 'break', detail: `\`${shortText(node, 40)}\` (line ${line(node)})`, line: line(node) },
    );
  }
  // `for !s.closed {..}` and `for ctx.Err() == nil {..}` are not long-lived loops (they have a condition).
  return exits.sort((a, b) => rank(a) - rank(b));
}

function rank(e: LoopExit): number {
  return e.kind === 'cancellation' ? 0 : e.kind === 'error-propagated' ? 1 : 2;
}

/** Does an unlabelled break sit in a select, switch or inner for before reaching `loop`? */
function breaksInner(node: SyntaxNode, loop: SyntaxNode): boolean {
  for (let cur = node.parent; cur && cur.id !== loop.id; cur = cur.parent) {
    if (cur.type === 'select_statement' || cur.type === 'expression_switch_statement' || cur.type === 'type_switch_statement' || cur.type === 'for_statement') return true;
  }
  return false;
}

/** The stop channel of the `select` case an exit sits in (`ctx.Done()`, `s.quit`), if any. */
function stopCase(node: SyntaxNode, loop: SyntaxNode): string | undefined {
  for (let cur = node.parent; cur && cur.id !== loop.id; cur = cur.parent) {
    if (cur.type !== 'communication_case') continue;
    const comm = cur.childForFieldName('communication');
    const received = comm ? receivedChannel(comm) : undefined;
    if (received && STOP_CHANNEL.test(received)) return received;
  }
  // `if ctx.Err() != nil { return }`, `if s.closed.Load() { return }`, `if stopped { break }`
  for (let cur = node.parent; cur && cur.id !== loop.id; cur = cur.parent) {
    if (cur.type !== 'if_statement') continue;
    const cond = cur.childForFieldName('condition')?.text ?? '';
    if (/\.Err\(\)|\b(closed|stopped|stopping|done|quit|shutdown|cancel\w*|running)\b/i.test(cond)) return shortText(cur.childForFieldName('condition')!, 40);
  }
  return undefined;
}

/** `<-ctx.Done()` / `v, ok := <-ch` in a select case: the channel text. */
function receivedChannel(comm: SyntaxNode): string | undefined {
  const expr = comm.type === 'receive_statement' ? comm.childForFieldName('right') : comm.type === 'expression_statement' ? kids(comm)[0] : comm;
  if (expr?.type !== 'unary_expression') return undefined;
  return expr.childForFieldName('operand')?.text.replace(/\s+/g, '');
}

/** A return under `if err != nil`. */
function errorCheck(node: SyntaxNode, loop: SyntaxNode): boolean {
  for (let cur = node.parent; cur && cur.id !== loop.id; cur = cur.parent) {
    if (cur.type === 'if_statement' && /\berr\w*\s*!=\s*nil|\bok\b|!ok/.test(cur.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/** The period of a loop: the ticker it ranges or selects on, or a `time.Sleep(d)` in it. */
function periodOf(loop: SyntaxNode, periods: GoPeriods): number | undefined {
  const clause = kids(loop).find((k) => k.type === 'range_clause');
  const right = clause?.childForFieldName('right');
  if (right?.type === 'call_expression' && periods.qualified(right) === 'time.Tick') {
    const arg = kids(right.childForFieldName('arguments')!)[0];
    return arg ? periods.durationMs(arg) : undefined;
  }
  if (right?.type === 'selector_expression') {
    const t = right.childForFieldName('operand')?.text;
    const ms = t ? periods.tickerPeriod(t) : undefined;
    if (ms !== undefined) return ms;
  }
  for (const node of loop.descendantsOfType(['call_expression', 'selector_expression'])) {
    if (!node || insideLiteral(node, loop)) continue;
    if (node.type === 'call_expression') {
      const q = periods.qualified(node);
      if (q === 'time.Sleep' || q === 'time.After' || q === 'time.Tick') {
        const arg = kids(node.childForFieldName('arguments')!)[0];
        const ms = arg ? periods.durationMs(arg) : undefined;
        if (ms !== undefined) return ms;
      }
    } else if (node.childForFieldName('field')?.text === 'C' && node.parent?.type === 'unary_expression') {
      const t = node.childForFieldName('operand')?.text;
      const ms = t ? periods.tickerPeriod(t) : undefined;
      if (ms !== undefined) return ms;
    }
  }
  return undefined;
}

/** Names of the enclosing function a function literal uses: it keeps them alive while it runs. */
function capturedNames(body: SyntaxNode, outer: ReadonlySet<string>): string[] {
  if (outer.size === 0) return [];
  const seen = new Set<string>();
  for (const id of body.descendantsOfType('identifier')) {
    if (id && outer.has(id.text)) seen.add(id.text);
  }
  return [...seen];
}
