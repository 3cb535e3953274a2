import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { grammarPath, parserVersions } from './grammar-files.js';

const REPO = join(import.meta.dirname, '..', '..');

describe('grammar files', () => {
  it('a build loads the grammars copied into dist and names the same parser versions as the checkout (part of the cache key)', async () => {
    const built = (await import(pathToFileURL(join(REPO, 'dist', 'parse', 'grammar-files.js')).href)) as typeof import('./grammar-files.js');
    expect(built.grammarPath('rust')).toBe(join(REPO, 'dist', 'grammars', 'tree-sitter-rust.wasm'));
    expect(grammarPath('rust')).toBe(join(REPO, 'node_modules', 'tree-sitter-rust', 'tree-sitter-rust.wasm'));
    expect(parserVersions()).toMatch(/^web-tree-sitter@\S+ tree-sitter-rust@\S+ tree-sitter-typescript@\S+/);
    expect(built.parserVersions()).toBe(parserVersions());
  });
});
