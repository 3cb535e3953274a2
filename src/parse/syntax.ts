// The syntax-tree shape frontends walk. Both web-tree-sitter (WASM) and the
// native tree-sitter addon expose nodes of this shape, so a faster backend can
// be swapped in behind `ParserBackend` without touching a frontend.

export interface Point {
  row: number;
  column: number;
}

export interface SyntaxNode {
  /** Unique within its tree. */
  readonly id: number;
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly children: (SyntaxNode | null)[];
  readonly namedChildren: (SyntaxNode | null)[];
  readonly parent: SyntaxNode | null;
  readonly previousNamedSibling: SyntaxNode | null;
  readonly nextNamedSibling: SyntaxNode | null;
  readonly hasError: boolean;
  readonly isMissing: boolean;
  readonly isNamed: boolean;
  childForFieldName(field: string): SyntaxNode | null;
  /**
   * Descendants (this node included) of the given types, in pre-order, found
   * by the parser's native code: only the matches become JS objects, which is
   * far cheaper than walking every node from JS.
   */
  descendantsOfType(types: string | string[]): (SyntaxNode | null)[];
  /** The smallest descendant spanning `start`..`end` (string indices, like `startIndex`). */
  descendantForIndex(start: number, end?: number): SyntaxNode | null;
}

export interface SyntaxTree {
  readonly rootNode: SyntaxNode;
  /** Frees the tree (WASM memory is not garbage-collected). */
  delete(): void;
}

/** Parse budget per file: a pathological input is cut off, not allowed to stall the run. */
export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;

/** Grammars leakaudit ships. `tsx` also parses .jsx; `typescript` also parses .js. */
export type Grammar = 'rust' | 'typescript' | 'tsx' | 'python' | 'go';

export interface ParserBackend {
  readonly name: string;
  parse(source: string, grammar: Grammar): SyntaxTree;
}
