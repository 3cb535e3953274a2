// Matches Rust call expressions against the resource models: call paths,
// method names on receivers, and builder chains.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { ResourceModel } from '../../models/schema.js';
import { normalisePath, resolvePath, type RustImports } from './imports.js';
import { escapeRegExp } from '../shared/regex.js';

export interface CallMatch {
  model: ResourceModel;
  api: string;
}

/** Matches call expressions against the models' call paths and method names. */
interface ModelTables {
  calls: Map<string, ResourceModel>;
  methods: Map<string, ResourceModel[]>;
  /** Last segments of the model call paths: a builder chain can only end in one of these. */
  callNames: Set<string>;
  /** Every model's release method names. */
  releases: Set<string>;
}

/** Model lookups, built once per model list (the same list comes with every file). */
const tablesByModels = new WeakMap<readonly ResourceModel[], ModelTables>();

function modelTables(models: readonly ResourceModel[]): ModelTables {
  let tables = tablesByModels.get(models);
  if (tables) return tables;
  tables = { calls: new Map(), methods: new Map(), callNames: new Set(), releases: new Set() };
  for (const model of models) {
    for (const release of model.releases) tables.releases.add(release);
    for (const call of model.acquire.calls) {
      tables.calls.set(call, model);
      tables.callNames.add(call.split('::').pop()!);
    }
    for (const method of model.acquire.methods) {
      const list = tables.methods.get(method) ?? [];
      list.push(model);
      tables.methods.set(method, list);
    }
  }
  tablesByModels.set(models, tables);
  return tables;
}

export class CallMatcher {
  private readonly calls: Map<string, ResourceModel>;
  private readonly methods: Map<string, ResourceModel[]>;
  private readonly callNames: Set<string>;
  private readonly releases: Set<string>;
  /** Path as written -> match; the file's imports are fixed, so each path is resolved once. */
  private readonly byPath = new Map<string, CallMatch | undefined>();

  /**
   * Field name -> the type the file's structs declare it with (`rt: Arc<Runtime>`), when every
   * struct of the file declaring that name agrees: `self.rt.spawn(..)` is that type's method.
   */
  private readonly fieldTypes = new Map<string, string | null>();

  constructor(models: readonly ResourceModel[], private readonly imports: RustImports) {
    ({ calls: this.calls, methods: this.methods, callNames: this.callNames, releases: this.releases } = modelTables(models));
  }

  /** Records a struct field's declared type (call for every field of the file before matching). */
  declareField(name: string, type: string): void {
    const known = this.fieldTypes.get(name);
    this.fieldTypes.set(name, known === undefined || known === type ? type : null);
  }

  /** The type every struct of the file declaring field `name` gives it, as written. */
  fieldType(name: string): string | undefined {
    return this.fieldTypes.get(name) ?? undefined;
  }

  /** Is `method` a release method of some model? */
  isReleaseName(method: string): boolean {
    return this.releases.has(method);
  }

  match(call: SyntaxNode): CallMatch | undefined {
    const fn = call.childForFieldName('function');
    return fn ? this.matchCallee(fn) : undefined;
  }

  /**
   * `match` for a call whose `function` node is already at hand, with its type and,
   * for a field expression, its field name (for an identifier, its text) when the
   * caller has read them.
   */
  matchCallee(fn: SyntaxNode, type: string = fn.type, field?: string, text?: string): CallMatch | undefined {
    if (type === 'identifier' || type === 'scoped_identifier' || type === 'generic_function') {
      const written = normalisePath(type === 'generic_function' ? (fn.childForFieldName('function')?.text ?? fn.text) : (text ?? fn.text));
      if (this.byPath.has(written)) return this.byPath.get(written);
      let found: CallMatch | undefined;
      for (const candidate of resolvePath(written, this.imports)) {
        const model = this.calls.get(candidate) ?? this.reexported(candidate);
        if (model) {
          found = { model, api: written };
          break;
        }
      }
      this.byPath.set(written, found);
      return found;
    }
    if (type === 'field_expression') {
      const method = field ?? fn.childForFieldName('field')?.text ?? '';
      const viaBuilder = this.callNames.has(method) ? this.matchBuilderChain(fn, method) : undefined;
      if (viaBuilder) return viaBuilder;
      const candidates = this.methods.get(method);
      if (!candidates) return undefined;
      const model = candidates.find(
        (m) => m.acquire.requiresImport.length === 0 || m.acquire.requiresImport.some((lib) => this.imports.roots.has(lib)),
      );
      return model ? { model, api: `.${method}()` } : undefined;
    }
    return undefined;
  }

  /**
   * `std::thread::Builder::new().name(..).spawn(..)`: a method at the end of a
   * builder chain whose root is `Type::new()` matches the model call `Type::method`.
   */
  private matchBuilderChain(fn: SyntaxNode, method: string): CallMatch | undefined {
    let receiver = fn.childForFieldName('value');
    for (let i = 0; receiver && i < 8; i++) {
      if (receiver.type !== 'call_expression') break;
      const inner = receiver.childForFieldName('function');
      if (!inner) return undefined;
      if (inner.type === 'field_expression') {
        receiver = inner.childForFieldName('value');
        continue;
      }
      if (inner.type !== 'scoped_identifier') return undefined;
      return this.matchBuilderRoot(normalisePath(inner.text), method);
    }
    // `let mut cmd = Command::new(..); cmd.arg(..); cmd.stderr(..).spawn()`: a builder kept in a local.
    if (receiver?.type === 'identifier') {
      const root = builderOfLocal(receiver);
      if (root) return this.matchBuilderRoot(root, method);
    }
    // `self.runtime.spawn(..)` with `runtime: Arc<Runtime>` declared, `handle.spawn(..)` with a
    // parameter `handle: &Handle`: the method of the type the field or parameter is declared with.
    const declared = receiver ? this.declaredType(receiver) : undefined;
    return declared ? this.matchBuilderRoot(`${declared}::_`, method) : undefined;
  }

  /** The type a `self.field` or a parameter is declared with, without references and smart pointers. */
  private declaredType(receiver: SyntaxNode): string | undefined {
    let written: string | undefined;
    if (receiver.type === 'field_expression' && receiver.childForFieldName('value')?.type === 'self') {
      written = this.fieldTypes.get(receiver.childForFieldName('field')?.text ?? '') ?? undefined;
    } else if (receiver.type === 'identifier') {
      written = parameterType(receiver);
    }
    return written ? pointee(written) : undefined;
  }

  /**
   * A model call reached through a crate that re-exports its library (`surfpool_db::diesel::r2d2::Pool::new`
   * is `r2d2::Pool::new`): the longest tail of the path, of a library, its type and the function, that is one.
   */
  private reexported(path: string): ResourceModel | undefined {
    const parts = path.split('::');
    for (let i = 1; i + 3 <= parts.length; i++) {
      const model = this.calls.get(parts.slice(i).join('::'));
      if (model) return model;
    }
    return undefined;
  }

  /** The model `Type::method` for a builder made by `written` (`Type::new`). */
  private matchBuilderRoot(written: string, method: string): CallMatch | undefined {
    for (const candidate of resolvePath(written, this.imports)) {
      const typePath = candidate.split('::').slice(0, -1).join('::');
      const model = this.calls.get(`${typePath}::${method}`) ?? this.reexported(`${typePath}::${method}`);
      if (model) return { model, api: `${written.split('::').slice(0, -1).join('::')}::…${method}` };
    }
    return undefined;
  }
}

/**
 * The constructor path (`Command::new`, `reqwest::Client::builder`) a local was bound to by
 * the last `let` of its name before it in the same function, if that `let` builds one.
 */
function builderOfLocal(local: SyntaxNode): string | undefined {
  let fn: SyntaxNode | null = local.parent;
  while (fn && fn.type !== 'function_item') fn = fn.parent;
  if (!fn) return undefined;
  const before = fn.text.slice(0, local.startIndex - fn.startIndex);
  const re = new RegExp(`\\blet\\s+(?:mut\\s+)?${escapeRegExp(local.text)}\\s*(?::[^=;]+)?=\\s*((?:[A-Za-z_]\\w*::)*[A-Z]\\w*::[a-z_]\\w*)\\s*\\(`, 'g');
  let root: string | undefined;
  for (const m of before.matchAll(re)) root = m[1];
  return root;
}

/** `&'a Arc<tokio::runtime::Handle>` -> `tokio::runtime::Handle`; undefined for anything but a plain path inside. */
function pointee(type: string): string | undefined {
  let t = type.replace(/\s+/g, '');
  for (let i = 0; i < 4; i++) {
    t = t.replace(/^&(?:'\w+)?(?:mut)?/, '');
    const m = /^(?:(?:std::)?(?:sync::|rc::|boxed::|option::)?)(?:Arc|Rc|Box|Option)<(.*)>$/.exec(t);
    if (!m) break;
    t = m[1]!;
  }
  return /^(?:[A-Za-z_]\w*::)*[A-Z]\w*$/.test(t) ? t : undefined;
}

/** The declared type of the enclosing function's parameter named like `local`, unless a `let` rebinds it before. */
function parameterType(local: SyntaxNode): string | undefined {
  let fn: SyntaxNode | null = local.parent;
  while (fn && fn.type !== 'function_item') fn = fn.parent;
  const params = fn?.childForFieldName('parameters');
  if (!fn || !params) return undefined;
  for (const p of params.namedChildren) {
    if (p?.type !== 'parameter' || p.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') !== local.text) continue;
    const before = fn.text.slice(0, local.startIndex - fn.startIndex);
    if (new RegExp(`\\blet\\s+(?:mut\\s+)?${escapeRegExp(local.text)}\\b`).test(before)) return undefined;
    return p.childForFieldName('type')?.text;
  }
  return undefined;
}
