// A handle opened once and then used by a loop that follows it in the same function: the worker
// pattern (`pool = build(); loop { pool.get() .. }`, `conn = connect(); while True: conn.execute(..)`).
// The open happens once per run of that long-lived function, and every round reuses it: not a
// connection per operation. Each frontend names its loop and function node types.
import type { SyntaxNode } from '../../parse/syntax.js';

/**
 * The line of a loop after `at` (a later statement of its block or of an enclosing one, or inside
 * one, within the same function) whose text uses `name`; undefined when there is none.
 */
export function reusingLoopLine(at: SyntaxNode, name: string, loopTypes: ReadonlySet<string>, functionTypes: ReadonlySet<string>): number | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
  const uses = new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`);
  // The loop itself, or one inside a later statement (`try: while True: ..`), not inside a nested function.
  const loopIn = (n: SyntaxNode): SyntaxNode | undefined => {
    if (loopTypes.has(n.type)) return uses.test(n.text) ? n : undefined;
    if (functionTypes.has(n.type) || !uses.test(n.text)) return undefined;
    for (const k of n.namedChildren) {
      const found = k ? loopIn(k) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  for (let child: SyntaxNode = at, up = at.parent; up && !functionTypes.has(child.type); child = up, up = up.parent) {
    let after = false;
    for (const sibling of up.namedChildren) {
      if (!sibling) continue;
      if (sibling.id === child.id) {
        after = true;
        continue;
      }
      const loop = after ? loopIn(sibling) : undefined;
      if (loop) return loop.startPosition.row + 1;
    }
  }
  return undefined;
}
