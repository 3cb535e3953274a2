// Resource models are data: one entry per library API. Built-in models live in
// src/models/<language>/<library>.json; users add their own in the config file.
import { z } from 'zod';
import { RESOURCE_KINDS } from '../facts/types.js';

export const ModelRole = z.enum([
  'acquire', // creates a resource the code must release (or keep for reuse)
  'period', // sets the period of a loop it sits in (interval, sleep)
  'cancellation', // a cancellation source a loop can listen to
  'handle-store', // a container that owns handles (JoinSet, JoinHandle field)
  'serve', // a future or call that serves connections until shut down (axum::serve, a server's run): a body awaiting it runs for ever
]);

export const ResourceModel = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'model id: letters, digits, . _ -'),
    language: z.enum(['rust', 'typescript', 'python', 'go']),
    library: z.string().min(1),
    kind: z.enum(RESOURCE_KINDS as [string, ...string[]]),
    role: ModelRole.default('acquire'),
    description: z.string().min(1),
    acquire: z
      .object({
        /**
         * Fully qualified call paths after import resolution: `tokio::spawn`; for TypeScript
         * `<module>.<export>` with any `node:` prefix dropped (`child_process.spawn`,
         * `timers/promises.setInterval`), a bare name for globals (`setInterval`, `process.on`); for Go
         * `<import path>.<Func>` (`time.NewTicker`, `net/http.Get`, `github.com/jmoiron/sqlx.Open`).
         */
        calls: z.array(z.string()).default([]),
        /** Method names matched on any receiver, only where the file imports `library` (or `requiresImport`). */
        methods: z.array(z.string()).default([]),
        /** Constructors: `new X` with X imported from the library (`pg.Client`); Go: a composite literal of `<import path>.<Type>` (`net/http.Transport`). */
        constructors: z.array(z.string()).default([]),
        /** Library roots one of which the file must import for method matches. */
        requiresImport: z.array(z.string()).default([]),
        /** Constructors matched by name (`ServiceClient$`), only where the file imports one of `requiresImport`. */
        constructorPattern: z.string().optional(),
        /**
         * Methods matched by name pattern on any receiver (`^on[A-Z]`: an event method that hands back a
         * disposer), only with a function written as the first argument, and only when the handle is
         * dropped on the spot: kept, it may be released in ways the model cannot name (`this.off()`).
         */
        methodPattern: z.string().optional(),
        /**
         * Method matches need this receiver: one bound (in the same file) to a resource of one of
         * `models`, or one whose name matches `namePattern` (case-insensitive; then `requiresImport`
         * still applies when given).
         */
        receiver: z.object({ models: z.array(z.string()).default([]), namePattern: z.string().optional() }).strict().optional(),
        /** Matches only calls with at most this many arguments (`new ReplaySubject()` keeps everything; `new ReplaySubject(10)` is bounded). */
        maxArguments: z.number().int().min(0).optional(),
        /** The resource only runs once one of these methods is called on the handle (Python `Thread(..).start()`): a handle never started is no resource. */
        startMethods: z.array(z.string()).optional(),
        /**
         * Options that leave the call holding nothing (ws `{ noServer: true }`: a WebSocket server with no
         * socket of its own, handed upgraded clients by another server): a call passing one of these in
         * an object-literal argument, written as given, is not an acquisition.
         */
        inertOptions: z.record(z.string(), z.string()).optional(),
        /**
         * Keyword arguments that hand the client a pool it shares (redis-py `Redis(connection_pool=pool)`):
         * a call passing one, whatever its value, opens no connection of its own and is not an acquisition.
         */
        sharedPoolKeywords: z.array(z.string()).optional(),
        /** Keyword arguments that detach the resource on purpose (`Popen(.., start_new_session=True)`): its handle goes to the OS. */
        detachKeywords: z.record(z.string(), z.string()).optional(),
        /** Matches only calls that pass these keyword arguments, written as given (Python `weak=False`). */
        keywords: z.record(z.string(), z.string()).optional(),
        /**
         * A language construct the frontend recognises instead of a call (an async loop started without
         * awaiting it; `closed-field-object`: an object of a class no model knows, stored over a field
         * its owner closes elsewhere).
         */
        construct: z.enum(['floating-async-call', 'goroutine', 'closed-field-object']).optional(),
      })
      .strict(),
    /** Type of the handle the call returns (shown in evidence). */
    handle: z.string().optional(),
    /** For tuple results, the element that is the handle (ractor: (ActorRef, JoinHandle) -> 0). */
    handleIndex: z.number().int().min(0).optional(),
    /** The handle is this argument of the call, not its result (`signal.Notify(ch, ..)` registers `ch` -> 0). */
    handleArgument: z.number().int().min(0).optional(),
    /** The handle is the receiver of the matched method (`cmd.Start()` starts `cmd`). */
    handleIsReceiver: z.boolean().optional(),
    /**
     * Method or function names that release the resource: a method (`Stop`), a method of one of the
     * handle's fields (`Body.Close`), `()` for calling the handle itself (a cancel function), or a
     * qualified function the handle is passed to (`os/signal.Stop`).
     */
    releases: z.array(z.string()).default([]),
    /**
     * Methods of what the acquiring call returns that release it, where that differs from the
     * receiver's releases: React Native's `Keyboard.addListener(..)` / `AppState.addEventListener(..)`
     * return a subscription whose `remove()` takes the listener off.
     */
    /**
     * Methods of the object that made the resource which close it too (`browser.close()` closes the
     * pages `browser.newPage()` opened): called on that same local after the acquisition, they
     * release it.
     */
    closedWithMaker: z.array(z.string()).optional(),
    resultReleases: z.array(z.string()).optional(),
    /**
     * Releases that do not finish the job alone, with what they leave: a child's `kill` without a
     * `wait` (a zombie), `try_wait` (polls: a running child is neither stopped nor reaped). A handle
     * in a field released only by these, or by a teardown that makes only these, is not released.
     */
    incompleteReleases: z.record(z.string(), z.string()).optional(),
    /** A method giving an id the resource can be stopped by later (`Child::id`, a pid): code that reads it manages the resource by that id. */
    idMethod: z.string().optional(),
    /** Dropping / garbage-collecting the handle releases the resource. */
    dropReleases: z.boolean(),
    /**
     * When dropping releases it, if not at the drop itself: CPython's sqlite3 `Connection` is closed
     * when the cycle collector reclaims it (its statement cache holds a reference cycle), so
     * connections dropped unclosed stay open until a collection. Evidence says this instead of
     * "closes when dropped".
     */
    dropReleasesLater: z.string().optional(),
    /** A builder setting that makes dropping the handle release it, when the spawning function calls it with `true` (tokio's `kill_on_drop`). */
    dropReleasesWith: z.string().optional(),
    /** The runtime keeps only a weak reference to the resource (asyncio tasks): a handle dropped at once may be collected before it finishes. */
    weakHandle: z.boolean().optional(),
    /** `false`: a `with` block around the handle does not release it (Python sqlite3 and psycopg2 connections commit or roll back there, and stay open). */
    withReleases: z.boolean().optional(),
    /** The resource cannot grow without bound (ring-buffer channel, bounded queue). */
    bounded: z.boolean().optional(),
    /** Which argument is the body that runs (spawned future, timer callback); `consuming-loop`: the loop that iterates the result. */
    body: z.enum(['first-argument', 'last-argument', 'callback', 'consuming-loop']).optional(),
    /** The body runs again every period until the resource is released (`setInterval`, a cron job). */
    repeats: z.boolean().optional(),
    /** Opening one per operation is normal (a WebSocket session): only one never closed is a leak, not churn. */
    perOperationOk: z.boolean().optional(),
    /**
     * An embedded, in-process store (SQLite, DuckDB): opening one costs a file open and a schema read in this
     * process, not a socket, a handshake and a server backend. Opened per operation and closed (or dropped),
     * that is low-cost churn, reported as information; one never closed is judged as any connection.
     */
    embedded: z.boolean().optional(),
    /** `false` for connections that are not data stores (browsers, brokers, RPC, sockets): not a storage stack. */
    storage: z.boolean().optional(),
    /** The handle is checked out of a pool: one per operation is the intended use, but it must be given back. */
    pooled: z.boolean().optional(),
    /** The resource releases itself after its first use (a `once` listener): it leaks only while that never happens. */
    oneShot: z.boolean().optional(),
    /**
     * Events a program subscribes to once, while it starts (signals, exit, uncaught errors on a
     * process-wide object): with no caller in sight, a listener for one is reported at P2.
     */
    setupEvents: z.array(z.string()).optional(),
    /** Every registration is such a start-up hook, whatever its arguments (`atexit.register`: run at exit). */
    setupHook: z.boolean().optional(),
    /**
     * Methods that start the resource (`listen` of a server): made but never started, and used in
     * its file only through other methods (an `http.Server` that only dispatches `emit('request')`),
     * it holds nothing and is not an acquisition.
     */
    activatedBy: z.array(z.string()).optional(),
    /** The resource ends on its own (a child process, a worker): code that waits for one of these events, or passes a completion callback, waits for it. */
    completion: z.object({ events: z.array(z.string()).default([]), callback: z.boolean().default(false) }).strict().optional(),
    /**
     * Functions that read the handle's stream to its end when given it or one of its fields
     * (`io.ReadAll(resp.Body)`): the runtime then takes most of the resource back, so a handle drained
     * but never released leaks only when the read fails.
     */
    drainedBy: z.array(z.string()).optional(),
    /**
     * Functions that use the handle only while they run, or wrap it without taking it over
     * (`bufio.NewReader(f)`, a generated gRPC stub `pb.NewGreeterClient(conn)`): regular expressions
     * on the callee's qualified name. Passing the handle to one does not hand it on.
     */
    borrowedBy: z.array(z.string()).optional(),
    /** The highest priority a finding on this API gets: the runtime bounds the leak (a timeout that fires, a timer the collector reclaims in recent versions). */
    maxPriority: z.enum(['P0', 'P1', 'P2']).optional(),
    /** Why findings on this API stop at `maxPriority`, said as the finding's evidence (default: the runtime bounds the leak). */
    maxPriorityReason: z.string().optional(),
    /** What to do instead, for findings on this API (shown as the remediation). */
    remediation: z.string().optional(),
    /** Cost of one resource, for impact estimates; `source` says where the number comes from. */
    cost: z
      .object({
        summary: z.string(),
        bytes: z.number().optional(),
        fds: z.number().optional(),
        threads: z.number().optional(),
        source: z.string(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ResourceModel = z.infer<typeof ResourceModel>;
export const ModelFile = z.object({ $schema: z.string().optional(), models: z.array(ResourceModel) }).strict();
export type ModelFile = z.infer<typeof ModelFile>;
