// web-tree-sitter backend: installs everywhere without a compiler and keeps
// memory predictable (trees are freed explicitly). See research/engine-bench.md.
import { readFile } from 'node:fs/promises';
import { Language, Parser } from 'web-tree-sitter';
import { grammarPath } from './grammar-files.js';
import { DEFAULT_PARSE_TIMEOUT_MS, type Grammar, type ParserBackend, type SyntaxTree } from './syntax.js';

let initialised: Promise<void> | undefined;
/** The Emscripten module object: web-tree-sitter keeps its views of the parser's memory on it. */
const runtime: { HEAPU8?: Uint8Array } = {};

export { DEFAULT_PARSE_TIMEOUT_MS };

export class WasmBackend implements ParserBackend {
  readonly name = 'web-tree-sitter';
  private readonly parsers = new Map<Grammar, Parser>();
  private readonly loading = new Map<Grammar, Promise<void>>();

  private constructor(private readonly timeoutMs: number) {}

  static async create(grammars: Grammar[], timeoutMs = DEFAULT_PARSE_TIMEOUT_MS): Promise<WasmBackend> {
    initialised ??= Parser.init(runtime as object);
    await initialised;
    const backend = new WasmBackend(timeoutMs);
    for (const grammar of grammars) await backend.load(grammar);
    return backend;
  }

  /** Loads a grammar on first use (a worker that only sees Rust never compiles the TypeScript grammar). */
  load(grammar: Grammar): Promise<void> {
    let loading = this.loading.get(grammar);
    if (!loading) {
      loading = (async () => {
        const language = await Language.load(new Uint8Array(await readFile(grammarPath(grammar))));
        const parser = new Parser();
        parser.setLanguage(language);
        this.parsers.set(grammar, parser);
      })();
      this.loading.set(grammar, loading);
    }
    return loading;
  }

  /** Bytes of WebAssembly memory the parser holds: it grows for a big tree and never shrinks. */
  memoryBytes(): number {
    return runtime.HEAPU8?.length ?? 0;
  }

  has(grammar: Grammar): boolean {
    return this.parsers.has(grammar);
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
