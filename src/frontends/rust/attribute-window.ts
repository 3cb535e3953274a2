// Whether an item can have outer attributes, seen from the node index alone.
// `attributesOf` (functions.ts) steps back through previous siblings, and each
// step makes the parser search from the root; most items have no attributes,
// and the index (which holds every `attribute_item`) shows that for free.
import type { SyntaxNode } from '../../parse/syntax.js';

/** The node type the index must hold for `AttributeWindow`. */
export const ATTRIBUTE_NODE_TYPE = 'attribute_item';

const COMMENT_TYPES: ReadonlySet<string> = new Set(['line_comment', 'block_comment']);

/**
 * Fed every node of the index in order. An item's attributes are the
 * attribute items (and comments) just before it among its siblings, so the
 * nearest of them is the last attribute item before the item. If any other
 * node (not a comment, not inside that attribute) lies between the two, it
 * sits between siblings where only attributes and comments may be: the item
 * has no attributes. Otherwise it may have some, and the tree is asked.
 */
export class AttributeWindow {
  /** End of the last attribute item, -1 before the first. */
  private attributeEnd = -1;
  /** A node other than a comment starts after that attribute. */
  private interrupted = false;

  /** Whether `node`, the next node of the index, may have attributes; then takes note of it. */
  next(node: SyntaxNode, type: string): boolean {
    const mayHave = this.attributeEnd >= 0 && !this.interrupted;
    if (type === ATTRIBUTE_NODE_TYPE) {
      this.attributeEnd = node.endIndex;
      this.interrupted = false;
    } else if (!COMMENT_TYPES.has(type) && node.startIndex >= this.attributeEnd) {
      this.interrupted = true;
    }
    return mayHave;
  }
}
