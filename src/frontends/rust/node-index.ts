// The nodes the Rust extraction passes look at, found in one native pre-order
// traversal instead of JS walks that turn every node of the tree into an
// object (three such walks were most of the frontend's time). Pre-order is the
// order `walk` visits nodes in, so passes over this list see the same nodes in
// the same order as walks that visit only these types.
import type { SyntaxNode } from '../../parse/syntax.js';
import { NodeIndex } from '../shared/node-index.js';

export { NodeIndex };

/**
 * The function, impl and mod items around the node being visited, kept while
 * an index is traversed in order: an item stays on the stack while the nodes
 * that follow start before its end (tree-sitter siblings never overlap). Saves
 * a climb through every ancestor for each call site.
 */
export class ScopeStack<T> {
  private readonly stack: { end: number; value: T }[] = [];

  /** Drops the items that end before `node` starts. */
  enter(node: SyntaxNode): void {
    const start = node.startIndex;
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.end <= start) this.stack.pop();
  }

  push(node: SyntaxNode, value: T): void {
    this.stack.push({ end: node.endIndex, value });
  }

  /** Outermost first. */
  values(): T[] {
    return this.stack.map((s) => s.value);
  }

  get depth(): number {
    return this.stack.length;
  }

  top(): T | undefined {
    return this.stack[this.stack.length - 1]?.value;
  }
}

/**
 * `walk` (shared/tree.ts) restricted to nodes of `types`: the same visits in
 * the same order, found natively so that no other node becomes an object.
 * Equivalent for a visitor that acts only on nodes of these types and prunes
 * (returns false) either at such nodes or by position alone — a pruned
 * subtree's nodes are skipped here by their position.
 */
export function walkTypes(root: SyntaxNode, types: readonly string[], visit: (node: SyntaxNode) => boolean | void): void {
  let prunedUntil = -1;
  for (const node of root.descendantsOfType([...types])) {
    if (!node || node.startIndex < prunedUntil) continue;
    if (visit(node) === false) prunedUntil = Math.max(prunedUntil, node.endIndex);
  }
}
