// Call facts of a TypeScript file: who calls which named function, or hands one
// over as a value, and the class a receiver holds, for the project's call graph.
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import type { SyntaxNode } from '../../parse/syntax.js';
import { DEFAULT_EXPORT, type FileFacts } from '../../facts/types.js';
import { kids } from '../shared/tree.js';
import { FUNCTION_TYPES, className, functionName, isCliActionCall, positionalParameters, type Enclosing, type FunctionContext } from './functions.js';
import type { Declarations } from './declarations.js';
import type { CallSite } from './call-site.js';
import type { ClassInfo } from './owners.js';
import { memberPath, unwrap } from './qualify.js';
import type { NodeIndex } from './node-index.js';
import { packageRoot, thisPath, type FileScope } from './scope.js';
import { singletonObjectOf } from './singleton-objects.js';
import { deferredCallees, topLevelFunctionNames } from './deferred-calls.js';
import { sharedArguments } from './construction-arguments.js';
import { loadedModuleOf, mayLoadModules } from './module-loaders.js';
import { fieldOnceGuard } from './once-guards.js';
import { INSTANCE_OF, INSTANCE_SCAN_TOP_TYPES, INSTANCE_SCAN_TYPES, declaredClass, isStaticMethod, lazySingleton } from './instance-classes.js';

/** What the call recorder reads and writes of the file being extracted. */
export interface CallFactEnv {
  path: string;
  /** The file's text. */
  source: string;
  root: SyntaxNode;
  scope: FileScope;
  facts: FileFacts;
  index: NodeIndex;
  declarations: Declarations;
  classes: ReadonlyMap<string, ClassInfo>;
  /** Keys of the call facts already recorded (one per callee, caller and shape). */
  seenCalls: Set<string>;
  classFactories: ReadonlyMap<string, number[]>;
  /** The class each `function start:name` variable holds (see `instanceClassOf`). */
  instanceInits: Map<string, string | undefined>;
  collectedFunctions: readonly { node: SyntaxNode }[];
  describeShared: (node: SyntaxNode, ctx: FunctionContext) => Omit<Enclosing, 'context'>;
  /** A construction's arguments new on every run of its caller: an event's own, or made right there. */
  freshArguments: (call: SyntaxNode, fn: SyntaxNode | null) => number[];
  /** Names of this file's module-level object literals of functions (`const UI = { start() {..} }`). */
  singletons: ReadonlySet<string>;
}

export interface CallRecorder {
  recordCall(site: CallSite, ctx: FunctionContext): void;
  recordReferences(site: CallSite, ctx: FunctionContext): void;
  recordDeferredCalls(site: CallSite, ctx: FunctionContext): void;
  recordElement(element: SyntaxNode, ctx: FunctionContext): void;
  instanceClassOf(name: string, fn: SyntaxNode | null): string | undefined;
  /** Is `name` a function of `fn` or of a function around it (a nested helper, a parameter)? */
  boundLocally(name: string, fn: SyntaxNode | null): boolean;
}

export function callRecorder(env: CallFactEnv): CallRecorder {
  const { path, source, root, scope, facts, index, declarations, classes, seenCalls, classFactories, instanceInits, collectedFunctions, describeShared, freshArguments, singletons } = env;
  /** The module's top-level functions, read on first use. */
  let moduleFunctions: Set<string> | undefined;
  const isModuleFunction = (name: string): boolean => (moduleFunctions ??= topLevelFunctionNames(root)).has(name);
  // `UI.addHandlers()` / `this.addHandlers()` inside `const UI = { .. }`: a function of that object of this file.
  const calleeOfSingleton = (receiver: string, fn: SyntaxNode | null): boolean =>
    receiver === 'this' ? !!fn && singletonObjectOf(fn) !== undefined : singletons.has(receiver) && !boundLocally(receiver, fn);
  /** Whether the file reads a directory at all (see `mayLoadModules`), read on first use. */
  let loaderFile: boolean | undefined;
  const loadsModules = (): boolean => (loaderFile ??= mayLoadModules(source));
  /** Names of the functions this file declares (`function f`, `const f = () => ..`), read on first use. */
  let fileFunctions: Set<string> | undefined;


  /** Who calls which named function, so the analysis can tell what only `main()` starts. */
  function recordCall(site: CallSite, ctx: FunctionContext): void {
    const call = site.node;
    const isNew = site.isNew;
    // `list.push(x)`: a member call's last name is its property, so a built-in method is
    // known before the whole path is read (the path is then either unreadable or ignored).
    if (!isNew && site.calleeType === 'member_expression' && IGNORED_CALLEES.test((site.property ?? '').replace(/^#/, ''))) return;
    const calleePath = site.path;
    if (!calleePath) return;
    // `exec(..)` after `const { exec } = require('child_process')`: Node's function, not one of this
    // project's (a call graph by name would take it for any `exec` the project defines). Likewise a
    // module variable that holds no function of this file (`var exec = cp.exec`). Other imports may
    // be the project's own under a path alias (`~/stores`), so they stay.
    if (!isNew && calleePath.length === 1) {
      const imported = scope.imports.get(calleePath[0]!);
      if (imported ? NODE_BUILTINS.has(imported.module.split('/')[0]!) : scope.moduleVars.has(calleePath[0]!)) return;
    }
    // `new this(..)` in a static method constructs the class itself.
    const name = isNew && calleePath.length === 1 && calleePath[0] === 'this' && ctx.cls && isStaticMethod(ctx.fn) ? className(ctx.cls) : calleePath.at(-1)!.replace(/^#/, '');
    // `new Store(..)` calls Store's constructor: who creates instances tells how many there are.
    if (isNew && !/^[A-Z]/.test(name)) return;
    // `obj.constructor(..)` reaches some class's constructor by reflection: it says nothing of which.
    if (!isNew && name === 'constructor') return;
    if (!isNew && calleePath.length > 1 && IGNORED_CALLEES.test(name)) return;
    const enclosing = describeShared(call, ctx);
    if (enclosing.isTest) return;
    let calleeOwner: string | undefined;
    /** The project file whose module object the call goes through (`packages.loadPackages()`). */
    let moduleFile: string | undefined;
    if (isNew) calleeOwner = name;
    else if (calleePath.length === 2 && calleePath[0] === 'this' && (ctx.cls || !calleeOfSingleton('this', ctx.fn))) calleeOwner = ctx.cls ? className(ctx.cls) : '?';
    else if (calleePath.length === 2 && /^[A-Z]/.test(calleePath[0]!) && classes.has(calleePath[0]!)) calleeOwner = calleePath[0];
    // `packages.loadPackages()` with `import packages from './plugins/packages'`: a function of another
    // file of this project, called through its module object, not a method of some unknown type; or,
    // when that file's default export is an object (`export default new CheckVersion()`), its method.
    else if (calleePath.length === 2 && isProjectModule(scope.imports.get(calleePath[0]!)) && !boundLocally(calleePath[0]!, ctx.fn)) {
      calleeOwner = undefined;
      moduleFile = relativeModuleFile(scope.imports.get(calleePath[0]!)!.module);
    } else if (calleePath.length === 2 && !ctx.cls && calleeOfSingleton(calleePath[0]!, ctx.fn)) moduleFile = withoutExtension(path);
    else if (calleePath.length > 1) calleeOwner = '?';
    // `manager.init()` after `manager = new ClientManager()`, or with `let manager: ClientManager | null`.
    let typedReceiver = false;
    // `event.run(...args)` in a handler a directory loader registers: only that directory's modules are meant.
    const loadedFrom = calleeOwner === '?' && calleePath.length === 2 && loadsModules() ? loadedModuleOf(call, calleePath[0]!, path) : undefined;
    if (!loadedFrom && calleeOwner === '?' && calleePath.length === 2 && scope.declared.has(calleePath[0]!)) {
      const cls = instanceClassOf(calleePath[0]!, ctx.fn);
      if (cls) {
        calleeOwner = cls;
        typedReceiver = true;
      }
    }
    const calleeName = isNew ? 'constructor' : name;
    // `jobs.start()` after `import { jobs } from './jobs'`: whether `jobs` is an instance that file makes is seen there.
    const receiverImport = !isNew && !loadedFrom && !typedReceiver ? importedReceiver(calleePath, ctx.fn) : undefined;
    // `this.register(AuthStore)`, where `register(StoreClass)` does `new StoreClass(..)`: this call constructs an `AuthStore`.
    if (!isNew && classFactories.size > 0) {
      const positions = classFactories.get(`${calleeOwner ?? ''}::${name}`);
      const args = positions ? site.node.childForFieldName('arguments') : null;
      const argList = args ? kids(args) : [];
      for (const i of positions ?? []) {
        const arg = argList[i];
        if (arg?.type !== 'identifier' || !/^[A-Z]/.test(arg.text)) continue;
        const made = `constructor|${arg.text}|${enclosing.name}|${enclosing.ownerType ?? ''}`;
        if (seenCalls.has(made)) continue;
        seenCalls.add(made);
        facts.calls.push({
          callee: 'constructor',
          calleeOwner: arg.text,
          caller: enclosing.name,
          ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
          callerIsEntryPoint: enclosing.isEntryPoint,
        });
      }
    }
    // `new Uploader()`, `Store.create()`: the file the class comes from tells it from another file's class of the same name.
    const calleeFile = calleeOwner && calleeOwner !== '?' && calleePath.length === (isNew ? 1 : 2) ? classFile(calleeOwner, ctx.fn) : moduleFile;
    // `io.on('connection', (socket) => new Session(socket))`: arguments new on every event.
    const fresh = isNew ? freshArguments(call, ctx.fn) : undefined;
    // `new Session(this.bus)`, `new Writer(bus)` with a module-level bus: every object made gets the same one.
    const shared = isNew ? sharedArguments(call, ctx.fn, scope, declarations, enclosing.isConstructor === true) : undefined;
    // `if (this.visible) return; this.visible = true; this.startRefresh()`: a guarded call of the object's own method.
    const guardedBy = !isNew && calleePath.length === 2 && calleePath[0] === 'this' && ctx.cls && ctx.fn ? fieldOnceGuard(call, ctx.fn) : undefined;
    const key = `${calleeName}|${calleeOwner ?? ''}|${calleeFile ?? ''}|${fresh?.join(',') ?? ''}|${shared?.join(',') ?? ''}|${loadedFrom?.dir ?? ''}|${enclosing.name}|${enclosing.ownerType ?? ''}|${guardedBy?.flag ?? ''}|${receiverImport?.name ?? ''}`;
    if (seenCalls.has(key)) return;
    seenCalls.add(key);
    facts.calls.push({
      callee: calleeName,
      ...(calleeOwner ? { calleeOwner } : {}),
      ...(calleeFile !== undefined ? { calleeFile } : {}),
      ...(typedReceiver ? { typedReceiver: true as const } : {}),
      ...(loadedFrom ? { loadedFrom } : {}),
      caller: enclosing.name,
      ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
      callerIsEntryPoint: enclosing.isEntryPoint,
      ...(enclosing.isSetup ? { callerIsSetup: true as const } : {}),
      line: call.startPosition.row + 1,
      ...(isNew && lazySingleton(call, name, ctx, scope) ? { once: true as const } : {}),
      ...(fresh && fresh.length > 0 ? { freshArguments: fresh } : {}),
      ...(shared && shared.length > 0 ? { sharedArguments: shared } : {}),
      ...(guardedBy ? { guardedBy } : {}),
      ...(receiverImport ? { receiverImport } : {}),
      // A function the module itself declares at top level shadows any other file's of that name.
      ...(!isNew && calleePath.length === 1 && (boundLocally(calleePath[0]!, ctx.fn) || isModuleFunction(calleePath[0]!)) ? { local: true as const } : {}),
    });
    // `runner({..})` after `import runner from './utils/runner'`: also a call of that file's anonymous default export.
    const imported = !isNew && calleePath.length === 1 ? scope.imports.get(calleePath[0]!) : undefined;
    const defaultFile = isProjectModule(imported) && !boundLocally(calleePath[0]!, ctx.fn) ? relativeModuleFile(imported!.module) : undefined;
    if (defaultFile !== undefined && !seenCalls.has(`${DEFAULT_EXPORT}||${defaultFile}|${enclosing.name}|${enclosing.ownerType ?? ''}`)) {
      seenCalls.add(`${DEFAULT_EXPORT}||${defaultFile}|${enclosing.name}|${enclosing.ownerType ?? ''}`);
      facts.calls.push({
        callee: DEFAULT_EXPORT,
        calleeFile: defaultFile,
        caller: enclosing.name,
        ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
        callerIsEntryPoint: enclosing.isEntryPoint,
        ...(enclosing.isSetup ? { callerIsSetup: true as const } : {}),
        line: call.startPosition.row + 1,
      });
    }
  }

  /**
   * `http.createServer(handle)`, `app.get('/', this.handler)`, `setInterval(tick, ..)`: a function
   * handed over as a value is used, though no call by name shows it. Recorded as a reference:
   * the function runs whenever what it was handed to calls it, how often is not known.
   */
  /** `bot.once('login', loop)`, `setTimeout(loop, ms)`: the scheduler calls the module's `loop` once. */
  function recordDeferredCalls(site: CallSite, ctx: FunctionContext): void {
    const callees = deferredCallees(site, (name) => isModuleFunction(name) && !boundLocally(name, ctx.fn));
    if (callees.length === 0) return;
    const enclosing = describeShared(site.node, ctx);
    if (enclosing.isTest) return;
    for (const callee of callees) {
      const key = `${callee}|||deferred|${enclosing.name}|${enclosing.ownerType ?? ''}`;
      if (seenCalls.has(key)) continue;
      seenCalls.add(key);
      facts.calls.push({ callee, caller: enclosing.name, ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}), callerIsEntryPoint: enclosing.isEntryPoint, local: true });
    }
  }

  function recordReferences(site: CallSite, ctx: FunctionContext): void {
    const args = site.node.childForFieldName('arguments');
    if (!args || args.type !== 'arguments') return;
    // A function a one-shot scheduler runs is recorded as a call of it (recordDeferredCalls), or is the
    // function re-arming itself (`setTimeout(loop, ms)` inside `loop`): not handed over either way.
    const deferred = new Set(deferredCallees(site, isModuleFunction));
    for (const raw of kids(args)) {
      let arg = unwrap(raw);
      // `this.handle.bind(this)`: the bound function is `this.handle`.
      if (arg.type === 'call_expression') {
        const fn = arg.childForFieldName('function');
        const object = fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'bind' ? fn.childForFieldName('object') : null;
        if (!object) continue;
        arg = unwrap(object);
      }
      let callee: string | undefined;
      let calleeOwner: string | undefined;
      if (arg.type === 'identifier') {
        const name = arg.text;
        if (!isFunctionName(name, ctx.fn) || deferred.has(name)) continue;
        callee = name;
      } else if (arg.type === 'member_expression') {
        const path = thisPath(memberPath(arg), scope);
        if (path?.length !== 2 || path[0] !== 'this' || !ctx.cls) continue;
        const cls = className(ctx.cls);
        const name = path[1]!.replace(/^#/, '');
        if (!classes.get(cls)?.owner.methods.some((m) => m.name === name)) continue;
        callee = name;
        calleeOwner = cls;
      } else continue;
      const enclosing = describeShared(site.node, ctx);
      if (enclosing.isTest) continue;
      // `program.command('serve').action(serve)` at module level or in `main`: the CLI calls the chosen
      // command's handler once per process, a call from there. Elsewhere how often the program is
      // built and parsed is not shown: a hand-over, as before.
      const cliAction = enclosing.isEntryPoint && isCliActionCall(site.node);
      const key = `${cliAction ? 'cli' : 'ref'}|${callee}|${calleeOwner ?? ''}|${enclosing.name}|${enclosing.ownerType ?? ''}`;
      if (seenCalls.has(key)) continue;
      seenCalls.add(key);
      facts.calls.push({
        callee,
        ...(calleeOwner ? { calleeOwner } : {}),
        caller: enclosing.name,
        ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
        callerIsEntryPoint: enclosing.isEntryPoint,
        ...(cliAction ? {} : { reference: true as const }),
        ...(!calleeOwner && boundLocally(callee, ctx.fn) ? { local: true as const } : {}),
      });
    }
  }

  /**
   * `<App />`: React makes an `App` where the element is rendered. One the module renders while it
   * loads (`createRoot(el).render(<App />)`) is made once; one inside a function is made as often
   * as React renders it there, which is not seen: recorded as handed over, not as a call.
   */
  function recordElement(element: SyntaxNode, ctx: FunctionContext): void {
    const name = element.childForFieldName('name');
    if (name?.type !== 'identifier' || !/^[A-Z]/.test(name.text)) return;
    const enclosing = describeShared(element, ctx);
    if (enclosing.isTest) return;
    const atLoad = enclosing.name === '<module>' && !ctx.inLoop;
    const calleeFile = classFile(name.text, ctx.fn);
    const key = `element|${name.text}|${calleeFile ?? ''}|${atLoad}|${enclosing.name}|${enclosing.ownerType ?? ''}`;
    if (seenCalls.has(key)) return;
    seenCalls.add(key);
    facts.calls.push({
      callee: 'constructor',
      calleeOwner: name.text,
      ...(calleeFile !== undefined ? { calleeFile } : {}),
      caller: enclosing.name,
      ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
      callerIsEntryPoint: enclosing.isEntryPoint,
      line: element.startPosition.row + 1,
      ...(atLoad ? {} : { reference: true as const }),
    });
  }

  /**
   * The export a call's receiver is, when it is a binding imported from a file of the project by a
   * relative path: `jobs.start()` (`import { jobs }`, `const { jobs } = require(..)`), `store.load()`
   * (a default import, `require('./store')`: the default export), `services.jobs.start()` (a
   * property of a whole-module import). Not when a local of the function shadows the name.
   */
  function importedReceiver(calleePath: readonly string[], fn: SyntaxNode | null): { name: string; file: string } | undefined {
    if (calleePath.length !== 2 && calleePath.length !== 3) return undefined;
    const binding = scope.imports.get(calleePath[0]!);
    if (!binding || !binding.module.startsWith('.') || binding.name.includes('.')) return undefined;
    const whole = binding.name === '*';
    if (calleePath.length === 3 && !whole) return undefined;
    for (let f = fn; f; f = enclosingFunction(f)) if (declarations.has(f, calleePath[0]!)) return undefined;
    const file = relativeModuleFile(binding.module);
    if (file === undefined) return undefined;
    return { name: calleePath.length === 3 ? calleePath[1]! : whole ? DEFAULT_EXPORT : binding.name, file };
  }

  /** Is `name` a function of this file, or one imported from a file of the project (not a package)? */
  function isFunctionName(name: string, fn: SyntaxNode | null): boolean {
    const imported = scope.imports.get(name);
    if (imported) return imported.name !== '*' && packageRoot(imported.module) === undefined;
    if (!scope.declared.has(name)) return false;
    fileFunctions ??= new Set(collectedFunctions.map(({ node }) => functionName(node)).filter((n) => !n.startsWith('<')));
    return fileFunctions.has(name) && !(fn && positionalParameters(fn).includes(name));
  }



  /**
   * The class a variable holds an instance of: `new C(..)`, `C.getInstance()`, `await C.create(..)`
   * in its function or a function around it (a callback using an outer local), or a parameter
   * declared `name: C`.
   */
  function instanceClassOf(name: string, fn: SyntaxNode | null): string | undefined {
    for (let f = fn; f; f = enclosingFunction(f)) {
      const typed = parameterClass(f, name);
      if (typed) return typed;
      if (declarations.has(f, name)) return instanceInits.get(`${f.startIndex}:${name}`) ?? scanInstance(f, name);
    }
    return scope.moduleVars.has(name) ? scanInstance(root, name, true) : undefined;
  }

  /** `./plugins/uploader` imported by this file -> `server/plugins/uploader`; a package or an alias -> undefined. */
  function relativeModuleFile(module: string): string | undefined {
    return module.startsWith('.') ? importedFile(path, module) : undefined;
  }

  /**
   * The file a class name refers to, without extension: the module it is imported from by a
   * relative path, or this file when this file declares it. Undefined for a package, a path
   * alias, or a class bound inside the function.
   */
  function classFile(name: string, fn: SyntaxNode | null): string | undefined {
    const imported = scope.imports.get(name);
    if (imported) return relativeModuleFile(imported.module);
    if (!scope.declared.has(name) || (fn && declarations.has(fn, name))) return undefined;
    return withoutExtension(path);
  }

  /**
   * Is `name` a function of `fn` or of a function around it (a nested helper, a parameter), not
   * one of the module's? A local bound to an import (`const { run } = await import('./run.js')`)
   * is the other file's function, so it does not count.
   */
  function boundLocally(name: string, fn: SyntaxNode | null): boolean {
    // A name the file declares nowhere (an import, a global) is no local: no climb up the tree.
    if (!fn || !scope.declared.has(name)) return false;
    for (let f: SyntaxNode | null = fn; f; f = enclosingFunction(f)) {
      if (!declarations.has(f, name)) continue;
      if (positionalParameters(f).includes(name)) return true;
      let helper = false;
      index.walk(f, ['function_declaration', 'variable_declarator'], (n, type) => {
        if (n.childForFieldName('name')?.text !== name) return true;
        const value = type === 'function_declaration' ? n : n.childForFieldName('value');
        helper = !!value && FUNCTION_TYPES.has(unwrap(value).type);
        return 'stop';
      });
      return helper;
    }
    return false;
  }

  /** `worker: IdleWorker` among `fn`'s parameters: `IdleWorker`. */
  function parameterClass(fn: SyntaxNode, name: string): string | undefined {
    const params = fn.childForFieldName('parameters');
    for (const p of params ? kids(params) : []) {
      if (p.type !== 'required_parameter' && p.type !== 'optional_parameter') continue;
      if (p.childForFieldName('pattern')?.text !== name) continue;
      const type = p.childForFieldName('type');
      const named = type ? kids(type)[0] : undefined;
      if (named?.type === 'type_identifier' && /^[A-Z]/.test(named.text)) return named.text;
      return type ? undefined : handedThis(fn, positionalParameters(fn).indexOf(name));
    }
    return undefined;
  }

  /**
   * `function configureListeners(server) {..}` that this file calls only as `configureListeners(this)`
   * from methods of one class: the parameter is an instance of that class. Undefined when any call
   * passes something else, or none is seen.
   */
  function handedThis(fn: SyntaxNode, position: number): string | undefined {
    const name = fn.type === 'function_declaration' && fn.parent?.type === 'program' ? fn.childForFieldName('name')?.text : undefined;
    if (!name || position < 0) return undefined;
    const key = `this-arg:${fn.startIndex}:${position}`;
    if (instanceInits.has(key)) return instanceInits.get(key);
    let found: string | undefined;
    let other = false;
    index.walk(root, ['call_expression'], (n) => {
      if (n.childForFieldName('function')?.text !== name) return true;
      const args = n.childForFieldName('arguments');
      const arg = args ? kids(args)[position] : undefined;
      let cls: SyntaxNode | null = n.parent;
      while (cls && cls.type !== 'class_declaration' && cls.type !== 'class') cls = cls.parent;
      const owner = arg && unwrap(arg).type === 'this' && cls ? className(cls) : undefined;
      if (!owner || (found !== undefined && owner !== found)) other = true;
      else found = owner;
      return !other || 'stop';
    });
    const out = other ? undefined : found;
    instanceInits.set(key, out);
    return out;
  }

  function scanInstance(where: SyntaxNode, name: string, topOnly = false): string | undefined {
    const key = `${where.startIndex}:${name}`;
    if (instanceInits.has(key)) return instanceInits.get(key);
    let found: string | undefined;
    // Over the node index, not the tree: only declarators (and, for module scope, the functions to skip) become objects.
    index.walk(where, topOnly ? INSTANCE_SCAN_TOP_TYPES : INSTANCE_SCAN_TYPES, (n, type) => {
      if (type !== 'variable_declarator') return n.startIndex === where.startIndex;
      if (n.childForFieldName('name')?.text !== name) return true;
      const value = n.childForFieldName('value');
      const m = value ? INSTANCE_OF.exec(value.text) : null;
      // `let manager: ClientManager | null = null`: the one class its declared type allows.
      found = m ? (m[1] ?? m[2]) : declaredClass(n.childForFieldName('type'));
      return found ? 'stop' : true;
    });
    instanceInits.set(key, found);
    return found;
  }

  return { recordCall, recordReferences, recordDeferredCalls, recordElement, instanceClassOf, boundLocally };
}

/**
 * Positions of a call's arguments that are parameters of the event handler it sits in
 * (`emitter.on('connection', (socket) => new Session(socket))`): values new on every event.
 */
export function eventArguments(call: SyntaxNode, fn: SyntaxNode | null): number[] | undefined {
  if (!fn || fn.parent?.type !== 'arguments') return undefined;
  const registering = fn.parent.parent?.childForFieldName('function');
  if (registering?.type !== 'member_expression' || !LISTEN_METHODS.test(registering.childForFieldName('property')?.text ?? '')) return undefined;
  const params = positionalParameters(fn);
  const args = call.childForFieldName('arguments');
  const out: number[] = [];
  (args ? kids(args) : []).forEach((arg, i) => {
    if (arg.type === 'identifier' && params.includes(arg.text)) out.push(i);
  });
  return out;
}

export const LISTEN_METHODS = /^(on|addListener|addEventListener|prependListener)$/;

/** JSX elements that name a component: `<App />`, `<App>..</App>`. */
export const JSX_ELEMENT_TYPES: ReadonlySet<string> = new Set(['jsx_self_closing_element', 'jsx_opening_element']);

/** `server/uploader.ts` -> `server/uploader`: how imports name a file (`CallFact.calleeFile`). */
export function withoutExtension(path: string): string {
  return path.replace(/\.[cm]?[jt]sx?$/, '');
}

/** `./plugins/uploader` imported by `server/app.ts` -> `server/plugins/uploader` (`CallFact.calleeFile`). */
export function importedFile(fromPath: string, module: string): string {
  return withoutExtension(posix.normalize(posix.join(posix.dirname(fromPath), module)));
}

/** A whole-module import (`import x from './x'`, `import * as x`, `require('./x')`) of a file of this project. */
export function isProjectModule(binding: { module: string; name: string } | undefined): boolean {
  return !!binding && binding.name === '*' && (binding.module.startsWith('.') || binding.module.startsWith('/'));
}

/** The function around a function, if any. */
export function enclosingFunction(fn: SyntaxNode): SyntaxNode | null {
  for (let up = fn.parent; up; up = up.parent) if (FUNCTION_TYPES.has(up.type)) return up;
  return null;
}

/** Node's built-in modules (`child_process`, `fs`, ..): their functions are never the project's. */
export const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules.map((m) => m.replace(/^node:/, '').split('/')[0]!));



/** Methods of built-in objects: never the user's function. */
export const IGNORED_CALLEES =
  /^(push|pop|shift|unshift|map|filter|forEach|reduce|find|some|every|includes|indexOf|join|split|slice|splice|concat|then|catch|finally|get|set|has|add|delete|keys|values|entries|toString|trim|replace|match|test|exec|log|error|warn|info|debug|resolve|reject|all|race|stringify|parse|assign|freeze|call|apply|bind|emit|on|once|off|write|end|send|json|status|sort|flat|flatMap|startsWith|endsWith|padStart|toFixed|now|max|min|floor|ceil|round|abs|random)$/;
