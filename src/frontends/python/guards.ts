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

/** `self.x = <value>` with a value that is not empty (`None`, `False`): the field is set. */
function setsField(text: string, flag: string): boolean {
  const escaped = flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w.])${escaped}\\s*=(?!=)\\s*(?!(?:None|False)\\s*(?:$|[\\n#;]))`, 'm').test(text);
}

function condition(ifNode: SyntaxNode): string {
  return ifNode.childForFieldName('condition')?.text.replace(/\s+/g, ' ').trim() ?? '';
}

/** A block that only leaves the function: `return`, `return self._task`, `raise ..` (after a log line). */
function leaves(block: SyntaxNode | null): boolean {
  const last = block?.namedChildren.filter((c) => c && c.type !== 'comment').at(-1);
  return last?.type === 'return_statement' || last?.type === 'raise_statement';
}

/**
 * The field of `self` that guards `node` to run once per instance, when what runs under it
 * sets the field (so a second call finds it set), even under a lock (`with self._lock:`):
 *   if self._task is None: self._task = asyncio.create_task(..)      (also `if not self._task:`)
 *   if self._started: return  ..  self._started = True; Thread(..).start()
 */
export function instanceFieldGuard(node: SyntaxNode, fn: SyntaxNode | null): { flag: string; line: number } | undefined {
  if (!fn) return undefined;
  const fnText = fn.text;
  for (let up: SyntaxNode | null = node.parent, inner: SyntaxNode = node; up && up.type !== 'function_definition'; inner = up, up = up.parent) {
    if (up.type === 'if_statement' && up.childForFieldName('consequence')?.id === inner.id) {
      const m = /^(?:not (self\.\w+)|(self\.\w+) (?:is|==) None)$/.exec(condition(up));
      const flag = m?.[1] ?? m?.[2];
      if (flag && setsField(inner.text, flag)) return { flag, line: up.startPosition.row + 1 };
    }
    if (up.type !== 'block') continue;
    // An early return on the field, earlier in a block around the node.
    for (const statement of up.namedChildren) {
      if (!statement || statement.startIndex >= inner.startIndex) break;
      if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) continue;
      const m = /^(self\.\w+)(?: is not None| != None)?$/.exec(condition(statement));
      const flag = m?.[1];
      if (flag && leaves(statement.childForFieldName('consequence')) && setsField(fnText, flag)) return { flag, line: statement.startPosition.row + 1 };
    }
  }
  return undefined;
}
