// A one-shot timer whose callback starts something again: `setTimeout(() => this.reconnect(), ms)`,
// `setTimeout(() => restart(onCrash), retryTime)`. It runs once, but what it starts (a connection,
// a consumer, a poll) is new work scheduled past whatever teardown the owner has: a teardown that
// cannot clear it cannot prevent the restart.
import type { SyntaxNode } from '../../parse/syntax.js';
import { bodyOf, FUNCTION_TYPES } from './functions.js';
import { memberPath, unwrap } from './qualify.js';

/** Names of calls that start work again. */
const RESTARTS = /^_?(re(connect|start|subscribe|try|open|spawn|launch|join|login|run|schedule|init)\w*|connect|start|run|poll|open|spawn|launch|login|subscribe|doConnect|tryConnect|startPolling|_?polling)$/i;
/** A test in the callback of a stop flag: the restart is skipped once the owner is closed. */
const STOP_FLAG = /clos|stop|destr|dispos|abort|cancel|shut|running|active|mounted|enabled|unload|terminat|ended|dead|alive|should|connected|ready|state|status/i;

/** The restart call `callback` makes, as written; undefined when it makes none or checks a stop flag first. */
export function restartOf(callback: SyntaxNode | undefined): string | undefined {
  if (!callback) return undefined;
  const cb = unwrap(callback);
  // `setTimeout(this.reconnect.bind(this), ms)`, `setTimeout(reconnect, ms)`.
  const direct = cb.type === 'call_expression' && /\.bind$/.test(cb.childForFieldName('function')?.text ?? '') ? cb.childForFieldName('function')!.childForFieldName('object') : cb;
  if (direct && (direct.type === 'identifier' || direct.type === 'member_expression')) {
    const name = memberPath(direct)?.at(-1);
    return name && RESTARTS.test(name) ? direct.text : undefined;
  }
  if (!FUNCTION_TYPES.has(cb.type)) return undefined;
  const body = bodyOf(cb);
  if (!body) return undefined;
  // The callback is small: a native search of its own subtree is cheap.
  let found: string | undefined;
  for (const n of body.descendantsOfType('call_expression')) {
    const callee = n?.childForFieldName('function');
    const name = callee ? memberPath(callee)?.at(-1) : undefined;
    if (name && RESTARTS.test(name)) {
      found = callee!.text;
      break;
    }
  }
  const tests = [
    ...body.descendantsOfType(['if_statement', 'ternary_expression']).map((n) => n?.childForFieldName('condition')),
    ...body.descendantsOfType('binary_expression').filter((n) => /^(&&|\|\|)$/.test(n?.childForFieldName('operator')?.text ?? '')).map((n) => n?.childForFieldName('left')),
  ];
  const guarded = tests.some((t) => !!t && STOP_FLAG.test(t.text));
  return guarded ? undefined : found;
}
