// Calls between functions, files and module instances: what the analysis joins to see who starts what (part of the fact model, see types.ts).

import type { Site, EnclosingFunction, HandleFate } from './types.js';

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
