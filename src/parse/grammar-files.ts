// Where the grammar .wasm files live, and the versions of the parser packages:
// kept apart from wasm-backend.ts so the cache can name the parser without
// loading it (a warm run never loads web-tree-sitter).
//
// The grammar packages are dev dependencies: the build (scripts/build-assets.ts)
// copies each file in GRAMMAR_FILES into dist/grammars and records the packages'
// versions there, so an installed leakaudit needs no grammar package. Run from
// src/ (tests, tsx), the files come from the packages themselves.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Grammar } from './syntax.js';

const require = createRequire(import.meta.url);

export const GRAMMAR_FILES: Record<Grammar, string> = {
  rust: 'tree-sitter-rust/tree-sitter-rust.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  go: 'tree-sitter-go/tree-sitter-go.wasm',
};

/** dist/grammars from dist/parse; src/grammars (absent) from src/parse. */
export const BUILT_GRAMMARS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'grammars');
/** In BUILT_GRAMMARS_DIR: `{ "grammars": ["tree-sitter-rust@0.24.0", ...] }`, written by the build. */
export const GRAMMAR_MANIFEST = 'versions.json';

export function grammarPath(grammar: Grammar): string {
  return builtGrammars() ? join(BUILT_GRAMMARS_DIR, basename(GRAMMAR_FILES[grammar])) : require.resolve(GRAMMAR_FILES[grammar]);
}

/** `web-tree-sitter@0.27.2 tree-sitter-rust@0.24.0 ...`: a different parser or grammar gives different trees. */
export function parserVersions(): string {
  return [packageVersionOf(require.resolve('web-tree-sitter')), ...(builtGrammars() ?? grammarPackageVersions())].join(' ');
}

/** The grammar packages of GRAMMAR_FILES as installed (`tree-sitter-rust@0.24.0`, ...), once each. */
export function grammarPackageVersions(): string[] {
  return [...new Set(Object.values(GRAMMAR_FILES).map((f) => packageVersionOf(require.resolve(f))))];
}

let built: string[] | null | undefined;

/** The grammar versions the build recorded, or null when not running from a build. */
function builtGrammars(): string[] | null {
  if (built !== undefined) return built;
  const manifest = join(BUILT_GRAMMARS_DIR, GRAMMAR_MANIFEST);
  built = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { grammars: string[] }).grammars : null;
  return built;
}

function packageVersionOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name && pkg.version) return `${pkg.name}@${pkg.version}`;
    } catch {
      /* keep climbing */
    }
    if (dirname(dir) === dir) return file;
  }
}
