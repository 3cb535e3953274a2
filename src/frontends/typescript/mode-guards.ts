// Teardowns that skip a mode: `close() { if (this.noDebug) return; .. this.child.kill() }` while the
// code that makes the child sets `this.noDebug = true` on its way there. In that mode the resource is
// made and the teardown returns before it releases it.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, line } from '../shared/tree.js';
import { unwrap } from './qualify.js';

/** Flags that tell the owner's own state (closed, running ..), not a mode it was set up in. */
const STATE_WORDS = /clos|destroy|dispos|stop|shut|end|run|start|connect|alive|active|ready|open|kill|exit|done|finish/i;

/** `this.flag` as written in a condition, when it is just that. */
function thisFlag(condition: SyntaxNode | null): string | undefined {
  if (!condition) return undefined;
  const c = unwrap(condition);
  if (c.type !== 'member_expression' || c.childForFieldName('object')?.type !== 'this') return undefined;
  const name = c.childForFieldName('property')?.text.replace(/^#/, '');
  return name && !STATE_WORDS.test(name) ? name : undefined;
}

function returnsAtOnce(branch: SyntaxNode | null): boolean {
  if (!branch) return false;
  if (branch.type === 'return_statement') return true;
  return branch.type === 'statement_block' && kids(branch).find((k) => k.type !== 'comment')?.type === 'return_statement';
}

/**
 * The flag `if (this.flag) return ..` tests at the top of the class method around `release`, before
 * the statement that holds the release (the release may sit in a closure that method defines).
 */
export function skippedWhen(release: SyntaxNode): { flag: string; line: number } | undefined {
  let statement: SyntaxNode | null = release;
  let method: SyntaxNode | null = release.parent;
  while (method && method.type !== 'method_definition') {
    if (method.type === 'class_body' || method.type === 'program') return undefined;
    statement = method;
    method = method.parent;
  }
  const body = method?.childForFieldName('body');
  if (!body) return undefined;
  // The statement of the method's body that holds the release.
  let top: SyntaxNode | null = release;
  while (top && top.parent && top.parent.id !== body.id) top = top.parent;
  if (!top || top.parent?.id !== body.id || !statement) return undefined;
  for (const s of kids(body)) {
    if (s.startIndex >= top.startIndex) break;
    if (s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
    const flag = thisFlag(s.childForFieldName('condition'));
    if (flag && returnsAtOnce(s.childForFieldName('consequence'))) return { flag, line: line(s) };
  }
  return undefined;
}

/** `this.flag = true` written before `at` in a block that holds `at`, within `fn`: the path to `at` sets it. */
export function flagsSetBefore(at: SyntaxNode, fn: SyntaxNode | null): { flag: string; line: number }[] {
  const out: { flag: string; line: number }[] = [];
  for (let block = at.parent; block && block.id !== fn?.id; block = block.parent) {
    if (block.type !== 'statement_block') continue;
    for (const s of kids(block)) {
      if (s.endIndex > at.startIndex) break;
      const e = s.type === 'expression_statement' ? kids(s)[0] : undefined;
      if (e?.type !== 'assignment_expression' || e.childForFieldName('right')?.text !== 'true') continue;
      const left = e.childForFieldName('left');
      const flag = left?.type === 'member_expression' && left.childForFieldName('object')?.type === 'this' ? left.childForFieldName('property')?.text.replace(/^#/, '') : undefined;
      if (flag) out.push({ flag, line: line(s) });
    }
  }
  return out;
}
