// A server object that never listens holds no socket: `this.options.server =
// http.createServer(handler)` later used only as an emitter
// (`this.options.server.emit('request', req, res)`) is a dispatcher, not a
// resource. Only a value that stays in the file (never handed on, returned or
// copied, so nobody else can start it) and is used there, never with the
// model's activating method (`listen`), counts as never started.
import type { SyntaxNode } from '../../parse/syntax.js';
import { FUNCTION_TYPES } from './functions.js';
import { unwrap } from './qualify.js';

/** Wrappers and tests a reference may sit in without escaping: `if (this.server)`, `!server`, `a && server`. */
const NEUTRAL_PARENTS = new Set(['if_statement', 'parenthesized_expression', 'unary_expression', 'binary_expression', 'non_null_expression', 'expression_statement']);

function plain(node: SyntaxNode): string {
  return node.text.replace(/\s+/g, '').replace(/\?\./g, '.').replace(/!/g, '');
}

/** The text the acquired value is kept under: the left of `x = call`, the name of `const x = call`. */
function keptAs(call: SyntaxNode): { text: string; local: boolean } | undefined {
  let up = call.parent;
  while (up && (up.type === 'await_expression' || up.type === 'parenthesized_expression' || up.type === 'as_expression')) up = up.parent;
  if (up?.type === 'assignment_expression') {
    const left = up.childForFieldName('left');
    if (!left || (left.type !== 'member_expression' && left.type !== 'identifier')) return undefined;
    return { text: plain(left), local: left.type === 'identifier' };
  }
  if (up?.type === 'variable_declarator') {
    const name = up.childForFieldName('name');
    return name?.type === 'identifier' ? { text: name.text, local: true } : undefined;
  }
  return undefined;
}

/**
 * The server `call` makes is never activated (`activatedBy`: the model's methods that start it, such as
 * `listen`) and is used in the file only as a receiver of other methods. `fn`: the function around the call.
 */
export function neverActivated(call: SyntaxNode, activatedBy: readonly string[], fn: SyntaxNode | null, root: SyntaxNode): boolean {
  const kept = keptAs(call);
  if (!kept) return false;
  const scope = kept.local ? fn : root;
  if (!scope) return false;
  const keptNode = unwrap(call.parent!.type === 'variable_declarator' ? call.parent!.childForFieldName('name')! : (call.parent!.childForFieldName('left') ?? call));
  let usedAsReceiver = false;
  for (const ref of scope.descendantsOfType(kept.local ? 'identifier' : 'member_expression')) {
    if (!ref || ref.startIndex === keptNode.startIndex || plain(ref) !== kept.text) continue;
    const parent = ref.parent;
    if (!parent) continue;
    if (parent.type === 'member_expression' && parent.childForFieldName('object')?.startIndex === ref.startIndex) {
      const method = parent.childForFieldName('property')?.text ?? '';
      const invoked = parent.parent?.type === 'call_expression' && parent.parent.childForFieldName('function')?.startIndex === parent.startIndex;
      if (activatedBy.includes(method)) return false;
      if (invoked) usedAsReceiver = true;
      continue;
    }
    if (NEUTRAL_PARENTS.has(parent.type) || FUNCTION_TYPES.has(parent.type)) continue;
    // Handed on, returned, copied or assigned again: someone else may start it.
    return false;
  }
  return usedAsReceiver;
}
