// Which model a Python call is: a fully qualified call after import resolution
// (`asyncio.create_task`, `th.Thread` after `import threading as th`), or a
// method matched by name where the file imports the library (`loop.create_task`).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { ResourceModel } from '../../models/schema.js';
import { kids } from '../shared/tree.js';
import { dottedName, qualify, type PythonImports } from './imports.js';

export interface PythonMatch {
  model: ResourceModel;
  /** As counted and shown: the qualified call (`asyncio.create_task`) or `.method()`. */
  api: string;
  /** The receiver is a task group or nursery bound by `async with`: its block awaits the task. */
  scopedBy?: string;
  /** A construction of this file's subclass of the model's class (`class Worker(threading.Thread)`): its body is the subclass's `run`. */
  subclass?: string;
}

interface Tables {
  /** Last names of every model call and method: a call ending in another name matches nothing. */
  names: Set<string>;
  calls: Map<string, ResourceModel[]>;
  methods: Map<string, ResourceModel[]>;
  releases: Set<string>;
}

const tablesByModels = new WeakMap<readonly ResourceModel[], Tables>();

function tablesFor(models: readonly ResourceModel[]): Tables {
  let tables = tablesByModels.get(models);
  if (tables) return tables;
  tables = { names: new Set(), calls: new Map(), methods: new Map(), releases: new Set() };
  for (const model of models) {
    for (const r of model.releases) tables.releases.add(r);
    for (const c of [...model.acquire.calls, ...model.acquire.constructors]) {
      push(tables.calls, c, model);
      tables.names.add(c.slice(c.lastIndexOf('.') + 1));
    }
    for (const m of model.acquire.methods) {
      push(tables.methods, m, model);
      tables.names.add(m);
    }
  }
  tablesByModels.set(models, tables);
  return tables;
}

function push(map: Map<string, ResourceModel[]>, key: string, model: ResourceModel): void {
  const list = map.get(key);
  if (list) list.push(model);
  else map.set(key, [model]);
}

export class ModelMatcher {
  private readonly tables: Tables;

  constructor(models: readonly ResourceModel[], private readonly imports: PythonImports) {
    this.tables = tablesFor(models);
  }

  isReleaseName(name: string): boolean {
    return this.tables.releases.has(name);
  }

  match(call: SyntaxNode): PythonMatch | undefined {
    const fn = call.childForFieldName('function');
    return fn ? this.matchCall(call, fn) : undefined;
  }

  /**
   * Classes of the file that derive from a model's class whose body the model names
   * (`class Worker(threading.Thread)`): constructing one starts what the model starts.
   */
  subclassesOf(classes: readonly SyntaxNode[]): Map<string, ResourceModel> {
    const out = new Map<string, ResourceModel>();
    for (const cls of classes) {
      const name = cls.childForFieldName('name')?.text;
      const bases = cls.childForFieldName('superclasses');
      if (!name || !bases) continue;
      for (const base of kids(bases)) {
        const dotted = dottedName(base);
        const model = dotted ? this.tables.calls.get(qualify(dotted, this.imports))?.find((m) => m.body !== undefined && m.role === 'acquire') : undefined;
        if (model) out.set(name, model);
      }
    }
    return out;
  }

  matchCall(call: SyntaxNode, fn: SyntaxNode): PythonMatch | undefined {
    const fnType = fn.type;
    if (fnType !== 'identifier' && fnType !== 'attribute') return undefined;
    const last = fnType === 'identifier' ? fn.text : (fn.childForFieldName('attribute')?.text ?? '');
    // `from asyncio import create_task as spawn`: an alias is matched by what it stands for.
    if (!this.tables.names.has(last) && !(fnType === 'identifier' && this.imports.names.has(last))) return undefined;
    const dotted = dottedName(fn);
    if (dotted !== undefined) {
      const qualified = qualify(dotted, this.imports);
      // A bare name that no import binds is a builtin or the file's own function: only builtins models name.
      const candidates = this.tables.calls.get(qualified);
      const model = candidates?.find((m) => this.argumentsFit(m, call));
      if (model) return { model, api: qualified };
    }
    if (fnType !== 'attribute') return undefined;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const candidates = this.tables.methods.get(method);
    if (!candidates) return undefined;
    const receiver = fn.childForFieldName('object');
    const model = candidates.find(
      (m) =>
        (m.acquire.requiresImport.length === 0 || m.acquire.requiresImport.some((lib) => this.imports.roots.has(lib))) &&
        (!m.acquire.receiver?.namePattern || new RegExp(m.acquire.receiver.namePattern, 'i').test(receiver?.text ?? '')) &&
        this.argumentsFit(m, call),
    );
    if (!model) return undefined;
    const group = receiver?.type === 'identifier' ? withTarget(call, receiver.text) : undefined;
    return { model, api: `.${method}()`, ...(group ? { scopedBy: `started in \`${group}\`, whose block waits for its tasks` } : {}) };
  }

  /** `maxArguments`, `keywords` (`weak=False`) and `sharedPoolKeywords` (`connection_pool=`) of the model. */
  private argumentsFit(model: ResourceModel, call: SyntaxNode): boolean {
    const { maxArguments, keywords, sharedPoolKeywords } = model.acquire;
    if (maxArguments === undefined && !keywords && !sharedPoolKeywords) return true;
    const args = kids(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
    if (maxArguments !== undefined && args.length > maxArguments) return false;
    // `Redis(connection_pool=pool)`: the client borrows from a pool it is handed.
    if (sharedPoolKeywords?.some((name) => args.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name))) return false;
    for (const [name, value] of Object.entries(keywords ?? {})) {
      const kw = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name);
      if (kw?.childForFieldName('value')?.text !== value) return false;
    }
    return true;
  }
}

/** The `with` / `async with` header that binds `name` around `node` (`async with asyncio.TaskGroup() as tg`). */
function withTarget(node: SyntaxNode, name: string): string | undefined {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type === 'function_definition' || cur.type === 'lambda') return undefined;
    if (cur.type !== 'with_statement') continue;
    const clause = kids(cur).find((k) => k.type === 'with_clause');
    for (const item of clause ? clause.descendantsOfType('as_pattern') : []) {
      const alias = item?.childForFieldName('alias')?.text;
      if (alias === name) return `${cur.text.startsWith('async') ? 'async with' : 'with'} ${item!.text.replace(/\s+/g, ' ')}`;
    }
  }
  return undefined;
}
