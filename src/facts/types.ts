// The language-neutral fact model. Frontends (src/frontends/<lang>) are the only
// code that knows syntax; everything after them sees these types and model data.

import type { ListenerSource } from './listeners.js';

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

// The rest of the model, one concept per file; importing from here keeps working.
export * from './listeners.js';
export * from './owners.js';
export * from './calls.js';
export * from './file-facts.js';
