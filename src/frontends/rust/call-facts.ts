// Rust call facts: who calls, constructs or hands over which function, so the analysis can tell how often code runs.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { EnclosingFunction, FileFacts } from '../../facts/types.js';
import { kids } from '../shared/tree.js';
import type { collectImports } from './imports.js';
import type { NodeIndex } from './node-index.js';
import { staticOnceGuard } from './once-guards.js';
import { staticFlagGuard } from './static-flags.js';
import { constructedType, mayBind, moduleOfPath, PATTERN_PARENTS, plainType, RESULT_PASS_THROUGH, scopedParts, STD_METHOD_NAMES, withoutGenerics } from './call-names.js';
import { lastLetBefore } from './spawn-site.js';

/** Methods of lazy cells whose closure runs once per cell (`OnceCell`, `OnceLock`, `Once`, `Lazy`). */
const LAZY_INIT = /^(get_or_init|get_or_try_init|get_or_init_async|call_once|call_once_force)$/;

/** What the extraction walk shares with the call facts of one file. */
export interface CallFactEnv {
  facts: FileFacts;
  source: string;
  index: NodeIndex;
  imports: ReturnType<typeof collectImports>;
  /** The free functions this file declares. */
  freeFns: Set<string>;
  enclosingOf: (node: SyntaxNode) => EnclosingFunction;
  /** The function item the node being visited sits in, from the walk's scope stack. */
  innermostFunction: () => SyntaxNode | undefined;
  statics: () => Set<string>;
  /** The type the file's structs declare a field name with, when they agree (`telemetry: TelemetrySystem`). */
  fieldType: (field: string) => string | undefined;
}

/** The recorders of one file's call facts; `boundInFunction` is shared with the acquisition facts. */
export interface CallFactRecorder {
  recordCall(call: SyntaxNode, fnNode: SyntaxNode, fnType: string, method: string | undefined, fnText: string | undefined): void;
  recordReferences(call: SyntaxNode): void;
  recordConstruction(node: SyntaxNode): void;
  boundInFunction(name: string, at: SyntaxNode): boolean;
}

export function callFactRecorder(ctx: CallFactEnv): CallFactRecorder {
  const { facts, source, index, imports, freeFns, enclosingOf, innermostFunction } = ctx;
  const seenCalls = new Set<string>();
  /** Receiver types by `function start:name` (see `receiverType`). */
  const letTypes = new Map<string, string | undefined>();
  /** Names bound by a pattern in each function (by its start), with where (see `boundInFunction`). */
  const bindingsByFunction = new Map<number, Map<string, number[]>>();

  /** `Handler { .. }`: who makes instances of a type (only `main()`, or per call). */
  function recordConstruction(node: SyntaxNode): void {
    const enclosing = enclosingOf(node);
    if (enclosing.isTest) return;
    const named = plainType(node.childForFieldName('name')?.text ?? '');
    const owner = named === 'Self' ? enclosing.ownerType : named;
    if (!owner || !/^[A-Z]/.test(owner)) return;
    const key = `constructor|${owner}|||${enclosing.name}|${enclosing.ownerType ?? ''}|${enclosing.module ?? ''}`;
    if (seenCalls.has(key)) return;
    seenCalls.add(key);
    facts.calls.push({
      callee: 'constructor',
      calleeOwner: owner,
      caller: enclosing.name,
      ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
      ...(enclosing.module ? { callerModule: enclosing.module } : {}),
      callerIsEntryPoint: enclosing.isEntryPoint,
    });
  }

  /**
   * The type a method call's receiver certainly has: a constructor call (`Server::new(..)?`,
   * `Config::default()`), a struct literal, or a `let` of the enclosing function bound to one
   * (or annotated with a plain type). Smart pointers and containers (`Arc::new(x)`) pass method
   * calls on to what they hold, so they name no type here.
   */
  function receiverType(receiver: SyntaxNode, at: SyntaxNode): string | undefined {
    // `self.telemetry.start()` with `telemetry: TelemetrySystem` (or `Arc<..>`, `Box<..>`: method calls reach through).
    if (receiver.type === 'field_expression' && receiver.childForFieldName('value')?.type === 'self') {
      const declared = ctx.fieldType(receiver.childForFieldName('field')?.text ?? '');
      return declared ? plainType(throughPointers(declared)) : undefined;
    }
    if (receiver.type !== 'identifier') return constructedType(receiver);
    const fnItem = innermostFunction();
    if (!fnItem) return undefined;
    const key = `${fnItem.startIndex}:${receiver.text}`;
    if (letTypes.has(key)) return letTypes.get(key);
    // No `let` at all: a parameter or a capture, of a type not named here.
    let binding = lastLetBefore(receiver.text, fnItem, at, index);
    let value = binding?.childForFieldName('value');
    // `let mut dp = dp;`: a rebinding keeps the type of what it rebinds.
    for (let step = 0; step < 3 && binding && !binding.childForFieldName('type') && value?.type === 'identifier'; step++) {
      binding = lastLetBefore(value.text, fnItem, binding, index);
      value = binding?.childForFieldName('value');
    }
    const annotated = binding?.childForFieldName('type');
    const type = annotated ? plainType(annotated.text) : value ? constructedType(value) : undefined;
    letTypes.set(key, type);
    return type;
  }

  /** Is `name` bound by a pattern of the enclosing function before `at` (`Ok((addr, run)) =>`, `|run|`, `let run = ..`)? */
  function boundInFunction(name: string, at: SyntaxNode): boolean {
    const fnItem = innermostFunction();
    if (!fnItem) return false;
    // Most names occur before the call only as calls (`run(`), paths or fields: then nothing binds them.
    if (!mayBind(source.slice(fnItem.startIndex, at.startIndex), name)) return false;
    let bindings = bindingsByFunction.get(fnItem.startIndex);
    if (!bindings) {
      bindings = new Map();
      for (const id of fnItem.descendantsOfType('identifier')) {
        if (!id || !PATTERN_PARENTS.has(id.parent?.type ?? '')) continue;
        const list = bindings.get(id.text);
        if (list) list.push(id.startIndex);
        else bindings.set(id.text, [id.startIndex]);
      }
      bindingsByFunction.set(fnItem.startIndex, bindings);
    }
    return (bindings.get(name) ?? []).some((start) => start < at.startIndex);
  }

  /**
   * `fnType` is `fnNode.type`; `method` the field name when it is a field
   * expression; `fnText` the callee's text when it is a (scoped) identifier.
   */
  function recordCall(call: SyntaxNode, fnNode: SyntaxNode, fnType: string, method: string | undefined, fnText: string | undefined): void {
    const scoped = fnType === 'scoped_identifier' ? scopedParts(fnNode, fnText!) : undefined;
    let callee: string | undefined;
    if (fnType === 'identifier') callee = fnText;
    else if (scoped) callee = scoped.name();
    else if (fnType === 'field_expression') callee = method;
    if (!callee) return;
    // A method named like a std or iterator method (`.collect()`, `.send()`) on a receiver of unknown
    // type is most likely that std method: no call of ours. On `self` or a receiver of a type the code
    // names (`let c = Collector::new(); c.collect()`) it is the project's method.
    // A bare `send(..)` is ours only when this file declares or imports it by name.
    const stdNamed = STD_METHOD_NAMES.test(callee);
    if (stdNamed && fnType === 'identifier' && !freeFns.has(callee) && !imports.names.has(callee)) return;
    let calleeOwner: string | undefined;
    let calleeModule: string | undefined;
    let local = false;
    if (scoped) {
      // The segment before the name: a type (`Pool::new()`, `crate::db::Pool::new()`) or a module (`cache::memory::new()`).
      const path = scoped.path() && withoutGenerics(scoped.path()!);
      const last = path?.slice(path.lastIndexOf(':') + 1);
      if (last && /^[A-Z]\w*$/.test(last)) calleeOwner = last;
      else if (last && /^[a-z_]\w*$/.test(last) && !/^(self|super|crate)$/.test(last)) calleeModule = last;
    } else if (fnType === 'identifier') {
      // A bare `run()`: this file's own free `run`, or one imported by name (`use crate::jobs::run`: of
      // module `jobs`). A name the file neither declares nor imports is a local binding (a closure,
      // a parameter) or a prelude item (`drop`, `Ok`), no function of the project: no call fact,
      // unless a glob import may have brought it and no pattern of the function binds it.
      const imported = imports.names.get(callee);
      const declared = freeFns.has(callee);
      // `let (addr, run) = make(); run(addr)`: a binding shadows the function of the same name.
      if ((declared || (!imported && imports.globs.length > 0)) && boundInFunction(callee, call)) return;
      if (declared) local = true;
      else if (imported?.length === 1) calleeModule = moduleOfPath(imported[0]!);
      else if (!imported && imports.globs.length === 0) return;
    } else if (fnType === 'field_expression') {
      // `self.f()` targets our own type; `server.f()` after `let server = Server::new(..)?` that
      // type (Rust resolves a method on a concrete type to that type's); any other `x.f()` some
      // type we cannot name here.
      const receiver = fnNode.childForFieldName('value');
      // `Server::new(..).context(..)`: a method of the Result around the value, not of the value's type.
      const onResult = receiver?.type !== 'identifier' && RESULT_PASS_THROUGH.test(callee);
      calleeOwner = receiver?.type === 'self' ? 'Self' : (receiver && !onResult ? receiverType(receiver, call) : undefined) ?? '?';
      if (stdNamed && calleeOwner === '?') return;
    }
    const enclosing = enclosingOf(call);
    if (enclosing.isTest) return;
    // `Self::new()` in a trait's default method: some type implementing the trait, not a free function.
    if (calleeOwner === 'Self') calleeOwner = enclosing.ownerType ?? '?';
    const lazy = inLazyInit(call);
    // In the one-time initialiser of a static (`static M: Lazy<T> = Lazy::new(|| T::new())`): once per process.
    const once = staticOnceGuard(call, ctx.statics()) || staticFlagGuard(call, innermostFunction() ?? null, ctx.statics()) ? (true as const) : undefined;
    pushCallFact(`${callee}|${calleeOwner ?? ''}|${calleeModule ?? ''}|${local}${lazy ? '|lazy' : ''}${once ? '|once' : ''}`, { callee, calleeOwner, calleeModule, local, ...(lazy ? { lazy } : {}), ...(once ? { once } : {}) }, enclosing);
  }

  /** One call fact per callee, caller and shape (`key` names the callee side). */
  function pushCallFact(
    key: string,
    c: { callee: string; calleeOwner: string | undefined; calleeModule: string | undefined; local: boolean; reference?: true; lazy?: true; once?: true },
    enclosing: EnclosingFunction,
  ): void {
    const full = `${key}|${enclosing.name}|${enclosing.ownerType ?? ''}|${enclosing.module ?? ''}`;
    if (seenCalls.has(full)) return;
    seenCalls.add(full);
    facts.calls.push({
      callee: c.callee,
      ...(c.calleeOwner ? { calleeOwner: c.calleeOwner } : {}),
      ...(c.calleeModule ? { calleeModule: c.calleeModule } : {}),
      caller: enclosing.name,
      ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
      ...(enclosing.module ? { callerModule: enclosing.module } : {}),
      ...(c.local ? { local: true as const } : {}),
      callerIsEntryPoint: enclosing.isEntryPoint,
      ...(c.reference ? { reference: true as const } : {}),
      ...(c.lazy ? { lazy: true as const } : {}),
      ...(c.once ? { once: true as const } : {}),
    });
  }

  /**
   * Is the call inside the closure a lazy cell runs to fill itself (`self.client.get_or_init(|| ..)`,
   * `ONCE.call_once(|| ..)`)? It runs once per cell, however often the function around it runs.
   */
  function inLazyInit(call: SyntaxNode): true | undefined {
    for (let cur = call.parent; cur && cur.type !== 'function_item'; cur = cur.parent) {
      if (cur.type !== 'closure_expression') continue;
      const outer = cur.parent?.type === 'arguments' ? cur.parent.parent : null;
      const fn = outer?.type === 'call_expression' ? outer.childForFieldName('function') : null;
      const name = fn?.type === 'field_expression' ? fn.childForFieldName('field')?.text : fn?.type === 'scoped_identifier' ? fn.childForFieldName('name')?.text : undefined;
      if (name && LAZY_INIT.test(name)) return true;
    }
    return undefined;
  }

  /**
   * `thread::spawn(worker)`, `service_fn(handle)`, `.map(Self::parse)`: a function handed over as
   * a value is used, though no call by name shows it. Recorded as a reference: it runs whenever
   * what it was handed to calls it, how often is not known.
   */
  function recordReferences(call: SyntaxNode): void {
    const args = call.childForFieldName('arguments');
    if (!args) return;
    for (const arg of kids(args)) {
      let callee: string | undefined;
      let calleeOwner: string | undefined;
      let calleeModule: string | undefined;
      let local = false;
      if (arg.type === 'identifier') {
        const name = arg.text;
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) continue;
        const imported = imports.names.get(name);
        if (!freeFns.has(name) && !imported) continue;
        if (boundInFunction(name, call)) continue;
        callee = name;
        if (freeFns.has(name)) local = true;
        else if (imported?.length === 1) calleeModule = moduleOfPath(imported[0]!);
      } else if (arg.type === 'scoped_identifier') {
        const parts = scopedParts(arg, arg.text);
        const name = parts.name();
        const path = parts.path() && withoutGenerics(parts.path()!);
        const last = path?.slice(path.lastIndexOf(':') + 1);
        if (!name || !/^[a-z_][a-z0-9_]*$/.test(name) || !last) continue;
        callee = name;
        if (last === 'Self') calleeOwner = enclosingOf(call).ownerType ?? '?';
        else if (/^[A-Z]\w*$/.test(last)) calleeOwner = last;
        else if (/^[a-z_]\w*$/.test(last) && !/^(self|super|crate)$/.test(last)) calleeModule = last;
        else continue;
        if (calleeOwner === '?') continue;
      } else continue;
      const enclosing = enclosingOf(call);
      if (enclosing.isTest) continue;
      pushCallFact(`ref|${callee}|${calleeOwner ?? ''}|${calleeModule ?? ''}`, { callee, calleeOwner, calleeModule, local, reference: true }, enclosing);
    }
  }

  return { recordCall, recordReferences, recordConstruction, boundInFunction };
}

/** `Arc<T>`, `Rc<T>`, `Box<T>`, `&T` -> `T`: what method calls on the field reach. */
function throughPointers(type: string): string {
  let t = type.replace(/\s+/g, '');
  for (let i = 0; i < 4; i++) {
    const m = /^(?:(?:std::)?(?:sync::|rc::|boxed::)?)(?:Arc|Rc|Box)<(.*)>$/.exec(t.replace(/^&(?:'\w+)?(?:mut)?/, ''));
    if (!m) break;
    t = m[1]!;
  }
  return t;
}
