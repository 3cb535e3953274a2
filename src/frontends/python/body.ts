// The bodies Python runs in the background: a coroutine handed to
// `asyncio.create_task`, a thread's `target`. Nearly always a function named at
// the call (`self._run()`, `target=self._loop`): the body then delegates to it,
// and each function whose own code holds a `while` loop is a looping function
// the analysis resolves across the project.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { BodyFacts, LoopExit } from '../../facts/types.js';
import { kids, line, shortText } from '../shared/tree.js';

/** Words of a condition that checks a stop request (an Event, a running flag, a closed state). */
const STOP_WORDS = /is_set|stop|running|closed|closing|shutdown|shutting|cancel|alive|done|exit|quit|finished|terminat|active|should_run|keep_going|enabled/i;
/** Scopes whose code does not run as part of the loop around them. */
const NESTED_SCOPES = new Set(['function_definition', 'class_definition', 'lambda']);
const LOOPS = new Set(['while_statement', 'for_statement']);

export interface PeriodReader {
  /** Seconds a call waits when it is a sleep (`asyncio.sleep(5)`, `time.sleep(INTERVAL)`), undefined otherwise. */
  sleepSeconds(call: SyntaxNode): number | undefined;
}

/** The `while` loops a function runs itself (not those of functions or classes nested in it). */
export function ownLoops(fnBody: SyntaxNode): SyntaxNode[] {
  if (!fnBody.text.includes('while')) return [];
  return fnBody.descendantsOfType('while_statement').filter((w): w is SyntaxNode => w !== null && !crossesScope(w, fnBody));
}

/** Is there a function, class or lambda between `node` and `top`? */
function crossesScope(node: SyntaxNode, top: SyntaxNode): boolean {
  for (let cur = node.parent; cur && cur.startIndex >= top.startIndex && !(cur.startIndex === top.startIndex && cur.endIndex === top.endIndex); cur = cur.parent) {
    if (NESTED_SCOPES.has(cur.type)) return true;
  }
  return false;
}

/** Body facts of a function that loops: its first `while` loop decides. */
export function analyseFunctionBody(fnBody: SyntaxNode, periods: PeriodReader): BodyFacts | undefined {
  const loops = ownLoops(fnBody);
  if (loops.length === 0) return undefined;
  // An endless loop, when there is one, is what keeps the body running.
  const facts = loops.map((l) => analyseLoop(l, periods));
  return facts.find((f) => f.exits.length === 0) ?? facts[0];
}

export function analyseLoop(loop: SyntaxNode, periods: PeriodReader): BodyFacts {
  const condition = loop.childForFieldName('condition');
  const condText = condition ? shortText(condition, 60) : 'True';
  const endless = /^(True|1|not\s+False)$/.test(condText);
  const exits: LoopExit[] = [];
  const ignoredErrors: string[] = [];
  if (!endless) {
    exits.push({ kind: STOP_WORDS.test(condText) ? 'cancellation' : 'break', detail: `while ${condText}`, line: line(loop) });
  }
  const body = loop.childForFieldName('body');
  let periodMs: number | undefined;
  if (body) {
    for (const node of body.descendantsOfType(['break_statement', 'return_statement', 'raise_statement', 'except_clause', 'call'])) {
      if (!node || crossesScope(node, body)) continue;
      const type = node.type;
      if (type === 'call') {
        if (periodMs === undefined) {
          const s = periods.sleepSeconds(node);
          if (s !== undefined) periodMs = s * 1000;
        }
        continue;
      }
      if (type === 'except_clause') {
        const swallowed = swallowedError(node);
        if (swallowed) ignoredErrors.push(swallowed);
        continue;
      }
      if (type === 'break_statement' && innermostLoop(node, body) !== undefined) continue;
      const exit = exitOf(node, type);
      if (exit) exits.push(exit);
    }
  }
  return {
    longLived: true,
    loopKind: `while ${condText}`,
    loopLine: line(loop),
    ...(periodMs !== undefined ? { periodMs } : {}),
    exits,
    ignoredErrors,
    captures: [],
  };
}

/** A loop nested in the body that a `break` belongs to (then it does not leave the outer loop). */
function innermostLoop(node: SyntaxNode, body: SyntaxNode): SyntaxNode | undefined {
  for (let cur = node.parent; cur && cur.startIndex >= body.startIndex && !(cur.startIndex === body.startIndex && cur.endIndex === body.endIndex); cur = cur.parent) {
    if (LOOPS.has(cur.type)) return cur;
  }
  return undefined;
}

function exitOf(node: SyntaxNode, type: string): LoopExit | undefined {
  const where = line(node);
  const guard = guardOf(node);
  const cancelled = guard !== undefined && (STOP_WORDS.test(guard) || /CancelledError/.test(guard));
  if (type === 'raise_statement') return { kind: cancelled ? 'cancellation' : 'error-propagated', detail: shortText(node, 60), line: where };
  const what = type === 'break_statement' ? 'break' : 'return';
  return { kind: cancelled ? 'cancellation' : 'break', detail: guard ? `${what} when ${guard}` : what, line: where };
}

/** The condition of the `if` (or the exception of the `except`) a statement sits in, nearest first. */
function guardOf(node: SyntaxNode): string | undefined {
  for (let cur = node.parent; cur && !LOOPS.has(cur.type); cur = cur.parent) {
    if (cur.type === 'if_statement' || cur.type === 'elif_clause') {
      const cond = cur.childForFieldName('condition');
      if (cond) return shortText(cond, 60);
    }
    if (cur.type === 'except_clause') return `except ${exceptionOf(cur)}`;
  }
  return undefined;
}

function exceptionOf(clause: SyntaxNode): string {
  const first = kids(clause).find((k) => k.type !== 'block' && k.type !== 'comment');
  return first ? shortText(first, 50) : '';
}

/** `except Exception: pass` / `continue`: the loop goes on whatever failed; a bare one swallows cancellation too. */
function swallowedError(clause: SyntaxNode): string | undefined {
  const block = kids(clause).find((k) => k.type === 'block');
  const statements = block ? kids(block).filter((k) => k.type !== 'comment') : [];
  const only = statements.length === 1 ? statements[0]!.type : undefined;
  if (only !== 'pass_statement' && only !== 'continue_statement') return undefined;
  const exception = exceptionOf(clause);
  if (exception && !/\b(Exception|BaseException|CancelledError)\b/.test(exception)) return undefined;
  return `except${exception ? ` ${exception.replace(/\s+as\s+\w+$/, '')}` : ''}: ${only === 'pass_statement' ? 'pass' : 'continue'}`;
}

export interface Delegate {
  name: string;
  /** A method of some other value (`client.run()`), not `self`'s own. */
  onOther: boolean;
  /** A method of `self` (`self._run()`, `target=self._loop`). */
  onSelf?: true;
}

/**
 * The function a background body runs: `self._run()` -> `_run`, `target=self._loop` -> `_loop`,
 * `worker(queue)` -> `worker`, `functools.partial(self._poll, 5)` -> `_poll`, `lambda: run(x)` -> `run`.
 */
export function delegateOf(arg: SyntaxNode): Delegate | undefined {
  let node: SyntaxNode | null = arg;
  for (let i = 0; node && i < 4; i++) {
    if (node.type === 'await') node = kids(node)[0] ?? null;
    else if (node.type === 'lambda') node = node.childForFieldName('body');
    else if (node.type === 'call') {
      const fn = node.childForFieldName('function');
      if (fn && /(^|\.)partial$/.test(fn.text)) {
        node = kids(node.childForFieldName('arguments') ?? node)[0] ?? null;
        continue;
      }
      node = fn;
    } else break;
  }
  if (!node) return undefined;
  if (node.type === 'identifier') return { name: node.text, onOther: false };
  if (node.type === 'attribute') {
    const name = node.childForFieldName('attribute')?.text;
    const object = node.childForFieldName('object')?.text;
    if (!name) return undefined;
    const own = object === 'self' || object === 'cls';
    return { name, onOther: !own, ...(own ? { onSelf: true as const } : {}) };
  }
  return undefined;
}
