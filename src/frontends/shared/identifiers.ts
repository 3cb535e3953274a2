// The identifiers of one name inside a node, found from the node's text: only the matches become
// node objects, where a walk from JS would make one of every node below (most of a large function).
import type { SyntaxNode } from '../../parse/syntax.js';

const ID_CONTINUE = /[\p{ID_Continue}$\u200c\u200d]/u;

/** Can this character continue an identifier (so a match next to it is part of a longer name)? */
function continuesName(code: number): boolean {
  if (Number.isNaN(code)) return false;
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
  return ID_CONTINUE.test(String.fromCharCode(code));
}

/** The nodes of `types` whose text is `name` inside `scope`, in source order (pre-order, for leaves). */
export function identifiersNamed(scope: SyntaxNode, name: string, types: ReadonlySet<string>): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const text = scope.text;
  for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
    if (continuesName(text.charCodeAt(i - 1)) || continuesName(text.charCodeAt(i + name.length))) continue;
    const at = scope.startIndex + i;
    const node = scope.descendantForIndex(at, at + name.length);
    // In a string, a comment or a property name the smallest node there is something else.
    if (node && types.has(node.type) && node.startIndex === at && node.endIndex === at + name.length) out.push(node);
  }
  return out;
}
