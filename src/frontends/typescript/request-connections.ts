// The connection under a request: `req.socket`, `res.connection` in a function handed an HTTP request
// or response. With keep-alive one socket carries request after request, so it outlives each of them:
// a listener a request handler adds to it stays until the client disconnects (vocabulary data).
import type { SyntaxNode } from '../../parse/syntax.js';
import { vocabularyOf } from '../../models/index.js';
import { kids } from '../shared/tree.js';

const SHAPE = vocabularyOf('typescript').requestConnections;
const PARAMETERS = SHAPE ? new RegExp(SHAPE.parameters) : /(?!)/;
const PER_CONNECTION = SHAPE ? new RegExp(SHAPE.perConnectionParameters) : /(?!)/;
const TYPES = new Set(SHAPE?.types ?? []);
const MEMBERS = new Set(SHAPE?.members ?? []);

/** Each parameter of `fn` (its name as written, a simple identifier) with its declared type's last name. */
function parametersOf(fn: SyntaxNode): { name: string; type?: string }[] {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return [];
  if (params.type === 'identifier') return [{ name: params.text }];
  const out: { name: string; type?: string }[] = [];
  for (const p of kids(params)) {
    const pattern = p.type === 'identifier' ? p : p.childForFieldName('pattern');
    if (pattern?.type !== 'identifier') continue;
    const annotation = p.childForFieldName('type')?.text.replace(/^:\s*/, '');
    const type = annotation && /^[\w$.]+$/.test(annotation) ? annotation.slice(annotation.lastIndexOf('.') + 1) : undefined;
    out.push({ name: pattern.text, ...(type ? { type } : {}) });
  }
  return out;
}

/**
 * Whether `path` (`['req', 'socket']`) is the connection under a request or response parameter of `fn`:
 * a parameter named like one (`req`, `res`) or declared with such a type, and `fn` not also handed a
 * socket of its own (an `upgrade` or ws `connection` handler runs once per connection), nor under a
 * test of that socket (`if (!tracked.has(req.socket)) { tracked.add(req.socket); req.socket.on(..) }`:
 * once per connection).
 */
export function isRequestConnection(path: readonly string[], fn: SyntaxNode, at: SyntaxNode): boolean {
  if (path.length !== 2 || !MEMBERS.has(path[1]!)) return false;
  if (testedAbove(at, fn, path.join('.'))) return false;
  const params = parametersOf(fn);
  const holder = params.find((p) => p.name === path[0]);
  if (!holder) return false;
  if (!PARAMETERS.test(holder.name) && !(holder.type && TYPES.has(holder.type))) return false;
  return !params.some((p) => p !== holder && PER_CONNECTION.test(p.name));
}

/** Whether an `if` around `at`, inside `fn`, tests the expression `text` (`sockets.has(req.socket)`, `!req.socket.tracked`). */
function testedAbove(at: SyntaxNode, fn: SyntaxNode, text: string): boolean {
  for (let up = at.parent; up && up.id !== fn.id; up = up.parent) {
    if (up.type !== 'if_statement') continue;
    const condition = up.childForFieldName('condition')?.text.replace(/\s+/g, '').replace(/\?\./g, '.');
    if (condition?.includes(text)) return true;
  }
  return false;
}
