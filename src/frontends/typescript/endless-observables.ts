// Observables that never complete: an RxJS interval, a periodic timer, an event stream (`interval(1000)`,
// RxJS 5's `Observable.timer(0, 60000)`), and what operators make of one (`.share()`, `.concatMap(..)`,
// `.pipe(map(..))`) unless an operator ends it (`take(1)`, `takeUntil(destroy$)`). A subscription to one
// runs until it is unsubscribed, whoever holds the observable: the scheduler keeps it alive.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { qualifiedNames, unwrap } from './qualify.js';
import type { FileScope } from './scope.js';

/** Creation functions whose observables never complete, as RxJS 6+ exports them or RxJS 5's `Observable` statics. */
const ENDLESS = /^rxjs(\/[\w/-]+)?\.(Observable\.)?(interval|fromEvent|fromEventPattern|animationFrames)$/;
/** `timer(0, 1000)` repeats for ever; `timer(1000)` fires once. */
const TIMER = /^rxjs(\/[\w/-]+)?\.(Observable\.)?timer$/;
/** Operators that pass every value of their source on, or map it: what they return lives as long as the source. */
const PASS_ON =
  /^(pipe|share|shareReplay|publish|publishReplay|publishBehavior|refCount|map|mapTo|pluck|concatMap|switchMap|mergeMap|flatMap|exhaustMap|concatMapTo|switchMapTo|mergeMapTo|filter|tap|do|startWith|distinctUntilChanged|distinctUntilKeyChanged|debounceTime|throttleTime|auditTime|sampleTime|scan|withLatestFrom|catch|catchError|retry|retryWhen|delay|observeOn|subscribeOn|pairwise)$/;
/** Operators after which the observable completes, or may. */
const ENDS = /^(take|first|takeUntil|takeWhile|single|elementAt|find|findIndex|takeUntilDestroyed|timeout|timeoutWith)$/;

/** Whether `call` is a creation call of a source that never completes. */
export function isEndlessCreation(call: SyntaxNode, scope: FileScope): boolean {
  const callee = call.childForFieldName('function');
  if (!callee) return false;
  const names = qualifiedNames(callee, scope);
  if (names.some((n) => ENDLESS.test(n))) return true;
  const args = call.childForFieldName('arguments');
  return names.some((n) => TIMER.test(n)) && !!args && kids(args).length >= 2;
}

/**
 * The observable `call` applies an operator to (`src` of `src.concatMap(..)`, `src.pipe(map(..))`), when
 * the operator passes `src` on and nothing in the call ends it; null otherwise.
 */
export function passedOnSource(call: SyntaxNode): SyntaxNode | null {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'member_expression') return null;
  const op = callee.childForFieldName('property')?.text ?? '';
  if (!PASS_ON.test(op)) return null;
  if (op === 'pipe') {
    const args = call.childForFieldName('arguments');
    for (const arg of args ? kids(args) : []) {
      const f = arg.type === 'call_expression' ? arg.childForFieldName('function') : null;
      const name = f ? (f.type === 'member_expression' ? f.childForFieldName('property')?.text : f.text) : undefined;
      if (!name || ENDS.test(name)) return null;
    }
  }
  return callee.childForFieldName('object');
}

/** Whether `value` is an endless source or an operator chain on one, read without any other binding. */
export function isEndlessValue(value: SyntaxNode, scope: FileScope, depth = 0): boolean {
  const v = unwrap(value);
  if (v.type !== 'call_expression' || depth > 12) return false;
  if (isEndlessCreation(v, scope)) return true;
  const source = passedOnSource(v);
  return !!source && isEndlessValue(source, scope, depth + 1);
}
