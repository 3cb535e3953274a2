// Where the grammar .wasm files live, and the versions of the parser packages:
// kept apart from wasm-backend.ts so the cache can name the parser without
// loading it (a warm run never loads web-tree-sitter).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Grammar } from './syntax.js';

const require = createRequire(import.meta.url);

export const GRAMMAR_FILES: Record<Grammar, string> = {
  rust: 'tree-sitter-rust/tree-sitter-rust.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
  go: 'tree-sitter-go/tree-sitter-go.wasm',
};

export function grammarPath(grammar: Grammar): string {
  return require.resolve(GRAMMAR_FILES[grammar]);
}

/** `web-tree-sitter@0.27.2 tree-sitter-rust@0.24.0 ...`: a different parser or grammar gives different trees. */
export function parserVersions(): string {
  const entries = [require.resolve('web-tree-sitter'), ...Object.values(GRAMMAR_FILES).map((f) => require.resolve(f))];
  return [...new Set(entries.map(packageVersionOf))].join(' ');
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
