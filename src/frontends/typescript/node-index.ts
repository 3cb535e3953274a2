// The TypeScript passes' node index (shared/node-index.ts), without the
// keyword tokens the grammar names like node types.
import type { SyntaxNode } from '../../parse/syntax.js';
import { NodeIndex as SharedNodeIndex } from '../shared/node-index.js';
import { EnclosingStack, isWithin } from '../shared/within.js';

export { EnclosingStack, isWithin };

/**
 * Type names the grammars (may) also give to an anonymous token: the `class`
 * keyword beside the class expression, the `function` keyword, the `import`
 * keyword beside dynamic `import`. The native search matches by name, so it
 * returns those tokens too; `walk` only ever sees named nodes, so they are
 * dropped. A type only tokens have (the `async` keyword) is asked for as a
 * token, and kept.
 */
const ALSO_KEYWORDS: ReadonlySet<string> = new Set(['class', 'function', 'import']);

/** The shared index without those keyword tokens. */
export class NodeIndex extends SharedNodeIndex {
  constructor(root: SyntaxNode, types: readonly string[]) {
    super(root, types, (node, type) => ALSO_KEYWORDS.has(type) && !node.isNamed);
  }
}

