// Matches Go calls, method calls and composite literals against the models:
// `acquire.calls` are qualified by import path (`net/http.Get`, `time.NewTicker`),
// `acquire.constructors` name struct types built by a literal (`net/http.Transport`).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { ResourceModel } from '../../models/schema.js';
import type { GoImports } from './imports.js';

export interface GoMatch {
  model: ResourceModel;
  /** The API as written: `http.Get`, `time.NewTicker`, `http.Transport{}`, `.Do()`. */
  api: string;
  /** The qualified name of a package-level call: `os/signal.Notify`. */
  qualified?: string;
  /** The key a method match is counted under (`.Do()`), whatever its receiver's name. */
  countAs?: string;
}

interface Tables {
  calls: Map<string, ResourceModel>;
  constructors: Map<string, ResourceModel>;
  methods: Map<string, ResourceModel[]>;
  releases: Set<string>;
  goroutine: ResourceModel | undefined;
}

const tablesByModels = new WeakMap<readonly ResourceModel[], Tables>();

function tablesOf(models: readonly ResourceModel[]): Tables {
  let t = tablesByModels.get(models);
  if (t) return t;
  t = { calls: new Map(), constructors: new Map(), methods: new Map(), releases: new Set(), goroutine: models.find((m) => m.acquire.construct === 'goroutine') };
  for (const m of models) {
    for (const r of m.releases) t.releases.add(r);
    for (const c of m.acquire.calls) t.calls.set(c, m);
    for (const c of m.acquire.constructors) t.constructors.set(c, m);
    for (const name of m.acquire.methods) {
      const list = t.methods.get(name) ?? [];
      list.push(m);
      t.methods.set(name, list);
    }
  }
  tablesByModels.set(models, t);
  return t;
}

export class GoMatcher {
  private readonly tables: Tables;

  constructor(models: readonly ResourceModel[], private readonly imports: GoImports) {
    this.tables = tablesOf(models);
  }

  get goroutineModel(): ResourceModel | undefined {
    return this.tables.goroutine;
  }

  isRelease(name: string): boolean {
    return this.tables.releases.has(name);
  }

  /** `q`: the call's qualified name when it is `pkg.Func` on an imported package. */
  matchCall(call: SyntaxNode, fn: SyntaxNode, q: string | undefined): GoMatch | undefined {
    if (q) {
      const model = this.tables.calls.get(q);
      return model ? { model, api: fn.text.replace(/\s+/g, ''), qualified: q } : undefined;
    }
    if (fn.type !== 'selector_expression') return undefined;
    const method = fn.childForFieldName('field')?.text ?? '';
    const candidates = this.tables.methods.get(method);
    if (!candidates) return undefined;
    const receiver = fn.childForFieldName('operand')?.text.replace(/\s+/g, '') ?? '';
    const last = receiver.split('.').pop() ?? receiver;
    const model = candidates.find((m) => {
      if (m.acquire.requiresImport.length > 0 && !m.acquire.requiresImport.some((lib) => this.imports.paths.includes(lib))) return false;
      const pattern = m.acquire.receiver?.namePattern;
      if (pattern && !new RegExp(pattern, 'i').test(last)) return false;
      return m.acquire.maxArguments === undefined || (call.childForFieldName('arguments')?.namedChildren.length ?? 0) <= m.acquire.maxArguments;
    });
    return model ? { model, api: `${last}.${method}()`, countAs: `.${method}()` } : undefined;
  }

  /** A composite literal of type `type` (qualified), written `written`. */
  matchConstructor(type: string, written: string): GoMatch | undefined {
    const model = this.tables.constructors.get(type);
    return model ? { model, api: `${written.replace(/^\*/, '')}{}` } : undefined;
  }
}
