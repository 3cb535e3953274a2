// A one-shot timer that is the timeout arm of a race: it settles a `new Promise` (its callback calls
// the executor's `resolve`/`reject`) that something else can settle first, because the promise is an
// element of `Promise.race([..])` or the executor hands its settle functions to other work too
// (`work().then(resolve)`, `emitter.once('done', resolve)`). When the other arm wins, the timer is
// still pending: it holds its callback and everything that closes over until it fires.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Acquisition } from '../../facts/types.js';
import { kids, line, walk, same } from '../shared/tree.js';
import { FUNCTION_TYPES, bodyOf, positionalParameters } from './functions.js';
import { unwrap } from './qualify.js';
import { numberOf, type FileScope } from './scope.js';

const RACES = /^Promise\.(race|any)$/;

/** The race `call` (a `setTimeout(..)`) is the timeout arm of, when it is one. */
export function timeoutArmOf(call: SyntaxNode, scope: FileScope): Acquisition['timeoutArm'] {
  let executor: SyntaxNode | null = call.parent;
  while (executor && !FUNCTION_TYPES.has(executor.type)) executor = executor.parent;
  const promise = executor?.parent?.parent;
  if (!executor || executor.parent?.type !== 'arguments' || promise?.type !== 'new_expression') return undefined;
  if (promise.childForFieldName('constructor')?.text !== 'Promise' || !same(kids(executor.parent)[0], executor)) return undefined;
  const settles = new Set(positionalParameters(executor).slice(0, 2).filter((n): n is string => !!n));
  if (settles.size === 0) return undefined;
  const args = call.childForFieldName('arguments');
  const list = args ? kids(args) : [];
  const settled = settledBy(list[0], settles);
  if (!settled) return undefined;
  const rival = rivalIn(executor, call, settles) ?? raceOf(promise);
  if (!rival) return undefined;
  const delayNode = list[1];
  const delayMs = delayNode ? numberOf(delayNode, scope.numbers) : undefined;
  return {
    settles: settled,
    rival: rival.how,
    line: rival.line,
    ...(delayNode ? { delay: delayNode.text.slice(0, 60) } : {}),
    ...(delayMs !== undefined ? { delayMs } : {}),
  };
}

/** The settle function the timer's callback calls (`reject`), or is (`setTimeout(resolve, ms)`). */
function settledBy(callback: SyntaxNode | undefined, settles: ReadonlySet<string>): string | undefined {
  if (!callback) return undefined;
  const cb = unwrap(callback);
  if (cb.type === 'identifier') return settles.has(cb.text) ? cb.text : undefined;
  if (!FUNCTION_TYPES.has(cb.type)) return undefined;
  const body = bodyOf(cb);
  if (!body) return undefined;
  let found: string | undefined;
  walk(body, (n) => {
    if (found) return false;
    if (n.type !== 'call_expression') return true;
    const callee = n.childForFieldName('function');
    if (callee?.type === 'identifier' && settles.has(callee.text)) found = callee.text;
    return !found;
  });
  return found;
}

/** Another use of a settle function in the executor, outside the timer call: other work can settle it first. */
function rivalIn(executor: SyntaxNode, timer: SyntaxNode, settles: ReadonlySet<string>): { how: string; line: number } | undefined {
  const body = bodyOf(executor);
  if (!body) return undefined;
  let found: { how: string; line: number } | undefined;
  walk(body, (n) => {
    if (found || same(n, timer)) return false;
    if (n.type === 'identifier' && settles.has(n.text)) {
      const parent = n.parent;
      // `const resolve = ..` in a nested function is another name, not the executor's.
      if (parent?.type === 'variable_declarator' && same(parent.childForFieldName('name'), n)) return false;
      found = { how: `the executor also uses \`${n.text}\` outside the timer, so other work can settle it first`, line: line(n) };
    }
    return !found;
  });
  return found;
}

/** `Promise.race([work, new Promise(..)])`, or `const t = new Promise(..); .. Promise.race([work, t])` in the same function. */
function raceOf(promise: SyntaxNode): { how: string; line: number } | undefined {
  let expr = promise;
  while (expr.parent?.type === 'parenthesized_expression') expr = expr.parent;
  const element = expr.parent?.type === 'array' ? expr.parent : undefined;
  const direct = element?.parent?.type === 'arguments' ? element.parent.parent : undefined;
  if (direct?.type === 'call_expression' && RACES.test(direct.childForFieldName('function')?.text ?? '')) {
    return { how: `the promise is an arm of \`${direct.childForFieldName('function')!.text}([..])\``, line: line(direct) };
  }
  const declarator = expr.parent;
  const name = declarator?.type === 'variable_declarator' && same(declarator.childForFieldName('value'), expr) ? declarator.childForFieldName('name') : undefined;
  if (name?.type !== 'identifier') return undefined;
  let scopeNode: SyntaxNode | null = declarator!.parent;
  while (scopeNode && !FUNCTION_TYPES.has(scopeNode.type) && scopeNode.type !== 'program') scopeNode = scopeNode.parent;
  if (!scopeNode) return undefined;
  for (const race of scopeNode.descendantsOfType('call_expression')) {
    const callee = race?.childForFieldName('function')?.text ?? '';
    if (!race || !RACES.test(callee) || race.startIndex < declarator!.endIndex) continue;
    const raced = race.childForFieldName('arguments');
    const array = raced ? kids(raced)[0] : undefined;
    if (array?.type === 'array' && kids(array).some((k) => unwrap(k).type === 'identifier' && unwrap(k).text === name.text)) {
      return { how: `the promise, kept in \`${name.text}\`, is an arm of \`${callee}([..])\``, line: line(race) };
    }
  }
  return undefined;
}
