// Who calls what, and how often, as far as the project's call facts show: callers by name
// narrowed by what each call site says (type, module, file), the paths up to an entry point, a
// per-event handler or a caller of unknown receiver, and the constructions of a type.
import { DEFAULT_EXPORT, type CallFact, type Language } from '../facts/types.js';
import { vocabularyOf } from '../models/index.js';
import { exampleDirOf } from '../discover/language.js';
import type { Project } from './project.js';
import { isImportOf } from './import-names.js';

/**
 * What the project shows of the calls to `fn`: none by its name, some through
 * a receiver of unknown type (any of them may be a call to it), or all of them.
 */
export function callersOf(project: Project, fn: { name: string; ownerType?: string; module?: string }, path?: string): 'none' | 'unknowable' | 'referenced' | 'known' {
  const byName = project.callers.get(fn.name) ?? [];
  // `that.handleSignals()`: a method call on a receiver of unknown type may be a call to `fn`, owner or not.
  if (byName.some((c) => mayReach(project, c, fn.ownerType, path))) return 'unknowable';
  const reaching = byName.filter((c) => callsFunction(project, c, fn.ownerType, path, fn.module));
  if (reaching.some((c) => !c.reference)) return 'known';
  // Handed over as a value (a handler, a callback): used, how often is not known.
  return reaching.length > 0 ? 'referenced' : 'none';
}

/**
 * A caller on the way up from `fn` (up to `depth` callers) whose own callers cannot be known (a
 * method called through a receiver of unknown type somewhere, not from a per-event handler): the calls of `fn` are seen, but
 * how often the code above them runs is not, so "per operation" is not shown. Paths through an
 * entry point, a run-once call or a per-event handler end the search; so does a function with no
 * caller at all (public API: each call of it is an operation). Undefined when none is found.
 */
export function unknowableAbove(project: Project, fn: { name: string; ownerType?: string; module?: string }, path?: string, depth = 3): CallFact | undefined {
  return findUpCallers(project, fn, path, depth, (call, callee) => {
    if (call.reference || call.once || call.callerIsEntryPoint || call.caller === '<module>' || runsPerEvent(call)) return 'skip';
    if (call.caller === callee.name && call.callerOwner === callee.owner) return 'skip';
    // `res.once('finish', () => this.deps.onRestart())` in a request's handler: a call of unknown receiver
    // made on a per-event path shows per operation, whatever it reaches; only one from code of unknown
    // frequency leaves it open.
    const perEvent = (c: CallFact): boolean =>
      runsPerEvent(c) || !!perEventCall(project, { name: c.caller, ...(c.callerOwner ? { ownerType: c.callerOwner } : {}), ...(c.callerModule ? { module: c.callerModule } : {}) }, project.fileOfCall.get(c));
    return (project.callers.get(call.caller) ?? []).some((c) => mayReach(project, c, call.callerOwner, project.fileOfCall.get(call)) && !perEvent(c)) ? 'found' : 'follow';
  });
}

interface CalleeAt {
  name: string;
  owner?: string;
  module?: string;
  file?: string;
}

/**
 * Breadth-first up the callers of `fn`, `depth` levels: of each call that can reach the function
 * at hand, `visit` says whether it is the one sought, is left out, or leads on to its own caller
 * (each caller followed once). The call sought, or undefined.
 */
function findUpCallers(project: Project, fn: { name: string; ownerType?: string; module?: string }, path: string | undefined, depth: number, visit: (call: CallFact, callee: CalleeAt) => 'found' | 'skip' | 'follow'): CallFact | undefined {
  const seen = new Set<string>();
  let frontier: CalleeAt[] = [{ name: fn.name, ...(fn.ownerType ? { owner: fn.ownerType } : {}), ...(fn.module ? { module: fn.module } : {}), ...(path ? { file: path } : {}) }];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: CalleeAt[] = [];
    for (const f of frontier) {
      for (const call of project.callers.get(f.name) ?? []) {
        if (!callsFunction(project, call, f.owner, f.file, f.module)) continue;
        const verdict = visit(call, f);
        if (verdict === 'found') return call;
        const key = `${call.callerOwner ?? ''}::${call.callerModule ?? ''}::${call.caller}`;
        if (verdict === 'skip' || seen.has(key)) continue;
        seen.add(key);
        const file = project.fileOfCall.get(call);
        next.push({ name: call.caller, ...(call.callerOwner ? { owner: call.callerOwner } : {}), ...(call.callerModule ? { module: call.callerModule } : {}), ...(file ? { file } : {}) });
      }
    }
    frontier = next;
  }
  return undefined;
}

/** Where `fn` is handed over as a value (`http.createServer(handle)`): the functions that do it. */
export function referencesOf(project: Project, fn: { name: string; ownerType?: string; module?: string }, path?: string): CallFact[] {
  return (project.callers.get(fn.name) ?? []).filter((c) => c.reference && callsFunction(project, c, fn.ownerType, path, fn.module));
}

/** The calls that construct `owner` (declared in the file at `path`), as far as the project shows them. */
export function constructionsOf(project: Project, owner: string, path: string | undefined, constructor = 'constructor'): CallFact[] {
  return (project.callers.get(constructor) ?? []).filter((c) => !c.reference && callsFunction(project, c, owner, path, undefined));
}

/**
 * The function that runs `fn` on each new instance of `fn`'s type: every call to `fn` comes from
 * one function, which also makes an instance of that type (a builder's `build()` making a
 * `Dispatcher { .. }` and calling its `setup_ctrlc_handler()`). What `fn` starts is then one per
 * instance, not one per call of anything. Undefined otherwise.
 */
export function calledOnlyOnConstruction(project: Project, fn: { name: string; ownerType?: string; module?: string; isConstructor?: true }, path?: string): { name: string; ownerType?: string } | undefined {
  if (!fn.ownerType) return undefined;
  // The constructor itself runs once per construction: how often the owner is made decides, not this.
  if (fn.isConstructor) return undefined;
  const byName = project.callers.get(fn.name) ?? [];
  if (byName.some((c) => mayReach(project, c, fn.ownerType, path))) return undefined;
  const calls = byName.filter((c) => callsFunction(project, c, fn.ownerType, path, fn.module) && !(c.caller === fn.name && c.callerOwner === fn.ownerType));
  if (calls.length === 0) return undefined;
  const makers = constructionsOf(project, fn.ownerType, path ?? '');
  const constructs = (c: CallFact): boolean => makers.some((m) => m.caller === c.caller && m.callerOwner === c.callerOwner && project.fileOfCall.get(m) === project.fileOfCall.get(c));
  if (!calls.every(constructs)) return undefined;
  return { name: calls[0]!.caller, ...(calls[0]!.callerOwner ? { ownerType: calls[0]!.callerOwner } : {}) };
}

/**
 * Can this call be a call to the function of that owner in that file (a file unknown: any),
 * and of that module (a call naming another module cannot be)?
 */
function callsFunction(project: Project, call: CallFact, owner: string | undefined, path: string | undefined, module: string | undefined): boolean {
  // `checkVersion.startInterval()` through the module object of the file declaring the method: the
  // method of the object that file exports (`export default new CheckVersion()`).
  const throughModule = owner !== undefined && call.calleeOwner === undefined && call.calleeFile !== undefined && path !== undefined && isImportOf(call.calleeFile, path);
  if (!throughModule && (owner ? call.calleeOwner !== owner : call.calleeOwner !== undefined)) return false;
  if (call.calleeModule !== undefined && module !== undefined && call.calleeModule !== module) return false;
  if (owner && path !== undefined && call.calleeFile !== undefined && !isImportOf(call.calleeFile, path)) {
    // The call names the file of its class. When that file declares a class of this name, it is
    // another class; when it does not (an index file re-exporting it), the name decides as before.
    if (project.owners.get(owner)?.files.some((f) => isImportOf(call.calleeFile!, f))) return false;
  }
  // A module's anonymous default export: only the file the import names holds it.
  if (call.callee === DEFAULT_EXPORT && call.calleeFile !== undefined && path !== undefined && !isImportOf(call.calleeFile, path)) return false;
  return !call.local || path === undefined || project.fileOfCall.get(call) === path;
}

/**
 * A method call whose receiver's class is unknown, or known only from the receiver variable
 * and not shown declaring the method (an interface, a library class, an inherited method).
 */
function unknownReceiver(project: Project, call: CallFact): boolean {
  if (call.calleeOwner === '?') return true;
  if (!call.typedReceiver) return false;
  // `t = threading.Thread(..); t.start()`: a library class's own method, no function of the project.
  if (call.constructedReceiver && !project.owners.has(call.calleeOwner!)) return false;
  return !project.owners.get(call.calleeOwner!)?.methods.some((m) => m.name === call.callee);
}

/**
 * May this call of unknown receiver (see `unknownReceiver`) reach the method of `owner` in the file
 * at `path`? Not when only a directory loader makes that class's instances, each the receiver of
 * its own handler (`Project.loaderInstances`): no other receiver can hold one.
 */
function mayReach(project: Project, call: CallFact, owner: string | undefined, path: string | undefined): boolean {
  if (!unknownReceiver(project, call)) return false;
  return !(owner !== undefined && path !== undefined && project.loaderInstances.has(`${owner}|${path}`));
}

/**
 * The entry point a function is started from, when every production call path
 * to it (by name, up to `depth` levels) starts at an entry point such as
 * `main()`, or at a call that runs once per process (a lazy singleton): then
 * what it starts exists once per process, not once per call. `path`: the
 * function's file, so that calls of a same-named local helper elsewhere do not count.
 * Unknown (no callers: public API, framework hook) and mixed paths give undefined.
 * Six levels: a daemon's loop is often started main -> run_daemon -> Daemon::run -> subsystem start ->
 * its task helpers; each function is visited once, so the depth costs little.
 */
export function startedOnlyFromEntry(project: Project, fn: { name: string; ownerType?: string; module?: string }, path?: string, depth = 6): string | undefined {
  return startedFrom(project, fn, path, depth, new Set()) || undefined;
}

/** `startedOnlyFromEntry`, with the dispatch tables being judged further up (see `dispatchedOnlyFromEntry`). */
function startedFrom(project: Project, fn: { name: string; ownerType?: string; module?: string }, path: string | undefined, depth: number, tables: Set<string>): string | false {
  // A function reached again by another path (main -> run_daemon and main -> start_background ->
  // run_daemon) gives the answer it gave the first time; one reached again while it is being judged
  // (a cycle) proves nothing.
  const judged = new Map<string, string | false | 'pending'>();
  const visit = (name: string, owner: string | undefined, file: string | undefined, module: string | undefined, level: number): string | undefined | false => {
    const key = `${owner ?? ''}::${module ?? ''}::${name}::${file ?? ''}`;
    const known = judged.get(key);
    if (known !== undefined) return known === 'pending' ? false : known;
    judged.set(key, 'pending');
    const result = judge(name, owner, file, module, level);
    judged.set(key, result || false);
    return result;
  };
  const judge = (name: string, owner: string | undefined, file: string | undefined, module: string | undefined, level: number): string | undefined | false => {
    const byName = project.callers.get(name) ?? [];
    // A method call on a receiver of unknown type may target this function: then its callers are
    // unknowable, unless it is made at start-up (the entry point, module code, a run-once call),
    // which runs it once whatever it reaches: such a call is one more start-up caller. An example
    // program or script calling into the project's own code shows how to use it, not how often its
    // users do: it proves a start-up path only for code of its own tree.
    const unknown = owner ? byName.filter((c) => mayReach(project, c, owner, file)) : [];
    if (unknown.some((c) => !runsAtStartUp(c) || exampleCallerOutside(project, c, file))) return false;
    // A function handed over as a value runs whenever its receiver calls it: no start-up path.
    const calls = [...byName.filter((c) => callsFunction(project, c, owner, file, module)), ...unknown];
    if (calls.some((c) => c.reference && !c.stored)) return false;
    if (calls.length === 0) return false;
    let entry: string | undefined;
    for (const call of calls) {
      // A function calling itself (a timer re-arming itself, a retry) is not started by that call again from outside.
      if (call.caller === name && call.callerOwner === owner && call.callerModule === module) continue;
      if (call.stored) {
        // Stored in a dispatch table: it runs when the table is called. A table reached again while
        // it is being judged (a command group dispatching to its children) adds no other path.
        const table = `${call.callerOwner ?? ''}::${call.callerModule ?? ''}::${call.caller}`;
        if (tables.has(table)) continue;
        const up = dispatchedOnlyFromEntry(project, call, depth, tables.add(table));
        tables.delete(table);
        if (!up) return false;
        entry ??= up;
        continue;
      }
      if (call.callerIsEntryPoint || call.once) {
        entry ??= call.caller;
        continue;
      }
      if (level >= depth) return false;
      const up = visit(call.caller, call.callerOwner, project.fileOfCall.get(call), call.callerModule, level + 1);
      if (!up) return false;
      entry ??= up;
    }
    return entry;
  };
  return visit(fn.name, fn.ownerType, path, fn.module, 1) || false;
}

/**
 * The entry point the calls of a dispatch table start from (`cmd.Handler(args)` for a function stored
 * in `CommandInfo.Handler`, `commands[name](args)` for one in `var commands`), when every one of them
 * is started only from an entry point (each judged as `startedOnlyFromEntry` judges a function): a
 * subcommand's handler then runs once per process. A call of that name on a receiver of unknown type
 * may be a call of the field, so it must be too. No call in sight: false.
 */
function dispatchedOnlyFromEntry(project: Project, stored: CallFact, depth: number, tables: Set<string>): string | false {
  const owner = stored.callerOwner;
  const calls = (project.callers.get(stored.caller) ?? []).filter(
    (c) => !c.reference && (callsFunction(project, c, owner, undefined, stored.callerModule) || (owner !== undefined && unknownReceiver(project, c))),
  );
  if (calls.length === 0) return false;
  let entry: string | undefined;
  for (const call of calls) {
    if (call.callerIsEntryPoint || call.once) {
      entry ??= call.caller;
      continue;
    }
    const fn = { name: call.caller, ...(call.callerOwner ? { ownerType: call.callerOwner } : {}), ...(call.callerModule ? { module: call.callerModule } : {}) };
    const up = startedFrom(project, fn, project.fileOfCall.get(call), depth, tables);
    if (!up) return false;
    entry ??= up;
  }
  return entry ?? false;
}

/** Is `call` made in an example or script tree (`examples/`, `scripts/` ..) that `calleeFile` is not in? */
function exampleCallerOutside(project: Project, call: CallFact, calleeFile: string | undefined): boolean {
  const callerFile = project.fileOfCall.get(call);
  const dir = callerFile === undefined ? undefined : exampleDirOf(callerFile);
  if (dir === undefined || callerFile === undefined) return false;
  // The tree is the path up to the example directory's own segment (not a longer name ending in it).
  const segments = callerFile.split('/');
  const tree = `${segments.slice(0, segments.indexOf(dir) + 1).join('/')}/`;
  return calleeFile === undefined || !calleeFile.startsWith(tree);
}

/** A call made by the entry point, module code or a run-once call: it runs once per process. */
function runsAtStartUp(call: CallFact): boolean {
  return !call.reference && (call.callerIsEntryPoint || call.once === true || call.caller === '<module>');
}

/**
 * An anonymous function handed to something that runs it per event or request, as the frontends
 * name them (`<app.get callback>`, Go's `<per request>` handler caller); not the module body, an
 * entry point, nor a closure whose use is unknown.
 */
function runsPerEvent(call: CallFact): boolean {
  return !call.callerIsEntryPoint && call.caller !== '<module>' && call.caller !== '<closure>' && /^<.+>$/.test(call.caller);
}

/**
 * A call on a path to `fn`, up to `depth` callers up, made by a function that runs per event or
 * request (see `runsPerEvent`): what `fn` does is then shown to happen per operation.
 */
export function perEventCall(project: Project, fn: { name: string; ownerType?: string; module?: string }, path?: string, depth = 4): CallFact | undefined {
  return findUpCallers(project, fn, path, depth, (call) => (call.reference || call.once ? 'skip' : runsPerEvent(call) ? 'found' : call.callerIsEntryPoint ? 'skip' : 'follow'));
}

const runsOncePatterns = new Map<Language, RegExp>();

/**
 * A caller that runs once per process or per object, by its name in the language of its file
 * (`Vocabulary.runsOnceCallers`: `main`, `setup`.., Rust `try_new`, `ngOnInit`): a construction
 * there is not per operation.
 */
function runsOnce(project: Project, call: CallFact): boolean {
  // Every call fact of the project has its file, and every file its language.
  const language = project.languageOf.get(project.fileOfCall.get(call) ?? '');
  if (!language) return false;
  let pattern = runsOncePatterns.get(language);
  if (!pattern) runsOncePatterns.set(language, (pattern = new RegExp(`^(${vocabularyOf(language).runsOnceCallers.join('|')})$`)));
  return pattern.test(call.caller);
}

/**
 * The set-up methods of `fn`'s own owner that are, as far as the project shows, its only callers
 * (`onAdd(map) { this._initLayout() }`): `fn` then runs once per set-up of an instance, like them.
 */
export function calledOnlyFromSetup(project: Project, fn: { name: string; ownerType?: string; module?: string }, path?: string): string | undefined {
  if (!fn.ownerType) return undefined;
  const byName = project.callers.get(fn.name) ?? [];
  if (byName.some((c) => mayReach(project, c, fn.ownerType, path))) return undefined;
  const calls = byName.filter((c) => callsFunction(project, c, fn.ownerType, path, fn.module));
  if (calls.length === 0 || calls.some((c) => c.reference || c.callerOwner !== fn.ownerType || !c.callerIsSetup)) return undefined;
  return calls[0]!.caller;
}

/**
 * A call that runs `fn` (a constructor: `new Service()`, `Service::new()`) from a function that
 * runs per operation, as far as the project shows: not the entry point, not a lazy singleton, not
 * a start-up or constructor function, and not reached only from the entry point. A client the
 * constructor opens is then opened once per operation too.
 */
export function perOperationCaller(project: Project, fn: { name: string; ownerType?: string }, path: string, sameOwner = false): CallFact | undefined {
  return perOperationCalls(project, fn, path, sameOwner)[0];
}

/** Every call `perOperationCaller` would accept, in the order the project holds them. */
export function perOperationCalls(project: Project, fn: { name: string; ownerType?: string }, path: string, sameOwner = false): CallFact[] {
  if (!fn.ownerType) return [];
  const out: CallFact[] = [];
  for (const c of project.callers.get(fn.name) ?? []) {
    // `sameOwner`: a method of the owner itself may be the per-operation caller (not for constructors: the class's own factories).
    if (c.reference || c.once || c.lazy || c.callerIsEntryPoint || runsOnce(project, c) || (!sameOwner && c.callerOwner === fn.ownerType)) continue;
    if (c.caller === fn.name && c.callerOwner === fn.ownerType) continue;
    if (!callsFunction(project, c, fn.ownerType, path, undefined)) continue;
    if (startedOnlyFromEntry(project, { name: c.caller, ...(c.callerOwner ? { ownerType: c.callerOwner } : {}), ...(c.callerModule ? { module: c.callerModule } : {}) }, project.fileOfCall.get(c))) continue;
    out.push(c);
  }
  return out;
}

/**
 * A call on the way to `fn` that runs per operation, following the functions that run once per
 * object or at start-up (a constructor, `start()`, a class's own factory) up to `depth` levels:
 * `new Reporter()` in `Broker`'s constructor is per operation only if a `Broker` is made per
 * operation somewhere. Undefined when the project shows none.
 */
export function perOperationMaker(project: Project, fn: { name: string; ownerType?: string }, path: string, depth = 3): CallFact | undefined {
  const direct = perOperationCaller(project, fn, path);
  if (direct || depth === 0 || !fn.ownerType) return direct;
  for (const c of project.callers.get(fn.name) ?? []) {
    if (c.reference || c.once || c.callerIsEntryPoint || !c.callerOwner) continue;
    if (c.caller === fn.name && c.callerOwner === fn.ownerType) continue;
    if (c.callerOwner !== fn.ownerType && !runsOnce(project, c)) continue;
    if (!callsFunction(project, c, fn.ownerType, path, undefined)) continue;
    const up = perOperationMaker(project, { name: c.caller, ownerType: c.callerOwner }, project.fileOfCall.get(c) ?? path, depth - 1);
    if (up) return up;
  }
  return undefined;
}

