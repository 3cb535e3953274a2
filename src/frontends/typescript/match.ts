// Matches calls and `new` expressions against the TypeScript resource models:
// qualified call paths, constructors, and methods (with receiver / import rules).
import type { SyntaxNode } from '../../parse/syntax.js';
import type { ResourceModel } from '../../models/schema.js';
import { shortText } from '../shared/tree.js';
import { memberPath, qualifiedNames, unwrap } from './qualify.js';
import type { FileScope } from './scope.js';

export interface CallMatch {
  model: ResourceModel;
  /** The API as written: `setInterval`, `new pg.Client`, `bus.on`. */
  api: string;
  /** The counting key for the methodology table: `setInterval`, `new pg.Client`, `.on()`. */
  key: string;
}

/** Names bound (in this file) to the result of an acquisition: `pool` -> `pg.Pool`, `this.browser` -> `browser.launch`. */
export type Bindings = ReadonlyMap<string, ResourceModel>;

export class CallMatcher {
  private readonly calls = new Map<string, ResourceModel[]>();
  private readonly constructors = new Map<string, ResourceModel[]>();
  private readonly methods = new Map<string, ResourceModel[]>();
  private readonly patterns: { re: RegExp; model: ResourceModel }[] = [];

  constructor(
    models: readonly ResourceModel[],
    private readonly scope: FileScope,
  ) {
    const add = (map: Map<string, ResourceModel[]>, key: string, model: ResourceModel): void => {
      const list = map.get(key) ?? [];
      list.push(model);
      map.set(key, list);
    };
    for (const model of models) {
      for (const c of model.acquire.calls) add(this.calls, c, model);
      for (const c of model.acquire.constructors) add(this.constructors, c, model);
      for (const m of model.acquire.methods) add(this.methods, m, model);
      if (model.acquire.constructorPattern) {
        try {
          this.patterns.push({ re: new RegExp(model.acquire.constructorPattern), model });
        } catch {
          /* an invalid user pattern matches nothing */
        }
      }
    }
  }

  private importsAny(libs: readonly string[]): boolean {
    return libs.length === 0 || libs.some((lib) => this.scope.roots.has(lib));
  }

  /** A bare global name that the file itself declares is not the global. */
  private shadowed(callee: SyntaxNode, declaredLocally: (name: string) => boolean): boolean {
    const node = unwrap(callee);
    return node.type === 'identifier' && !this.scope.imports.has(node.text) && (this.scope.moduleNames.has(node.text) || declaredLocally(node.text));
  }

  match(node: SyntaxNode, bindings: Bindings, declaredLocally: (name: string) => boolean): CallMatch[] {
    const args = node.childForFieldName('arguments');
    const count = args ? args.namedChildren.filter((c) => c !== null && c.type !== 'comment').length : 0;
    return this.matchAny(node, bindings, declaredLocally).filter((m) => m.model.acquire.maxArguments === undefined || count <= m.model.acquire.maxArguments);
  }

  private matchAny(node: SyntaxNode, bindings: Bindings, declaredLocally: (name: string) => boolean): CallMatch[] {
    if (node.type === 'new_expression') return this.matchNew(node, declaredLocally);
    if (node.type !== 'call_expression') return [];
    const callee = node.childForFieldName('function');
    if (!callee) return [];
    const out: CallMatch[] = [];
    const written = shortText(callee, 60).replace(/\s+/g, '');
    const isShadowed = this.shadowed(callee, declaredLocally);
    for (const name of qualifiedNames(callee, this.scope)) {
      for (const model of this.calls.get(name) ?? []) {
        // A local `sleep()` helper is still a period source; a local `setInterval` is not the timer.
        if (isShadowed && model.role !== 'period') continue;
        if (!out.some((m) => m.model === model)) out.push({ model, api: written, key: name });
      }
    }
    if (out.length > 0) return out;
    if (callee.type === 'member_expression') {
      const method = callee.childForFieldName('property')?.text ?? '';
      const receiver = callee.childForFieldName('object');
      for (const model of this.methods.get(method) ?? []) {
        if (!receiver || !this.receiverFits(model, receiver, bindings)) continue;
        const r = shortText(receiver, 40);
        out.push({ model, api: r.length <= 30 && !r.includes('(') ? `${r}.${method}` : `.${method}`, key: `.${method}()` });
      }
    }
    return out;
  }

  private matchNew(node: SyntaxNode, declaredLocally: (name: string) => boolean): CallMatch[] {
    const ctor = node.childForFieldName('constructor');
    if (!ctor) return [];
    const written = `new ${shortText(ctor, 50).replace(/\s+/g, '')}`;
    const out: CallMatch[] = [];
    if (!this.shadowed(ctor, declaredLocally)) {
      for (const name of qualifiedNames(ctor, this.scope)) {
        for (const model of this.constructors.get(name) ?? []) {
          if (!out.some((m) => m.model === model)) out.push({ model, api: written, key: `new ${name}` });
        }
      }
    }
    if (out.length > 0) return out;
    const last = memberPath(ctor)?.at(-1) ?? unwrap(ctor).text;
    for (const { re, model } of this.patterns) {
      if (re.test(last) && this.importsAny(model.acquire.requiresImport)) out.push({ model, api: written, key: `new ${last}` });
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
      const inner = this.match(r, bindings, () => false);
      if (inner.some((m) => m.model.kind === model.kind && m.model.role === 'acquire')) return false;
    }
    if (rule) {
      if (rule.namePattern) {
        const last = memberPath(r)?.at(-1);
        if (last && new RegExp(rule.namePattern, 'i').test(last)) return this.importsAny(model.acquire.requiresImport);
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
