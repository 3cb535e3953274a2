// The language-neutral fact model. Frontends (src/frontends/<lang>) are the only
// code that knows syntax; everything after them sees these types and model data.

export type Language = 'rust' | 'typescript' | 'python' | 'go';

export type ResourceKind =
  | 'task'
  | 'thread'
  | 'timer'
  | 'connection'
  | 'pool'
  | 'subscription'
  | 'channel'
  | 'listener'
  | 'actor'
  | 'process'
  | 'worker'
  | 'server'
  | 'file'
  | 'watcher'
  | 'context'
  | 'stream';

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  'task', 'thread', 'timer', 'connection', 'pool', 'subscription', 'channel',
  'listener', 'actor', 'process', 'worker', 'server', 'file', 'watcher', 'context', 'stream',
];

/** A place in a file. Lines and columns are 1-based. */
export interface Site {
  startLine: number;
  endLine: number;
  startCol: number;
}

/** The function an acquisition sits in. */
export interface EnclosingFunction {
  /** Function or method name; `<module>` at top level, `<closure>` when anonymous. */
  name: string;
  /** Struct/class/impl type the function belongs to, if any. */
  ownerType?: string;
  /**
   * For a free function, the module it is declared in, when the language names modules in
   * calls (Rust: `cache::memory::new()` calls the `new` of module `memory`).
   */
  module?: string;
  /** new/init/constructor/main/builder: runs once per object or process, not per operation. */
  constructOnce: boolean;
  /** Entry point of the process (`main`): what it starts lives as long as the process. */
  isEntryPoint: boolean;
  /** The owner's constructor (`constructor`, `__init__`): it runs once per construction of the owner. */
  isConstructor?: true;
  /**
   * The owner's own set-up: its constructor, an `init`/`setup` method, or a framework hook that runs
   * once an instance is set up (`componentDidMount`, `mounted`, `onAdd`, `onload`); not `connect`
   * or `start`, which may run again on the same object.
   */
  isSetup?: true;
  /** Test code: #[test] fn, #[cfg(test)] module, tests/ directory, *.test.ts. */
  isTest: boolean;
  site: Site;
}

/** What the code does with the handle an acquisition returns. */
export type HandleFate =
  /** Expression statement, `let _ =`, or a binding never used: the handle is dropped at once. */
  | { kind: 'discarded'; how: string }
  /**
   * Bound to a local that is released in the same function. `onlyOnSuccess` names a call
   * between acquire and release that can throw and skip the release (no finally / `using`).
   */
  | {
      kind: 'released-locally';
      local: string;
      api: string;
      line: number;
      onlyOnSuccess?: { call: string; line: number };
      /**
       * A path leaves the function with the handle unreleased: the `return` at `line` (or, with
       * `end`, falling off the end of the function) comes before every release on its path.
       */
      skippedBy?: { line: number; end?: true };
      /**
       * Every release seen is one the model calls incomplete (a Go `cmd.Process.Kill()` with no
       * `Wait`: the killed child stays a zombie): what it leaves undone.
       */
      incomplete?: string;
    }
  /** Bound to a local and awaited / joined in the same function. */
  | { kind: 'awaited'; local?: string }
  /**
   * Kept in a field of an owner type (directly or via a local). `overwrites`: assigned over
   * whatever the field held (`self.task = spawn(..)`) by a function that does not look at the
   * field first (no `take()`, `abort()`, `is_none()` before it): a handle still there is dropped,
   * unless one of the owner's own methods it calls before (`selfCallsBefore`: `self.shutdown()`) releases it.
   * `collection`: added to the field, a collection (`self.tasks.push(h)`, `self.children.insert(id, c)`): one more entry per call.
   * `alsoIn`: other fields of the same owner that hold the same handle (`this.workers.set(id, this.primary)`,
   * `this.current = w; this.all.push(w)`): a release through any of them releases it.
   */
  | { kind: 'field'; ownerType: string; field: string; line: number; overwrites?: { selfCallsBefore: string[] }; collection?: true; alsoIn?: string[] }
  /** Returned to the caller: ownership moves out of this function. */
  | { kind: 'returned' }
  /** Passed to another call or pushed into a collection: ownership moves on. */
  | { kind: 'passed'; to: string }
  /** Scoped: RAII guard, `using`, held by a value that releases it on drop. */
  | { kind: 'scoped'; how: string }
  /**
   * Bound to a local that stays alive until the function returns, then dropped. `drained`: a call
   * reads the resource to its end (`io.ReadAll(resp.Body)`), after which the runtime takes most of
   * it back; only a failed read leaves it held.
   */
  | {
      kind: 'local';
      local: string;
      drained?: { by: string; line: number };
      /**
       * Its only release sits in a handler of an emitter that outlives the function (`wss.on('close', ..)`
       * inside `wss.on('connection', ..)`, `process.on('exit', ..)`): it runs when that emitter ends, not
       * when this run's work does, so every run's resource is held until then.
       */
      releasedOn?: { emitter: string; event: string; api: string; line: number };
    };

/** Why a long-lived loop can end. */
export interface LoopExit {
  kind:
    | 'channel-closed' // recv() returns None / Err when all senders are dropped
    | 'send-failed' // a send error breaks the loop: stops when receivers are gone
    | 'error-propagated' // `?` / throw inside the loop
    | 'cancellation' // token / signal / stop flag checked
    | 'break' // a break or return on some other condition
    | 'bounded'; // a for loop over a finite collection, a counter
  detail: string;
  line: number;
}

/** The body of a spawned task, timer callback or loop started without awaiting. */
export interface BodyFacts {
  /** The body runs until something stops it (loop / while true / interval / recv loop). */
  longLived: boolean;
  /** How the body repeats: `loop`, `while true`, `interval tick`, `recv loop`, `setInterval`. */
  loopKind?: string;
  /** Line of the loop head. */
  loopLine?: number;
  /** Period in milliseconds when known (interval(10s), sleep(30s), setInterval(fn, 10000)). */
  periodMs?: number;
  /** Ways out of the loop; empty = runs forever. */
  exits: LoopExit[];
  /** Code that swallows errors (`let _ = tx.send(..)`): the loop can never notice the other end is gone. */
  ignoredErrors: string[];
  /**
   * A one-shot body that sends on an unbuffered channel its spawner may stop receiving (a `select`
   * with a timeout case, a `for range` left early): the send can block for ever.
   */
  abandonedSend?: { channel: string; line: number; receiveLine: number; why: string };
  /** A receive in the loop whose "channel closed" result does not end the loop (it spins). */
  ignoresChannelClose?: string;
  /**
   * Every way out of the loop is a stop check (a token, a shutdown arm), and a `continue` of the
   * loop comes before all of them: on the rounds that take it, the stop check is never reached.
   */
  exitsSkipped?: { line: number; detail: string };
  /**
   * The body runs a library server (`axum::serve(..)`) rather than a loop of its own: it runs for
   * as long as the server accepts connections. Whether that is meant to be the life of the process is
   * not seen, so findings on it are reported at P2.
   */
  serves?: string;
  /**
   * A self-re-arming timer whose re-arm waits for other work first (an `await`, a promise callback, a
   * callback handed to another call, at `line`): while it runs no timer is pending, so clearing the
   * timer cannot stop the chain then. `via`: the chain re-arms through this method of the same class.
   * `stopFirst`: a stop test comes before that work, so a stop during the wait ends the next round.
   */
  rearmAfter?: { line: number; how: string; via?: string; stopFirst?: true };
  /** Variables from the enclosing scope the body captures (kept alive as long as it runs). */
  captures: string[];
  /** The body only calls this function (`run_loop(rx).await`): resolve it across the project. */
  delegatesTo?: string;
  /**
   * The delegate is a method called on some other value (`server.run()`, not `self.run()` or
   * `run()`): its type is not known here, so it is not the spawning type's own method.
   */
  delegateOnOther?: true;
  /** The delegate is called as a free function (`run(rx)`, `console::start(link)`): no method of any type is meant. */
  delegateFree?: true;
  /**
   * The delegate is a method of this type (`self._run()` in `Poller`: `Poller`; a `Thread` subclass
   * started with `Worker().start()`: `Worker`): a looping function of another type of that name is not it.
   */
  delegateOwner?: string;
}

/** A function whose own body is a long-lived loop: the target of a delegated spawn. */
export interface LoopingFunction {
  name: string;
  ownerType?: string;
  site: Site;
  body: BodyFacts;
}

export interface Acquisition {
  /** Model entry id, e.g. `tokio.spawn`. */
  modelId: string;
  kind: ResourceKind;
  /** The API as written at the call site, e.g. `tokio::spawn`, `Connection::open`. */
  api: string;
  site: Site;
  /** The source text of the first line(s) of the acquisition, trimmed. */
  snippet: string;
  fn: EnclosingFunction;
  handle: HandleFate;
  /** For tasks, threads, timers and loops. */
  body?: BodyFacts;
  /** The acquisition sits inside a loop in its function: one resource per iteration. */
  inLoop?: boolean;
  /**
   * A connection kept in a local that a loop after it, in the same function, uses (line of the
   * loop): opened once per run of that long-lived function and reused by every round.
   */
  reusedByLoop?: number;
  /**
   * A child that runs a command line through a shell (`exec(cmd)`, `spawn('sh', ['-c', cmd])`): how,
   * as written. Such a child is usually a command run to completion, not a service.
   */
  shellCommand?: string;
  /** Per-language facts a frontend wants to pass on as plain words (shown in evidence). */
  notes?: string[];
  /** The resource no longer keeps the process alive (`.unref()`), but it still runs. */
  unreferenced?: { how: string; line: number };
  /** For listeners and subscriptions: what they are attached to, and how long that lives. */
  source?: ListenerSource;
  /** It removes itself after its first event (`addEventListener(.., { once: true })`), like a one-shot model's. */
  oneShot?: true;
  /**
   * A one-shot listener that races another on the same emitter in the same function
   * (`once('connect')` beside `once('error')`), with nothing removing the loser: the event it
   * races. Only one fires; the other stays registered.
   */
  raceWith?: string;
  /**
   * A one-shot timer whose callback starts work again (`this.reconnect()`, `restart(cb)`), with no
   * stop-flag test before it: the call as written.
   */
  restarts?: string;
  /**
   * A one-shot timer that is the timeout arm of a race: its callback settles a promise (`settles`, the
   * executor's `reject`/`resolve` it calls) that other work can settle first (`rival`, as read, at
   * `line`). `delay` as written, `delayMs` when it is a known number.
   */
  timeoutArm?: { settles: string; rival: string; line: number; delay?: string; delayMs?: number };
  /** Removals written for this listener that cannot remove it (another event, a function made on the spot). */
  brokenRemovals?: { line: number; how: string }[];
  /** The listener's handler is a parameter of its function: the caller hands it in and owns its removal. */
  handlerFromCaller?: true;
  /**
   * A flag lets it run once: a module-level one once per process (`if (!started) { started = true; .. }`),
   * a field of the receiver (`perInstance`) once per instance (`if !self.running.swap(true, ..)`).
   * `lazyStatic`: the flag is a static whose one-time initialiser this runs in (`static X: LazyLock<..> =
   * LazyLock::new(|| ..)`, `CELL.get_or_init(|| ..)` on a `static CELL: OnceLock<..>`): once per process.
   * `perKey`: the flag is an entry of a map, keyed by a value of the call (`if (!seen[event]) { seen[event]
   * = true; .. }`): once per distinct key, so it grows with the keys, not with the calls.
   * `owner`: the type whose instances hold a `perInstance` flag, when it is not the function's own
   * (a gate method of another object: `if tm.should_start_clock() { .. }`, see `FileFacts.onceGates`).
   */
  guardedOnce?: { flag: string; line: number; perInstance?: true; lazyStatic?: true; perKey?: true; owner?: string };
  /**
   * Inside `if x.f() { .. }`: the argument-less call whose result decides whether it runs. When the
   * project shows `f` to be a gate (`FileFacts.onceGates`), only one caller gets past it.
   */
  gatedBy?: { callee: string; line: number };
  /**
   * Stored in a field that the function neither reads nor clears before storing (no
   * `clearInterval(this.timer)`, no `if (this.timer) return`): a second call overwrites a handle
   * that may still be live, and the earlier resource can no longer be released.
   */
  overwritesField?: true;
  /** Flags of the owner its function sets to true on the way to it (`this.noDebug = true`): the mode it is made in. */
  setsFlags?: { flag: string; line: number }[];
}

/** How long the object a listener is attached to lives, as far as the frontend can tell. */
export type SourceLifetime =
  | 'global' // a process-wide object: the process, the window, the document
  | 'module' // a module-level variable: lives as long as the process
  | 'imported' // a binding imported from another module: a shared singleton
  | 'endless' // a source that never completes (an interval observable)
  | 'injected' // handed to the owner from outside (constructor parameter, injected field)
  | 'found' // an object that already existed, found by a lookup (a DOM query): it lives in the page, maybe longer than the listener's owner
  | 'connection' // the connection under a request (`req.socket`): keep-alive shares it among many requests
  | 'owned' // created by the owner itself: dies with it
  | 'self' // the object whose method adds the listener (`this.once(..)` outside the constructor): it outlives each call
  | 'parameter' // a parameter of a function that is not a constructor: unknown
  | 'local' // created in the same function: dies with it
  | 'unknown';

export interface ListenerSource {
  /** The emitter / observable as written: `process`, `this.bus`, `emitter`. */
  text: string;
  lifetime: SourceLifetime;
  /** The event name, when it is a literal. */
  event?: string;
  /** An `injected` source that is the constructor's parameter at this position: whoever constructs the owner decides how long it lives. */
  parameter?: number;
  /**
   * The type of `event` (`loaded` of `loaded.ui`), when this `on` could be a dispatcher's whose
   * `on` the project rebinds onto its objects (d3's `utilRebind(this, dispatch, 'on')`): that `on`
   * keeps one callback per type and name. Kept only if a file declares the type (`FileFacts.reboundListenerTypes`).
   */
  rebindableType?: string;
}

/** A release call: abort / stop / close / clearInterval / off / drop. */
export interface Release {
  api: string;
  /** What is released: a field of the owner, a local, or an expression. */
  /**
   * `path`: the chain of fields written from the owner on (`self.inner.child.kill()`: `inner`, `child`),
   * when it goes deeper than the field: the release acts on a field of what the field holds.
   */
  target: { kind: 'field'; field: string; path?: string[] } | { kind: 'local'; name: string } | { kind: 'other'; text: string };
  /** The event a listener removal names (`off('close', h)`): it removes only listeners for that event. */
  event?: string;
  /** Its method returns before it when a flag of the owner is set (`if (this.noDebug) return;`, line): it releases nothing in that mode. */
  skippedWhen?: { flag: string; line: number };
  site: Site;
  fn: { name: string; ownerType?: string };
}

export interface OwnerMethod {
  name: string;
  /** Drop / close / shutdown / stop / dispose / destroy ...: runs when the owner goes away. */
  teardown: boolean;
  site: Site;
}

/** A struct/class/impl: the unit that can own handles in fields and release them. */
export interface Owner {
  name: string;
  site: Site;
  fields: { name: string; type?: string }[];
  methods: OwnerMethod[];
  /** Implements the language's drop/dispose protocol (Rust `impl Drop`, `[Symbol.dispose]`). */
  hasDropImpl: boolean;
  /**
   * The class's decorators as written (`@Injectable({ providedIn: 'root' })`): the imported name,
   * the module it comes from when the file imports it, and the decorator's text (cut at 200).
   */
  decorators?: { name: string; module?: string; text: string; line: number }[];
  /** The classes it extends, by their last name (`class A(mod.Base)`, `class A extends Base`): an instance of it is one of theirs. */
  bases?: string[];
  /**
   * Other names its file binds to the class itself at module level (`WSGIMiddleware = _WSGIMiddleware`,
   * a fallback in `except ImportError:`): constructing one of them constructs this class.
   */
  aliases?: string[];
}

/**
 * The name of a module's anonymous default export (`export default function () {..}`,
 * `module.exports = () => {..}`). Calls through a whole-module import of a file name it too,
 * with that file (`calleeFile`): only that file's can be meant.
 */
export const DEFAULT_EXPORT = 'default';

/** A call from production code to a named function: lets the analysis see who starts what. */
export interface CallFact {
  /** Called function or method name (last path segment). */
  callee: string;
  /** Type named at the call (`Type::f()`, `self.f()` inside `Type`); `?` for a method call on a receiver of unknown type. */
  calleeOwner?: string;
  /** The module named at the call (`memory` in `cache::memory::new()`): only a free function of that module can be the callee. */
  calleeModule?: string;
  /**
   * The file the call site says the callee comes from, relative to the root and without its
   * extension (`server/plugins/uploader` for `new Uploader()` after `import Uploader from
   * './plugins/uploader'`, or the caller's own file for a class it declares); it may name a
   * directory, meaning its `index` file. Another file's class of the same name is not the callee.
   */
  calleeFile?: string;
  /**
   * `calleeOwner` is the class the receiver variable holds (`manager.init()` after
   * `manager = new ClientManager()`), not a type named at the call: if the project shows no
   * such class declaring the method (an interface, a library class, an inherited method),
   * the call may reach any function of its name, as on a receiver of unknown type.
   */
  typedReceiver?: true;
  /**
   * With `typedReceiver`: the receiver holds exactly an instance of `calleeOwner`, made by a
   * construction the frontend read (`t = threading.Thread(..)`), not a value of a declared type
   * that may be any subclass or implementation. A class the project does not declare is then a
   * library's, and its methods are none of the project's.
   */
  constructedReceiver?: true;
  caller: string;
  callerOwner?: string;
  /** The caller's module, when it is a free function whose module is known (see `EnclosingFunction.module`). */
  callerModule?: string;
  callerIsEntryPoint: boolean;
  /** The caller is its owner's set-up (see `EnclosingFunction.isSetup`). */
  callerIsSetup?: true;
  /** The line of the first such call in the caller (1-based), when the frontend records it: the order of calls within one caller. */
  line?: number;
  /**
   * Positions of the arguments whose values are new on every run of the caller: the parameters
   * of an event handler it sits in (`io.on('connection', (socket) => new Session(socket))`).
   */
  freshArguments?: number[];
  /**
   * Positions of the arguments whose value is shared beyond one run of the caller: a module-level
   * binding, an import, a process-wide global, or a field of the object whose method makes the
   * new one (`handle(req) { new Session(this.bus) }`). Every object made there gets the same value.
   */
  sharedArguments?: number[];
  /**
   * The call runs at most once per process whoever calls its caller: a lazy
   * singleton (`if (X.instance == null) X.instance = new X()`, `instance ??= new X()`).
   */
  once?: true;
  /**
   * The call fills a lazy cell (`self.client.get_or_init(|| make())`): it runs once per cell, which may
   * belong to an instance, so once per instance at most, not once per call of its caller.
   */
  lazy?: true;
  /**
   * Not a call: the function is handed over as a value (`http.createServer(handle)`,
   * `thread::spawn(worker)`, `app.get('/', this.handler)`). It is used, so "nothing calls it"
   * is not true, but it runs whenever what it was handed to calls it: how often is not known.
   */
  reference?: true;
  /**
   * With `reference`: the function is stored in a dispatch table, `caller` names where: a field of
   * `callerOwner` (`CommandInfo{Name: "serve", Handler: runServe}`) or a package-level variable of
   * `callerModule` (`var commands = map[string]func([]string) error{"serve": runServe}`). It runs
   * when that field or variable is called (`cmd.Handler(args)`, `commands[name](args)`), as often
   * as those calls run.
   */
  stored?: true;
  /**
   * The callee is a name bound inside the caller's function or one around it (a nested helper,
   * a parameter): it can only be a function of the same file, whatever other files define.
   */
  local?: true;
  /**
   * The receiver is a module a loader read from a directory, or an instance of its class
   * (`for (const file of readdirSync(join(__dirname, 'events'))) { const event = require(join(dir, file));
   * client.on(file.split('.')[0], (...a) => event.run(...a)) }`): the call reaches only the functions
   * of that name in the files directly in `dir` (relative to the root when `anchored` at the loader's
   * file; else a path the directory's own ends with). `eventFromFileName`: each file's function is
   * registered for the event its file is named after. `ownInstance`: the receiver is an instance of
   * the module's class made there (`new EventClass(client)`) and used only as a receiver there, so
   * no other call has it as its receiver.
   */
  loadedFrom?: { dir: string; anchored?: true; eventFromFileName?: true; ownInstance?: true };
  /**
   * The call of a method of the caller's own object sits under a run-once guard on a field of it
   * (`show() { if (this.visible) return; this.visible = true; this.startRefresh() }`): it runs again
   * only after a method sets that field back (`FileFacts.flagResets`). `flag` as written (`this.visible`).
   */
  guardedBy?: { flag: string; line: number };
  /**
   * The receiver is a binding imported from another file of the project (`jobs.start()` after
   * `import { jobs } from './jobs'`; `DEFAULT_EXPORT` for a default import or `require('./jobs')`),
   * `file` as in `calleeFile`. When that file exports an instance it makes at module level
   * (`FileFacts.moduleInstances`), the call is one of that instance's class.
   */
  receiverImport?: { name: string; file: string };
}

/**
 * An object a module makes with `new` at module level and exports (`export const jobs = new
 * JobController()`, `module.exports = new Scheduler()`): one instance for the process.
 */
export interface ModuleInstance {
  /** The export's name; `DEFAULT_EXPORT` for the default export or `module.exports` itself. */
  name: string;
  /** The class constructed, as written. */
  cls: string;
  /** The file the class comes from, as in `CallFact.calleeFile`: a relative import, or the file itself. */
  clsFile?: string;
  /** The class comes from a package, a path alias or a global: the file is not known. */
  external?: true;
  line: number;
}

/** A call of another file's function, with the fate of its result (see `FileFacts.helperCalls`). */
export interface HelperCall {
  /** The function's name as that file exports it. */
  callee: string;
  /** The file the import names, relative to the root and without its extension (may be a directory: its `index`). */
  calleeFile: string;
  site: Site;
  snippet: string;
  fn: EnclosingFunction;
  /** What the caller does with the result, read with every release name of the language's models. */
  handle: HandleFate;
  inLoop?: true;
  /** See `Acquisition.reusedByLoop`. */
  reusedByLoop?: number;
}

/** One API use counted for the methodology section (exact counts, code only). */
export interface ApiUse {
  /** Counting key, e.g. `tokio::spawn`, `JoinHandle`, `Connection::open`, `subscribe`. */
  api: string;
  line: number;
  isTest: boolean;
}

export interface FileFacts {
  /** Path relative to the audit root, with forward slashes. */
  path: string;
  language: Language;
  lineCount: number;
  /** The whole file is test code (tests/ dir, *_test, *.test.ts, benches). */
  isTestFile: boolean;
  acquisitions: Acquisition[];
  releases: Release[];
  owners: Owner[];
  loopingFunctions: LoopingFunction[];
  /**
   * Methods whose result says the caller won an atomic exchange on a flag of their receiver
   * (`self.running.compare_exchange(false, true, ..).is_ok()`, `!self.started.swap(true, ..)`): while
   * the flag holds, one caller gets `true`, so what a caller guards with it starts once per receiver.
   */
  onceGates?: { name: string; ownerType: string; flag: string; line: number }[];
  /** Calls to named functions from production code, one per (callee, caller) pair. */
  calls: CallFact[];
  /**
   * Calls of a function another file of the project exports (`db.connect()` after `const db =
   * require('./db')`, `makeClient()` imported from `./clients`), each with what the caller does with
   * its result. When the project shows that function handing back a resource it opens on every call,
   * the call is an acquisition (see analysis/helper-calls.ts).
   */
  helperCalls?: HelperCall[];
  /**
   * `new Session(..)` of a class of this project (imported by relative path, or declared in the file)
   * whose object is dropped or left unreleased in a local: `callee` is the class, `calleeFile` its
   * file. Whether the class is itself a resource is the analysis's join (analysis/resource-types.ts).
   */
  constructions?: HelperCall[];
  /** Instances the module makes at module level and exports (see `ModuleInstance`). */
  moduleInstances?: ModuleInstance[];

  uses: ApiUse[];
  /** Library roots the file imports (`tokio`, `rusqlite`, `pg`). */
  imports: string[];
  /**
   * Calls that take entries out of an owner's field, or replace it whole (`self.tasks.remove(&id)`,
   * `.clear()`, `.drain(..)`, `.retain(..)`, `mem::take(&mut self.tasks)`, `self.tasks = ..`).
   */
  fieldShrinks?: { ownerType: string; field: string; line: number; how: string }[];
  /**
   * Types declared by dispatchers whose `on` this file rebinds onto other objects (d3:
   * `utilRebind(this, d3_dispatch('loaded'), 'on')`): their `on` sets one callback per type and name.
   */
  reboundListenerTypes?: string[];
  /**
   * A method assigning a guard flag of its object anything but `true` (`hide() { this.visible = false; .. }`,
   * `this.visible = !this.visible`; not in a constructor): a run-once guard on that field
   * (`if (this.visible) return; this.visible = true`) may let what it guards run again after this method.
   */
  flagResets?: { ownerType: string; flag: string; fn: string; line: number }[];
  /** Parse problems: the file was parsed partially. */
  parseErrors: number;
  /** Inline suppressions found in comments: line -> rule ids and reason. */
  suppressions: Suppression[];
}

export interface Suppression {
  /** The line the suppression applies to (the comment's line, or the next code line). */
  line: number;
  commentLine: number;
  ruleIds: string[];
  reason: string;
}
