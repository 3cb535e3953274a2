// The node index must see exactly what a JS walk over named children sees, in
// the same order: the passes built on it rely on that to emit the same facts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WasmBackend } from '../../parse/wasm-backend.js';
import type { SyntaxNode } from '../../parse/syntax.js';
import { walk } from '../shared/tree.js';
import { mainNodeTypes } from './extract.js';
import { EnclosingStack, isWithin, NodeIndex } from './node-index.js';

let backend: WasmBackend;

beforeAll(async () => {
  backend = await WasmBackend.create(['typescript', 'tsx']);
});

const SNIPPET = `import x, { a as b } from 'm';
import y = require('n');
// leakaudit-ignore[some-rule]: a comment
const C = class extends Base { static async go() { for await (const v of it) f(v); } };
export default async function main() { await import('z'); new Promise(async (r) => r()); }
abstract class D { m = () => { while (true) {} }; constructor(private readonly p: P) { super(); } }
function* g(a = function () {}, { b }: T) { do { yield a(); } while (0); }
try { q(); } catch ({ message }) { for (;;) break; }
const broken = (1 + ;
export { x } from './x';
`;

/** Every file of the TypeScript fixtures, and this frontend's own code. */
function samples(): { name: string; source: string; tsx: boolean }[] {
  const out = [{ name: 'snippet', source: SNIPPET, tsx: false }];
  const roots = [join(import.meta.dirname, '..', '..', 'rules'), import.meta.dirname];
  for (const root of roots) {
    for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!/\.(ts|tsx|js|mjs)$/.test(file) || (root !== import.meta.dirname && !/fixtures[\\/]typescript/.test(file))) continue;
      out.push({ name: file, source: readFileSync(join(root, file), 'utf8'), tsx: file.endsWith('x') });
    }
  }
  return out;
}

function walked(root: SyntaxNode, types: ReadonlySet<string>): number[] {
  const ids: number[] = [];
  walk(root, (n) => {
    if (types.has(n.type)) ids.push(n.id);
  });
  return ids;
}

describe('node index', () => {
  it('lists the named nodes a walk visits, in its order; `async` as keyword tokens', () => {
    const types = mainNodeTypes('leakaudit-ignore');
    for (const { name, source, tsx } of samples()) {
      const tree = backend.parse(source, tsx ? 'tsx' : 'typescript');
      try {
        const index = new NodeIndex(tree.rootNode, types);
        const named = index.nodes.filter((_, i) => index.types[i] !== 'async');
        expect(named.map((n) => n.id), name).toEqual(walked(tree.rootNode, new Set(types)));
        for (const n of index.nodes) if (n.type === 'async') expect(n.isNamed, name).toBe(false);
      } finally {
        tree.delete();
      }
    }
  });

  it('walks a subtree as `walk` does, pruning where the visitor says', () => {
    const tree = backend.parse(SNIPPET, 'typescript');
    try {
      const types = ['call_expression', 'arrow_function', 'function_expression', 'method_definition', 'while_statement'];
      const set = new Set(types);
      const index = new NodeIndex(tree.rootNode, mainNodeTypes(''));
      // Prune at functions: only the calls outside them.
      const prune = (n: SyntaxNode): boolean => !['arrow_function', 'function_expression', 'method_definition'].includes(n.type);
      for (const root of [tree.rootNode, ...index.nodes]) {
        const expected: number[] = [];
        walk(root, (n) => {
          if (!set.has(n.type)) return true;
          expected.push(n.id);
          return n.id === root.id || prune(n);
        });
        const got: number[] = [];
        index.walk(root, types, (n) => {
          got.push(n.id);
          return n.id === root.id || prune(n);
        });
        expect(got).toEqual(expected);
      }
    } finally {
      tree.delete();
    }
  });

  it('tells descendants from neighbours, and keeps the enclosing nodes of a pre-order pass', () => {
    const tree = backend.parse(SNIPPET, 'typescript');
    try {
      const index = new NodeIndex(tree.rootNode, mainNodeTypes(''));
      const ancestors = (n: SyntaxNode): number[] => {
        const ids: number[] = [];
        for (let cur: SyntaxNode | null = n; cur; cur = cur.parent) ids.push(cur.id);
        return ids;
      };
      const indexed = new Set(index.nodes.map((n) => n.id));
      const stack = new EnclosingStack<number>();
      for (const node of index.nodes) {
        const chain = ancestors(node);
        for (const other of index.nodes) expect(isWithin(node, other)).toBe(chain.includes(other.id));
        stack.enter(node);
        expect(stack.top()).toBe(chain.slice(1).find((id) => indexed.has(id)));
        stack.push(node, node.id);
      }
    } finally {
      tree.delete();
    }
  });
});
