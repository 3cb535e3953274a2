// The nodes the TypeScript passes look at, found in one native pre-order
// traversal instead of a JS walk that turns every node of the tree into an
// object (each step crosses into WASM and allocates). Pre-order is the order
// `walk` (shared/tree.ts) visits nodes in, so a pass over this list sees the
// same nodes in the same order as a walk that acts only on these types.
import type { SyntaxNode } from '../../parse/syntax.js';

/**
 * Type names the grammars (may) also give to an anonymous token: the `class`
 * keyword beside the class expression, the `function` keyword, the `import`
 * keyword beside dynamic `import`. The native search matches by name, so it
 * returns those tokens too; `walk` only ever sees named nodes, so they are
 * dropped. A type only tokens have (the `async` keyword) is asked for as a
 * token, and kept.
 */
const ALSO_KEYWORDS: ReadonlySet<string> = new Set(['class', 'function', 'import']);

export class NodeIndex {
  /** In pre-order. */
  readonly nodes: SyntaxNode[] = [];
  /** `nodes[i].type`, read once. */
  readonly types: string[] = [];
  private readonly indexed: ReadonlySet<string>;

  constructor(root: SyntaxNode, types: readonly string[]) {
    this.indexed = new Set(types);
    for (const node of root.descendantsOfType([...types])) {
      if (!node) continue;
      const type = node.type;
      if (ALSO_KEYWORDS.has(type) && !node.isNamed) continue;
      this.nodes.push(node);
      this.types.push(type);
    }
  }

  /**
   * `walk(root, visit)` (shared/tree.ts) for a visitor that acts only on nodes
   * of `types` and prunes (returns false) only at such nodes: the same visits,
   * in the same order, without turning the other nodes into objects. Returning
   * `'stop'` ends the walk (for a visitor that has found what it looked for and
   * would prune everything after).
   */
  walk(root: SyntaxNode, types: readonly string[], visit: (node: SyntaxNode, type: string) => boolean | void | 'stop'): void {
    for (const type of types) if (!this.indexed.has(type)) throw new Error(`node index without ${type}`);
    const wanted = types.length === 1 ? undefined : new Set(types);
    const pruned = new EnclosingStack<true>();
    const end = root.endIndex;
    for (let i = this.firstFrom(root.startIndex); i < this.nodes.length; i++) {
      const node = this.nodes[i]!;
      if (node.startIndex > end) break;
      const type = this.types[i]!;
      if (wanted ? !wanted.has(type) : type !== types[0]) continue;
      if (!isWithin(node, root)) continue;
      pruned.enter(node);
      if (pruned.depth > 0) continue;
      const go = visit(node, type);
      if (go === 'stop') return;
      if (go === false) pruned.push(node, true);
    }
  }

  /** The first position whose node starts at or after `offset`. */
  private firstFrom(offset: number): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.nodes[mid]!.startIndex < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

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
 * follow lie inside its node. Saves a climb through the ancestors of each node.
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
