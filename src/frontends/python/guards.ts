// Lazy singletons: `if cls._app is None: cls._app = App()`, `if _client is None:
// _client = httpx.Client()` (after `global _client`). What such a branch makes
// exists once per process, whoever calls the function.
import type { SyntaxNode } from '../../parse/syntax.js';

/**
 * The process-wide variable that guards `node`, when `node` is the value assigned to it
 * inside `if <it> is None:` / `if not <it>:`: a module variable or a class attribute
 * (`cls.x`, `Name.x`), not `self.x` (that is once per instance).
 */
export function lazySingletonGuard(node: SyntaxNode, globals: ReadonlySet<string>, fn: SyntaxNode | null): { flag: string; line: number } | undefined {
  let cur: SyntaxNode | null = node.parent;
  while (cur && (cur.type === 'await' || cur.type === 'parenthesized_expression')) cur = cur.parent;
  if (cur?.type !== 'assignment') return undefined;
  const target = cur.childForFieldName('left');
  if (!target) return undefined;
  const flag = target.text;
  const processWide = target.type === 'identifier' ? fn !== null && globals.has(flag) : /^(cls|[A-Z]\w*)\.\w+$/.test(flag);
  if (!processWide) return undefined;
  for (let up = cur.parent; up && up.type !== 'function_definition'; up = up.parent) {
    if (up.type !== 'if_statement') continue;
    const cond = up.childForFieldName('condition')?.text.replace(/\s+/g, ' ').trim() ?? '';
    const escaped = flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`^(not ${escaped}|${escaped} is None|${escaped} == None)$`).test(cond)) return { flag, line: up.startPosition.row + 1 };
    return undefined;
  }
  return undefined;
}
