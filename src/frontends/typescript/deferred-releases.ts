// A release that waits for a longer-lived emitter: the resource is made in a handler that runs per
// event (`wss.on('connection', (ws) => { const w = watch(..); .. })`) and released only in a handler
// of that same emitter's end (`wss.on('close', () => w.close())`) or of the process's exit. Each
// event's resource stays until the emitter ends, which is what the per-event handler outlives.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, same } from '../shared/tree.js';
import { FUNCTION_TYPES } from './functions.js';
import { stringValue } from './scope.js';

/** Methods that register a handler that runs on every event. */
const EVERY_EVENT = /^(on|addListener|addEventListener|prependListener)$/;
/** Methods that register a handler for one event, and the events that mean the emitter is done. */
const REGISTER = /^(on|once|addListener|addEventListener|prependListener|prependOnceListener)$/;
const ENDING = /^(close|closed|end|exit|beforeExit|finish|shutdown|destroy|disconnect|stop|dispose|unload|beforeunload|SIGINT|SIGTERM|SIGHUP)$/;

interface Registration {
  emitter: string;
  event: string;
}

/** `E.on('evt', fn)`: the emitter (as written, without blanks and `?.`) and the literal event `fn` is registered for. */
function registrationOf(fn: SyntaxNode, methods: RegExp): Registration | undefined {
  const args = fn.parent;
  if (args?.type !== 'arguments') return undefined;
  const call = args.parent;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (callee?.type !== 'member_expression' || !methods.test(callee.childForFieldName('property')?.text ?? '')) return undefined;
  const list = kids(args);
  if (list.length < 2 || !same(list[1], fn)) return undefined;
  const event = stringValue(list[0]!);
  const emitter = callee.childForFieldName('object');
  if (event === undefined || !emitter) return undefined;
  return { emitter: emitter.text.replace(/\s+/g, '').replace(/\?\./g, '.'), event };
}

/**
 * The ending event of an outer emitter whose handler holds `release`, when `fn` (the function that
 * made the resource) is a per-event handler of that same emitter, or the emitter is the process.
 */
export function deferredRelease(release: SyntaxNode, fn: SyntaxNode | null): Registration | undefined {
  if (!fn) return undefined;
  const made = registrationOf(fn, EVERY_EVENT);
  if (!made) return undefined;
  for (let up = release.parent; up && up.id !== fn.id; up = up.parent) {
    if (!FUNCTION_TYPES.has(up.type)) continue;
    const ends = registrationOf(up, REGISTER);
    if (!ends || !ENDING.test(ends.event)) return undefined;
    const sameEmitter = ends.emitter === made.emitter && ends.event !== made.event;
    return sameEmitter || ends.emitter === 'process' ? ends : undefined;
  }
  return undefined;
}
