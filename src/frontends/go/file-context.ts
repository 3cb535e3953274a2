// What the Go frontend's passes share about one file: its package, imports,
// scopes and the facts being filled in.
import type { EnclosingFunction, FileFacts } from '../../facts/types.js';
import type { SyntaxNode } from '../../parse/syntax.js';
import type { GoImports } from './imports.js';
import type { GoMatcher } from './match.js';
import type { GoScopes } from './scope.js';

export interface GoFile {
  facts: FileFacts;
  imports: GoImports;
  /** The package clause's name. */
  pkg: string;
  isTestFile: boolean;
  scopes: GoScopes;
  matcher: GoMatcher;
  /** Names declared by top-level `var`s. */
  packageVars: ReadonlySet<string>;
  /** Names of the file's struct fields whose type is a function (`cancel context.CancelFunc`). */
  funcFields(): ReadonlySet<string>;
  /** Names of the file's struct types: of these, `funcFields` tells which fields hold functions. */
  structTypes(): ReadonlySet<string>;
  enclosingOf(node: SyntaxNode): EnclosingFunction;
}
