// Small helpers over syntax nodes, shared by every frontend.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { Acquisition, Site } from '../../facts/types.js';

export function siteOf(node: SyntaxNode): Site {
  return { startLine: node.startPosition.row + 1, endLine: node.endPosition.row + 1, startCol: node.startPosition.column + 1 };
}

export function line(node: SyntaxNode): number {
  return node.startPosition.row + 1;
}

/** Named children without nulls. */
export function kids(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

/** All children (named and anonymous) without nulls. */
export function allKids(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c): c is SyntaxNode => c !== null);
}

/**
 * Depth-first walk with an explicit stack (deeply nested input must not
 * overflow the JS stack). `visit` returns false to skip a node's subtree.
 */
export function walk(root: SyntaxNode, visit: (node: SyntaxNode) => boolean | void): void {
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push(child);
    }
  }
}

/** Every named descendant (including root) of the given types. */
export function descendants(root: SyntaxNode, types: ReadonlySet<string>, stopAt?: ReadonlySet<string>): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  walk(root, (n) => {
    if (!same(n, root) && stopAt?.has(n.type)) return false;
    if (types.has(n.type)) out.push(n);
    return true;
  });
  return out;
}

export function ancestor(node: SyntaxNode, types: ReadonlySet<string>): SyntaxNode | null {
  let cur = node.parent;
  while (cur) {
    if (types.has(cur.type)) return cur;
    cur = cur.parent;
  }
  return null;
}

/**
 * What every frontend says first of an acquisition at `node`: the model, its kind, the API as
 * written, the site and the snippet (the node's source line).
 */
export function acquisitionHead(model: { id: string; kind: string }, api: string, node: SyntaxNode, lines: readonly string[]): Pick<Acquisition, 'modelId' | 'kind' | 'api' | 'site' | 'snippet'> {
  return { modelId: model.id, kind: model.kind as Acquisition['kind'], api, site: siteOf(node), snippet: snippetOf(node, lines) };
}

/** The source line a node starts on, as a snippet. */
export function snippetOf(node: SyntaxNode, lines: readonly string[]): string {
  return firstLine(lines[node.startPosition.row] ?? node.text);
}

/** The first line of a node's text, trimmed and shortened for a snippet. */
export function firstLine(text: string, max = 120): string {
  const first = text.split(/\r\n|\r|\n/, 1)[0]!.trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** A short one-line rendering of an expression for evidence. */
export function shortText(node: SyntaxNode, max = 80): string {
  const flat = node.text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Node identity: tree-sitter bindings may hand out a new wrapper object for the same node. */
export function same(a: SyntaxNode | null | undefined, b: SyntaxNode | null | undefined): boolean {
  if (!a || !b) return a === b;
  return a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

