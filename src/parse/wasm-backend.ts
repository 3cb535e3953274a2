// web-tree-sitter backend: installs everywhere without a compiler and keeps
// memory predictable (trees are freed explicitly). See research/engine-bench.md.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { Language, Parser } from 'web-tree-sitter';
import type { Grammar, ParserBackend, SyntaxTree } from './syntax.js';

const require = createRequire(import.meta.url);

const GRAMMAR_FILES: Record<Grammar, string> = {
  rust: 'tree-sitter-rust/tree-sitter-rust.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
};

let initialised: Promise<void> | undefined;

/** Parse budget per file: a pathological input is cut off, not allowed to stall the run. */
export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;

export class WasmBackend implements ParserBackend {
  readonly name = 'web-tree-sitter';
  private readonly parsers = new Map<Grammar, Parser>();

  private constructor(private readonly timeoutMs: number) {}

  static async create(grammars: Grammar[], timeoutMs = DEFAULT_PARSE_TIMEOUT_MS): Promise<WasmBackend> {
    initialised ??= Parser.init();
    await initialised;
    const backend = new WasmBackend(timeoutMs);
    for (const grammar of grammars) {
      const bytes = await readFile(require.resolve(GRAMMAR_FILES[grammar]));
      const language = await Language.load(new Uint8Array(bytes));
      const parser = new Parser();
      parser.setLanguage(language);
      backend.parsers.set(grammar, parser);
    }
    return backend;
  }

  parse(source: string, grammar: Grammar): SyntaxTree {
    const parser = this.parsers.get(grammar);
    if (!parser) throw new Error(`grammar ${grammar} not loaded`);
    const deadline = Date.now() + this.timeoutMs;
    const tree = parser.parse(source, null, {
      progressCallback: () => Date.now() > deadline,
    });
    parser.reset();
    if (!tree) throw new ParseTimeoutError(this.timeoutMs);
    return tree as unknown as SyntaxTree;
  }
}

export class ParseTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`parsing took longer than ${timeoutMs} ms`);
  }
}
