// Matches calls and `new` expressions against the TypeScript resource models:
// qualified call paths, constructors, and methods (with receiver / import rules).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { ResourceModel } from '../../models/schema.js';
import { kids, shortText } from '../shared/tree.js';
import { memberPath, qualifiedNames, unwrap } from './qualify.js';
import type { FileScope } from './scope.js';
import { CallSite } from './call-site.js';

export interface CallMatch {
  model: ResourceModel;
  /** The API as written: `setInterval`, `new pg.Client`, `bus.on`. */
  api: string;
  /** The counting key for the methodology table: `setInterval`, `new pg.Client`, `.on()`. */
  key: string;
}

/** Names bound (in this file) to the result of an acquisition: `pool` -> `pg.Pool`, `this.browser` -> `browser.launch`. */
export type Bindings = ReadonlyMap<string, ResourceModel>;

/** Lookups from the models, by call path, constructor, method and last name. */
interface ModelTables {
  calls: Map<string, ResourceModel[]>;
  constructors: Map<string, ResourceModel[]>;
  methods: Map<string, ResourceModel[]>;
  patterns: { re: RegExp; model: ResourceModel }[];
  methodPatterns: { re: RegExp; model: ResourceModel }[];
  receiverNames: Map<string, RegExp>;
  /** Last name segments any model can match: a call whose callee ends otherwise is skipped at once. */
  lastNames: Set<string>;
}

/**
 * Built once per model list: the same list comes with every file (see
 * `modelsFor` in parse/extract-file.ts), and the tables depend on nothing else.
 * The patterns have no `g` or `y` flag, so sharing them keeps no state.
 */
const tablesByModels = new WeakMap<readonly ResourceModel[], ModelTables>();

function modelTables(models: readonly ResourceModel[]): ModelTables {
  let tables = tablesByModels.get(models);
  if (tables) return tables;
  tables = { calls: new Map(), constructors: new Map(), methods: new Map(), patterns: [], methodPatterns: [], receiverNames: new Map(), lastNames: new Set() };
  const add = (map: Map<string, ResourceModel[]>, key: string, model: ResourceModel): void => {
    const list = map.get(key) ?? [];
    list.push(model);
    map.set(key, list);
  };
  for (const model of models) {
    for (const c of model.acquire.calls) add(tables.calls, c, model);
    for (const c of model.acquire.constructors) add(tables.constructors, c, model);
    for (const m of model.acquire.methods) add(tables.methods, m, model);
    for (const name of [...model.acquire.calls, ...model.acquire.constructors, ...model.acquire.methods]) tables.lastNames.add(name.split('.').pop()!);
    const pattern = model.acquire.receiver?.namePattern;
    if (pattern) {
      try {
        tables.receiverNames.set(model.id, new RegExp(pattern, 'i'));
      } catch {
        /* an invalid user pattern matches nothing */
      }
    }
    if (model.acquire.methodPattern) {
      try {
        tables.methodPatterns.push({ re: new RegExp(model.acquire.methodPattern), model });
      } catch {
        /* an invalid user pattern matches nothing */
      }
    }
    if (model.acquire.constructorPattern) {
      try {
        tables.patterns.push({ re: new RegExp(model.acquire.constructorPattern), model });
      } catch {
        /* an invalid user pattern matches nothing */
      }
    }
  }
  tablesByModels.set(models, tables);
  return tables;
}

export class CallMatcher {
  private readonly calls: Map<string, ResourceModel[]>;
  private readonly constructors: Map<string, ResourceModel[]>;
  private readonly methods: Map<string, ResourceModel[]>;
  private readonly patterns: { re: RegExp; model: ResourceModel }[];
  private readonly methodPatterns: { re: RegExp; model: ResourceModel }[];
  private readonly receiverNames: Map<string, RegExp>;
  private readonly lastNames: Set<string>;

  constructor(
    models: readonly ResourceModel[],
    private readonly scope: FileScope,
  ) {
    ({ calls: this.calls, constructors: this.constructors, methods: this.methods, patterns: this.patterns, methodPatterns: this.methodPatterns, receiverNames: this.receiverNames, lastNames: this.lastNames } = modelTables(models));
  }

  private importsAny(libs: readonly string[]): boolean {
    return libs.length === 0 || libs.some((lib) => this.scope.roots.has(lib));
  }

  /** A bare global name that the file itself declares (a class, a function, a parameter) is not the global. */
  private shadowed(callee: SyntaxNode): boolean {
    const node = unwrap(callee);
    return node.type === 'identifier' && !this.scope.imports.has(node.text) && (this.scope.moduleNames.has(node.text) || this.scope.declared.has(node.text));
  }

  /** The last name of a callee (`setInterval`, `spawn` in `cp.spawn`, `Client` in `new pg.Client`). */
  private static lastName(site: CallSite, callee: SyntaxNode): string | undefined {
    if (site.calleeType === 'identifier') return site.identifier;
    if (site.calleeType === 'member_expression') return site.property;
    return unwrap(callee).type === 'identifier' ? unwrap(callee).text : undefined;
  }

  match(node: SyntaxNode, bindings: Bindings): CallMatch[] {
    return this.matchSite(new CallSite(node, node.type), bindings);
  }

  /** `match` for a call whose site the caller keeps (what it read from the callee is reused). */
  matchSite(site: CallSite, bindings: Bindings): CallMatch[] {
    const node = site.node;
    const callee = site.callee;
    if (!callee) return [];
    const last = CallMatcher.lastName(site, callee);
    if (last === undefined) return [];
    // Aliased and default imports are written under any name; everything else must end in a known name.
    const known =
      this.lastNames.has(last) ||
      (site.calleeType === 'identifier' && this.scope.imports.has(last)) ||
      (site.isNew && this.patterns.length > 0) ||
      (site.calleeType === 'member_expression' && this.methodPatterns.some((p) => p.re.test(last)));
    if (!known) return [];
    const found = this.matchAny(site, callee, bindings);
    if (found.length === 0) return found;
    const args = node.childForFieldName('arguments');
    const count = args ? args.namedChildren.filter((c) => c !== null && c.type !== 'comment').length : 0;
    return found.filter((m) => (m.model.acquire.maxArguments === undefined || count <= m.model.acquire.maxArguments) && !passesInertOption(m.model.acquire.inertOptions, args));
  }

  private matchAny(site: CallSite, callee: SyntaxNode, bindings: Bindings): CallMatch[] {
    if (site.type === 'new_expression') return this.matchNew(callee);
    if (site.type !== 'call_expression') return [];
    const out: CallMatch[] = [];
    // The text and the shadowing are read only once a model fits: most calls match none.
    let written: string | undefined;
    let isShadowed: boolean | undefined;
    for (const name of qualifiedNames(callee, this.scope, site.calleeType)) {
      for (const model of this.calls.get(name) ?? []) {
        // A local `sleep()` helper is still a period source; a local `setInterval` is not the timer.
        if ((isShadowed ??= this.shadowed(callee)) && model.role !== 'period') continue;
        if (!out.some((m) => m.model === model)) out.push({ model, api: (written ??= shortText(callee, 60).replace(/\s+/g, '')), key: name });
      }
    }
    if (out.length > 0) return out;
    if (site.calleeType === 'member_expression') {
      const method = site.property ?? '';
      const receiver = callee.childForFieldName('object');
      for (const model of this.methods.get(method) ?? []) {
        if (!receiver || !this.receiverFits(model, receiver, bindings)) continue;
        const r = shortText(receiver, 40);
        out.push({ model, api: r.length <= 30 && !r.includes('(') ? `${r}.${method}` : `.${method}`, key: `.${method}()` });
      }
      // `this.onLeave(..)`: a class calling its own on<Event> method invokes a hook as often as it subscribes.
      if (out.length > 0 || !receiver || unwrap(receiver).type === 'this' || !handsInFunction(site.node)) return out;
      for (const { re, model } of this.methodPatterns) {
        if (!re.test(method) || !this.receiverFits(model, receiver, bindings)) continue;
        const r = shortText(receiver, 40);
        out.push({ model, api: r.length <= 30 && !r.includes('(') ? `${r}.${method}` : `.${method}`, key: `.on*()` });
      }
    }
    return out;
  }

  private matchNew(ctor: SyntaxNode): CallMatch[] {
    // The text and the shadowing are read only once a model fits: most `new`s build nothing a model knows.
    let written: string | undefined;
    const writtenText = (): string => (written ??= `new ${shortText(ctor, 50).replace(/\s+/g, '')}`);
    const out: CallMatch[] = [];
    const names = qualifiedNames(ctor, this.scope);
    if (names.some((name) => this.constructors.has(name)) && !this.shadowed(ctor)) {
      for (const name of names) {
        for (const model of this.constructors.get(name) ?? []) {
          if (!out.some((m) => m.model === model)) out.push({ model, api: writtenText(), key: `new ${name}` });
        }
      }
    }
    if (out.length > 0 || this.patterns.length === 0) return out;
    const last = memberPath(ctor)?.at(-1) ?? unwrap(ctor).text;
    for (const { re, model } of this.patterns) {
      if (re.test(last) && this.importsAny(model.acquire.requiresImport)) out.push({ model, api: writtenText(), key: `new ${last}` });
    }
    return out;
  }

  /** Receiver rules: a bound resource of the right model, a fitting name, or the required imports. */
  private receiverFits(model: ResourceModel, receiver: SyntaxNode, bindings: Bindings): boolean {
    const r = unwrap(receiver);
    // `http.createServer(app).listen(..)`, `server.listen(..)`: the same resource, not a new one.
    const bound = bindings.get(bindingText(r));
    const rule = model.acquire.receiver;
    if (bound && rule?.models.includes(bound.id)) return true;
    if (bound && bound.kind === model.kind) return false;
    if (r.type === 'call_expression' || r.type === 'new_expression') {
      const inner = this.match(r, bindings);
      if (inner.some((m) => m.model.kind === model.kind && m.model.role === 'acquire')) return false;
    }
    if (rule) {
      const re = this.receiverNames.get(model.id);
      if (re) {
        const last = memberPath(r)?.at(-1);
        if (last && re.test(last)) return this.importsAny(model.acquire.requiresImport);
      }
      return false;
    }
    return this.importsAny(model.acquire.requiresImport);
  }
}

/** The text a handle is bound under: `pool`, `this.pool` (`this.#pool` -> `this.pool`). */
export function bindingText(node: SyntaxNode): string {
  const path = memberPath(node);
  return path ? path.join('.').replace(/\.#/g, '.') : node.text.replace(/\s+/g, '');
}

/** Does an object-literal argument pass one of the model's `inertOptions` (`{ noServer: true }`)? */
function passesInertOption(options: Readonly<Record<string, string>> | undefined, args: SyntaxNode | null): boolean {
  if (!options || !args) return false;
  // `Object.assign({ .. }, user, { noServer: true })`: options merged last win over what comes before.
  const objects = kids(args).flatMap((arg) => {
    const value = unwrap(arg);
    const merged = value.type === 'call_expression' && value.childForFieldName('function')?.text === 'Object.assign';
    const last = merged ? kids(value.childForFieldName('arguments') ?? value).at(-1) : value;
    return last ? [unwrap(last)] : [];
  });
  return objects.some((object) => {
    return object.type === 'object' && kids(object).some((p) => {
      const key = p.type === 'pair' ? p.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '') : undefined;
      return key !== undefined && Object.hasOwn(options, key) && options[key] === p.childForFieldName('value')?.text;
    });
  });
}

/** The call's first argument is a function written there, or one bound there (`this.onChange.bind(this)`). */
function handsInFunction(call: SyntaxNode): boolean {
  const first = call.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  if (!first) return false;
  const arg = unwrap(first);
  if (arg.type === 'arrow_function' || arg.type === 'function_expression' || arg.type === 'function') return true;
  return arg.type === 'call_expression' && /\.bind$/.test(arg.childForFieldName('function')?.text ?? '');
}
