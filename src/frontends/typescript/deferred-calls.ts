// A function handed to a one-shot scheduler is called by it, once:
// `bot.once('login', loop)`, `setTimeout(loop, 1000)`, `process.nextTick(flush)`.
// Recording those as calls from the function that schedules them tells how often
// the callee runs: `bot.once('login', loop)` at module level starts `loop` once,
// and `setTimeout(loop, 1000)` inside `loop` is `loop` re-arming itself, not a
// new start. (Repeating registrations, `on` and `setInterval`, are not calls, except for an
// event that fires once: `document.addEventListener('DOMContentLoaded', init)`, `{ once: true }`.)
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { unwrap } from './qualify.js';
import type { CallSite } from './call-site.js';
import { firesOnce } from './functions.js';

const ONE_SHOT_FUNCTIONS = /^(setTimeout|setImmediate|queueMicrotask|requestAnimationFrame|requestIdleCallback)$/;
const ONE_SHOT_METHODS = /^(once|prependOnceListener|nextTick|setTimeout|setImmediate)$/;
/** Registrations that repeat, unless the event fires once (see `firesOnce`). */
const LISTENER_METHODS = /^(addEventListener|on|addListener)$/;

/** The names of this module's functions `site` schedules to run once. */
export function deferredCallees(site: CallSite, isModuleFunction: (name: string) => boolean): string[] {
  if (site.type !== 'call_expression') return [];
  const method = site.property ?? '';
  const oneShot =
    site.calleeType === 'identifier'
      ? ONE_SHOT_FUNCTIONS.test(site.identifier!)
      : site.calleeType === 'member_expression' && (ONE_SHOT_METHODS.test(method) || (LISTENER_METHODS.test(method) && firesOnce(site.node)));
  if (!oneShot) return [];
  const args = site.node.childForFieldName('arguments');
  const out: string[] = [];
  for (const arg of args ? kids(args) : []) if (arg.type === 'identifier' && isModuleFunction(arg.text)) out.push(arg.text);
  return out;
}

/**
 * Is `name` a function declared at the top of the module (`function loop() {}`, `const loop = async () => ..`),
 * or at the top of a function the module runs at once while it loads (`(function () { function init() {..} })()`)?
 */
export function topLevelFunctionNames(root: SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (let statement of [...kids(root), ...kids(root).flatMap(loadTimeBody)]) {
    if (statement.type === 'export_statement') statement = kids(statement).find((k) => k.type !== 'comment') ?? statement;
    if (statement.type === 'function_declaration' || statement.type === 'generator_function_declaration') {
      const name = statement.childForFieldName('name')?.text;
      if (name) out.add(name);
    } else if (statement.type === 'lexical_declaration' || statement.type === 'variable_declaration') {
      for (const d of kids(statement)) {
        const value = d.type === 'variable_declarator' ? d.childForFieldName('value') : null;
        const name = d.childForFieldName('name');
        if (value && name?.type === 'identifier' && (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function')) out.add(name.text);
      }
    }
  }
  return out;
}

/** The statements of a function a top-level statement runs at once (the module pattern's IIFE). */
function loadTimeBody(statement: SyntaxNode): SyntaxNode[] {
  if (statement.type !== 'expression_statement' || !statement.namedChildren[0]) return [];
  const call = unwrap(statement.namedChildren[0]);
  const fn = call.type === 'call_expression' ? call.childForFieldName('function') : null;
  const body = fn ? unwrap(fn).childForFieldName('body') : null;
  return fn && /^(function_expression|function|arrow_function)$/.test(unwrap(fn).type) && body?.type === 'statement_block' ? kids(body) : [];
}
