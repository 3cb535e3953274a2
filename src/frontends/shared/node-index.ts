// One native pre-order traversal per file: the nodes of the types a
// frontend's passes look at, found by the parser's own code instead of JS
// walks that turn every node of the tree into an object (each step crosses
// into WASM and allocates). Pre-order is the order `walk` (tree.ts) visits
// nodes in, so a pass over this list sees the same nodes in the same order as
// a walk that acts only on these types.
import type { SyntaxNode } from '../../parse/syntax.js';
import { EnclosingStack, isWithin } from './within.js';

export class NodeIndex {
  /** In pre-order, so by start position. */
  readonly nodes: SyntaxNode[] = [];
  /** `nodes[i].type`, read once. */
  readonly types: string[] = [];
  private readonly indexed: ReadonlySet<string>;

  /** `skip`: nodes the native search returns that the passes must not see (keyword tokens named like a node type). */
  constructor(root: SyntaxNode, types: readonly string[], skip?: (node: SyntaxNode, type: string) => boolean) {
    this.indexed = new Set(types);
    for (const node of root.descendantsOfType([...types])) {
      if (!node) continue;
      const type = node.type;
      if (skip?.(node, type)) continue;
      this.nodes.push(node);
      this.types.push(type);
    }
  }

  /** Was this type asked for (so that every node of it is in the index)? */
  has(type: string): boolean {
    return this.indexed.has(type);
  }

  /**
   * `walk(root, visit)` (tree.ts) for a visitor that acts only on nodes of
   * `types` and prunes (returns false) only at such nodes: the same visits, in
   * the same order, without another native search of the subtree. Returning
   * `'stop'` ends the walk (for a visitor that has found what it looked for
   * and would prune everything after).
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
