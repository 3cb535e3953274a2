// Loads the built-in resource models (JSON data beside this file) and user models.
// Built-in models are not run through zod at start-up (importing it costs more
// than a warm audit): the defaults are filled in here, and a test proves the
// result equals what the zod schema makes of every built-in file.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { ResourceModel } from './schema.js';
import type { Language } from '../facts/types.js';

/** Where the JSON model files live: src/models in a checkout, copied next to dist by the build. */
function modelsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/models/index.js -> ../../src/models ; src/models/index.ts -> .
  const candidates = [here, join(here, '..', '..', 'src', 'models')];
  for (const dir of candidates) {
    try {
      if (readdirSync(join(dir, 'rust')).some((f) => f.endsWith('.json'))) return dir;
    } catch {
      /* try next */
    }
  }
  throw new Error(`resource models not found near ${here}`);
}

export interface ModelSet {
  models: ResourceModel[];
  /** Hash of every model: part of the fact cache key. */
  version: string;
  byLanguage(language: Language): ResourceModel[];
  get(id: string): ResourceModel | undefined;
}

export function loadBuiltinModels(): ResourceModel[] {
  const dir = modelsDir();
  const out: ResourceModel[] = [];
  for (const lang of readdirSync(dir, { withFileTypes: true })) {
    if (!lang.isDirectory()) continue;
    for (const file of readdirSync(join(dir, lang.name)).sort()) {
      if (!file.endsWith('.json') || file === VOCABULARY_FILE) continue;
      const path = join(dir, lang.name, file);
      out.push(...builtinModelFile(JSON.parse(readFileSync(path, 'utf8')) as RawModelFile));
    }
  }
  return out;
}

/** Paths of the built-in model files. */
export function builtinModelFiles(): string[] {
  const dir = modelsDir();
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(dir, d.name)).filter((f) => f.endsWith('.json') && f !== VOCABULARY_FILE).sort().map((f) => join(dir, d.name, f)));
}

/** Beside a language's model files: the words findings use for that language's ideas. */
const VOCABULARY_FILE = 'vocabulary.json';
const LANGUAGES: readonly Language[] = ['rust', 'typescript', 'python', 'go'];

export interface Vocabulary {
  /** What a teardown is called, after "has no": "Drop impl or teardown method (close/shutdown/stop)". */
  teardown: string;
  /**
   * Methods only a component that a framework mounts again and again has (`componentDidMount`,
   * `ngOnInit`, `connectedCallback`): its instances are made per use, whoever constructs them.
   */
  componentHooks?: string[];
  /**
   * Class decorators by which a dependency-injection container makes one instance for the whole
   * application (`@Injectable({ providedIn: 'root' })`, a NestJS provider of the default scope):
   * the decorator's name, the module it is imported from, and patterns its text must (`when`) or
   * must not (`unless`) match.
   */
  containerSingletons?: { decorator: string; module: string; when?: string; unless?: string; source: string }[];
  /**
   * How the language's command-line libraries declare a command, whose handler the library calls
   * once per process (the process parses its arguments and runs one command): read by the frontend.
   */
  cliCommands?: CliCommands;
  /**
   * Names (regular-expression alternatives) of functions that run once per process or per object
   * (`main\w*`, `setup\w*`, `ngOnInit`): a construction called from one is not per operation.
   */
  runsOnceCallers: string[];
  /**
   * Events that fire once per page, process or login (`DOMContentLoaded`, `load`, discord.js's
   * `ready` / `clientReady`): a handler registered for one runs once, like the code registering it.
   */
  oneShotEvents?: string[];
  /**
   * Names of the handlers a connection object calls when it opens and when it closes (WebSocket's
   * `onopen` / `onclose`): a timer its open handler stores in a field and its close handler clears
   * is stopped before the next open, once per connection.
   */
  connectionHandlers?: { open: string[]; close: string[] };
  /**
   * Teardown names by which a caller releases an object of a project's own class (`session.close()`):
   * a class whose constructor opens a resource and whose teardown is named so is itself a resource.
   */
  constructedTeardowns?: string[];
  /** Listener methods that set the one callback of a type(.name) instead of adding one (d3's `on`). */
  keyedListeners?: KeyedListeners;
  /**
   * Constructors of a child process whose target is that process's whole life
   * (`multiprocessing.Process(target=serve)`): the target runs once per child process, so what it
   * starts lives as long as that process. Read by the frontend.
   */
  processTargets?: ProcessTargets;
  /**
   * The connection under a per-request object (`req.socket`, `res.connection`): shared by every request
   * a keep-alive connection carries, so it outlives each of them. Read by the frontend.
   */
  requestConnections?: RequestConnections;
}

export interface RequestConnections {
  source: string;
  /** Names of parameters that hold a request or response (a regular expression). */
  parameters: string;
  /** ..or their declared types (last name: `http.IncomingMessage` is `IncomingMessage`). */
  types: string[];
  /** Members of such a value that are its connection. */
  members: string[];
  /**
   * A function also handed the connection itself (`upgrade` handlers' `(req, socket, head)`, ws's
   * `('connection', (ws, req))`) runs once per connection: there the socket is not shared (a regular expression).
   */
  perConnectionParameters: string;
}

export interface ProcessTargets {
  /** Fully qualified constructors (`multiprocessing.Process`). */
  calls: string[];
  /** Method names on a context object (`get_context('spawn').Process`), in files importing one of `requiresImport`. */
  methods: string[];
  requiresImport: string[];
  /** The keyword, and the position when passed positionally, of the target. */
  keyword: string;
  position: number;
  /** The project's subclasses of these classes run this method as the child's life (`run`). */
  subclassMethod?: string;
  source: string;
}

/**
 * A library whose `on(typenames, f)` keeps one callback per type and name: calling it again
 * replaces the earlier one (d3-dispatch, d3-selection, d3-zoom ..), so repeated calls add nothing.
 */
export interface KeyedListeners {
  source: string;
  /** The library's modules (a regular expression over the import specifier). */
  modules: string;
  /** Exports of those modules whose result (and what its chained calls return) has that `on`. */
  factories: string[];
  /** Those factories that make a dispatcher whose `on` a project may rebind onto its own objects. */
  dispatchers: string[];
  method: string;
  /** Chained calls that leave the library's objects (`selection.node()` is a DOM element). */
  notChained: string[];
  /**
   * Modules whose emitters add on every `on` (Node's events, jQuery, socket.io): a file importing one
   * may hold such an emitter, so an `on` there is not taken for a rebound dispatcher's.
   */
  otherEmitters: string[];
}

export interface CliCommands {
  /** Go: command types, as import path and type (`github.com/spf13/cobra.Command`), whose literals declare commands. */
  types?: string[];
  /** Go: the fields of those literals that hold a handler the library calls (`RunE`, `Action`). */
  handlerFields?: string[];
  /** Python: decorators, by their last name, that make a function a command (`@app.command()`, `@click.group()`). */
  decorators?: string[];
  /**
   * Python: a parser method whose keyword arguments store a subcommand's handler in the parsed
   * arguments (argparse `sub.set_defaults(func=serve)`), which the program calls (`args.func(args)`).
   */
  defaultsMethods?: string[];
  /** Python: the type of those parsed arguments (`argparse.Namespace`). */
  namespaceType?: string;
  /**
   * Python: commands a framework finds by their file (Django's `management/commands/<name>.py`
   * with `class Command` whose `handle()` runs once when `manage.py <name>` is run): a path
   * pattern, the class and the method.
   */
  commandFiles?: { path: string; class: string; method: string }[];
  /** TypeScript: a method declaring a command (commander `program.command('serve')`)... */
  commandMethods?: string[];
  /** ...and the method, chained on it, that gives the handler the library calls when that command is chosen (`.action(serve)`). */
  actionMethods?: string[];
}

const DEFAULT_VOCABULARY: Vocabulary = {
  teardown: 'teardown method (close/shutdown/stop)',
  runsOnceCallers: ['<module>', 'constructor', 'new', 'main\\w*', 'init\\w*', 'initiali[sz]e', 'setup\\w*', 'set_up', 'bootstrap\\w*', 'build', 'builder', 'create', 'open', 'connect', 'launch', 'install', 'register\\w*', 'load', 'configure', 'start\\w*', 'serve\\w*', 'listen'],
};
const vocabularies = new Map<string, Vocabulary>();

/** The language's vocabulary (src/models/<language>/vocabulary.json), or words every language shares. */
export function vocabularyOf(language: Language): Vocabulary {
  let v = vocabularies.get(language);
  if (!v) {
    try {
      v = { ...DEFAULT_VOCABULARY, ...(JSON.parse(readFileSync(join(modelsDir(), language, VOCABULARY_FILE), 'utf8')) as Partial<Vocabulary>) };
    } catch {
      v = DEFAULT_VOCABULARY;
    }
    vocabularies.set(language, v);
  }
  return v;
}

type RawModel = Omit<ResourceModel, 'role' | 'releases' | 'acquire' | 'completion'> & {
  role?: ResourceModel['role'];
  releases?: string[];
  acquire: Partial<ResourceModel['acquire']> & { receiver?: Partial<NonNullable<ResourceModel['acquire']['receiver']>> };
  completion?: Partial<NonNullable<ResourceModel['completion']>>;
};
type RawModelFile = { models: RawModel[] };

/** A built-in model file with the schema's defaults filled in (models/schema.ts; the test checks they agree). */
export function builtinModelFile(file: RawModelFile): ResourceModel[] {
  return file.models.map((m) => {
    const { receiver, ...acquire } = m.acquire;
    const out: ResourceModel = {
      ...m,
      role: m.role ?? 'acquire',
      acquire: {
        ...acquire,
        calls: acquire.calls ?? [],
        methods: acquire.methods ?? [],
        constructors: acquire.constructors ?? [],
        requiresImport: acquire.requiresImport ?? [],
        ...(receiver ? { receiver: { ...receiver, models: receiver.models ?? [] } } : {}),
      },
      releases: m.releases ?? [],
    } as ResourceModel;
    if (m.completion) out.completion = { ...m.completion, events: m.completion.events ?? [], callback: m.completion.callback ?? false };
    return out;
  });
}

export function createModelSet(models: ResourceModel[]): ModelSet {
  const byId = new Map(models.map((m) => [m.id, m]));
  // The vocabularies are read by frontends too (`cliCommands`): part of what a file's facts depend on.
  const vocabularies = JSON.stringify(LANGUAGES.map((l) => vocabularyOf(l)));
  const version = createHash('sha256').update(JSON.stringify(models)).update(vocabularies).digest('hex').slice(0, 16);
  return {
    models,
    version,
    byLanguage: (language) => models.filter((m) => m.language === language),
    get: (id) => byId.get(id),
  };
}
