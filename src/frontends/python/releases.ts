// Release calls: `self._task.cancel()`, `for t in self._tasks: t.cancel()`,
// `executor.shutdown()` on a module variable, and releases registered for later
// (`atexit.register(self._pool.shutdown)`, `stack.push_async_callback(self._session.close)`).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { EnclosingFunction, Release } from '../../facts/types.js';
import { kids, shortText, siteOf } from '../shared/tree.js';
import { selfField } from './handles.js';
import type { ModelMatcher } from './match.js';
import { escapeRegExp } from '../shared/regex.js';

export interface ReleaseContext {
  fn: SyntaxNode | null;
  enclosing: EnclosingFunction;
  modulePath: string;
  moduleVars: ReadonlySet<string>;
  globals: ReadonlySet<string>;
}

/** Calls that keep a bound method to call it when something ends. */
const REGISTERS = /(^|\.)(register|finalize|callback|push|push_async_callback|add_done_callback|on_shutdown|on_cleanup|append|add_signal_handler|call_soon)$/;

export function releaseOf(call: SyntaxNode, fnNode: SyntaxNode, matcher: ModelMatcher, ctx: ReleaseContext): Release | undefined {
  if (fnNode.type !== 'attribute') return undefined;
  const api = fnNode.childForFieldName('attribute')?.text ?? '';
  if (!matcher.isReleaseName(api)) return undefined;
  const receiver = fnNode.childForFieldName('object');
  if (!receiver) return undefined;
  const target = targetOf(receiver, call, ctx);
  // A module variable is a field of the module (the file), as for a handle stored in one.
  const fn = target.kind === 'field' && 'onModule' in target ? { name: ctx.enclosing.name, ownerType: ctx.modulePath } : fnOf(ctx);
  return { api, target: target.kind === 'field' ? { kind: 'field', field: target.field } : target, site: siteOf(call), fn };
}

/** `atexit.register(self._pool.shutdown)`: the bound release method runs later, so the field is released. */
export function registeredReleases(call: SyntaxNode, fnNode: SyntaxNode, matcher: ModelMatcher, enclosing: EnclosingFunction): Release[] {
  if (!REGISTERS.test(fnNode.text)) return [];
  const out: Release[] = [];
  for (const arg of kids(call.childForFieldName('arguments') ?? call)) {
    if (arg.type !== 'attribute') continue;
    const api = arg.childForFieldName('attribute')?.text ?? '';
    const object = arg.childForFieldName('object');
    if (!object || !matcher.isReleaseName(api)) continue;
    const field = selfField(object) ?? /^self\.(\w+)/.exec(object.text)?.[1];
    if (!field || !enclosing.ownerType) continue;
    out.push({ api, target: { kind: 'field', field }, site: siteOf(call), fn: { name: enclosing.name, ownerType: enclosing.ownerType } });
  }
  return out;
}

function fnOf(ctx: ReleaseContext): Release['fn'] {
  return { name: ctx.enclosing.name, ...(ctx.enclosing.ownerType ? { ownerType: ctx.enclosing.ownerType } : {}) };
}

type Target = Release['target'] | { kind: 'field'; field: string; onModule: true };

function targetOf(receiver: SyntaxNode, call: SyntaxNode, ctx: ReleaseContext): Target {
  // `self._task.cancel()`, `self._tasks.pop().cancel()`, `self._workers[i].terminate()`
  const field = selfField(receiver) ?? /^self\.(\w+)/.exec(receiver.text)?.[1];
  if (field) return { kind: 'field', field };
  if (receiver.type === 'identifier') {
    const name = receiver.text;
    const fromField = ctx.fn ? fieldBoundTo(name, call, ctx.fn) : undefined;
    if (fromField) return { kind: 'field', field: fromField };
    if (!ctx.fn || ctx.globals.has(name) || (ctx.moduleVars.has(name) && !assignedIn(name, ctx.fn))) {
      return { kind: 'field', field: name, onModule: true };
    }
    return { kind: 'local', name };
  }
  return { kind: 'other', text: shortText(receiver, 40) };
}

/** `for t in self._tasks:`, `[t.cancel() for t in self._tasks]`, `t = self._task`: which field a local came from. */
function fieldBoundTo(name: string, at: SyntaxNode, fn: SyntaxNode): string | undefined {
  const word = new RegExp(`^\\(?\\s*${escapeRegExp(name)}\\b`);
  for (let cur = at.parent; cur && cur.id !== fn.id; cur = cur.parent) {
    if (cur.type === 'for_statement' || cur.type === 'list_comprehension' || cur.type === 'generator_expression' || cur.type === 'set_comprehension') {
      const clause = cur.type === 'for_statement' ? cur : kids(cur).find((k) => k.type === 'for_in_clause');
      const left = clause?.childForFieldName('left');
      const right = clause?.childForFieldName('right');
      if (left && right && word.test(left.text)) {
        const m = /\bself\.(\w+)/.exec(right.text);
        if (m) return m[1];
      }
    }
  }
  for (const a of fn.descendantsOfType(['assignment', 'named_expression'])) {
    if (!a || a.startIndex >= at.startIndex) continue;
    const left = a.childForFieldName(a.type === 'assignment' ? 'left' : 'name');
    const right = a.childForFieldName(a.type === 'assignment' ? 'right' : 'value');
    if (left?.text !== name || !right) continue;
    const m = /^self\.(\w+)/.exec(right.text);
    if (m) return m[1];
  }
  return undefined;
}

function assignedIn(name: string, fn: SyntaxNode): boolean {
  return fn.descendantsOfType('assignment').some((a) => a?.childForFieldName('left')?.text === name);
}
