// Containment by position, for passes over a pre-order node index (a list
// from one native `descendantsOfType`): whether an indexed node lies in a
// subtree, and the nodes around the one being visited, without climbing
// through `parent` (each step crosses into the parser and makes an object).
// Both frontends' node indexes use them.
import type { SyntaxNode } from '../../parse/syntax.js';

/**
 * Is `node` the `container` or one of its descendants? Positions decide
 * (tree-sitter siblings never overlap), except for a node that starts on the
 * container's edge, which may be an ancestor, a neighbour or a descendant:
 * then the tree is asked.
 */
export function isWithin(node: SyntaxNode, container: SyntaxNode): boolean {
  const start = node.startIndex;
  const cStart = container.startIndex;
  const cEnd = container.endIndex;
  if (start > cStart && start < cEnd) return true;
  if (start < cStart || start > cEnd) return false;
  for (let cur: SyntaxNode | null = node; cur; cur = cur.parent) {
    if (cur.id === container.id) return true;
    // Left the container's span: no ancestor from here on can be the container.
    if (cur.startIndex < cStart || cur.endIndex > cEnd) return false;
  }
  return false;
}

/**
 * Values attached to nodes around the one being visited, kept while an index
 * is traversed in pre-order: an entry stays on the stack while the nodes that
 * follow lie inside its node.
 */
export class EnclosingStack<T> {
  private readonly entries: { node: SyntaxNode; end: number; value: T }[] = [];

  /** Drops the entries `node` lies outside of; `node` comes after all of them in pre-order. */
  enter(node: SyntaxNode): void {
    const entries = this.entries;
    while (entries.length > 0 && !followsWithin(node, entries[entries.length - 1]!)) entries.pop();
  }

  push(node: SyntaxNode, value: T): void {
    this.entries.push({ node, end: node.endIndex, value });
  }

  top(): T | undefined {
    return this.entries[this.entries.length - 1]?.value;
  }

  get depth(): number {
    return this.entries.length;
  }
}

/**
 * `isWithin` for a node that comes after the container in pre-order, so it
 * starts at or after the container's start and is not its ancestor. It is
 * inside if it starts before the container's end; a node starting right at
 * the end is outside, unless it is empty (a MISSING token): then ask the tree.
 */
function followsWithin(node: SyntaxNode, container: { node: SyntaxNode; end: number }): boolean {
  const start = node.startIndex;
  if (start !== container.end) return start < container.end;
  return node.endIndex === start && isWithin(node, container.node);
}
