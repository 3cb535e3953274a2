// What a Python function is, for "how often does this run": a method of which
// class, a constructor or start-up hook (once per object or process), the
// program's entry point (`main`, `if __name__ == "__main__":`, module level),
// or test code.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { EnclosingFunction } from '../../facts/types.js';
import { kids, siteOf } from '../shared/tree.js';
import { vocabularyOf } from '../../models/index.js';

/** Methods and functions that run once per object or per process, not per operation. */
const CONSTRUCT_ONCE =
  /^(__init__|__new__|__post_init__|__enter__|__aenter__|__init_subclass__|main|setup|setUp|setUpClass|asyncSetUp|start|startup|on_startup|lifespan|ready|configure|initialize|initialise|init|create_app|make_app|build_app|get_app|run_forever|serve|serve_forever)$|^(init|initialize|setup|configure|startup|on_startup|install|register)_/;
/** Decorators that make a function run once (memoised factories, start-up hooks, fixtures). */
const ONCE_DECORATORS = /^@\s*(functools\.)?(lru_cache|cache|cached_property)\b|\.on_event\(\s*['"]startup['"]|^@\s*(contextlib\.)?(async)?contextmanager\b|\.(before_first_request|before_serving|on_startup|on_cleanup|on_shutdown|startup|lifespan)\b/;
/** Command-line entry points (click, typer; vocabulary data): one command runs once per process. */
const CLI_DECORATORS = new RegExp(`^@\\s*([\\w.]+\\.)?(${(vocabularyOf('python').cliCommands?.decorators ?? []).join('|') || '(?!)'})\\b(?!_)`);
const TEST_DECORATORS = /^@\s*(pytest\.fixture|pytest\.mark\.|fixture\b)/;
/** Top-level functions that start the program. */
const ENTRY_NAMES = /^(main|run_main|cli|entrypoint|entry_point|run_server|serve)$/;
/** `if __name__ == "__main__":` */
const MAIN_GUARD = /^__name__\s*==\s*['"]__main__['"]$|^['"]__main__['"]\s*==\s*__name__$/;

export interface Scope {
  kind: 'class' | 'function' | 'main';
  node: SyntaxNode;
  name: string;
  /** For functions: the decorators written above it. */
  decorators: string[];
}

/** The scope a node of the main pass opens, if any. */
export function scopeOf(node: SyntaxNode, type: string): Scope | undefined {
  if (type === 'class_definition' || type === 'function_definition') {
    const name = node.childForFieldName('name')?.text ?? '';
    return { kind: type === 'class_definition' ? 'class' : 'function', node, name, decorators: decoratorsOf(node) };
  }
  if (type === 'if_statement' && node.parent?.type === 'module') {
    const cond = node.childForFieldName('condition')?.text.replace(/\s+/g, ' ').trim() ?? '';
    if (MAIN_GUARD.test(cond)) return { kind: 'main', node, name: '<main>', decorators: [] };
  }
  return undefined;
}

export function decoratorsOf(def: SyntaxNode): string[] {
  const parent = def.parent;
  if (parent?.type !== 'decorated_definition') return [];
  return kids(parent).filter((k) => k.type === 'decorator').map((k) => k.text.replace(/\s+/g, ' '));
}

/** `src/app/db.py` -> `db`; `src/app/db/__init__.py` -> `db`. */
export function fileModuleOf(path: string): string {
  const parts = path.replace(/\.pyi?$/, '').split('/');
  const last = parts.pop() ?? '';
  return last === '__init__' ? (parts.pop() ?? last) : last;
}

/** The class a function's `self` is an instance of: the class whose method encloses it. */
export function ownerClassOf(scopes: readonly Scope[]): string | undefined {
  for (let i = scopes.length - 1; i > 0; i--) {
    if (scopes[i]!.kind === 'function' && scopes[i - 1]!.kind === 'class') {
      // The outermost function directly inside a class, among the functions around the node.
      let j = i;
      while (j > 0 && scopes[j - 1]!.kind === 'function') j--;
      if (j === i) return scopes[i - 1]!.name;
    }
  }
  return undefined;
}

export function isTestScope(scopes: readonly Scope[]): boolean {
  return scopes.some(
    (s) =>
      (s.kind === 'function' && (/^test_?/.test(s.name) || s.decorators.some((d) => TEST_DECORATORS.test(d)))) ||
      (s.kind === 'class' && /^Test/.test(s.name)),
  );
}

const COMMAND_FILES = (vocabularyOf('python').cliCommands?.commandFiles ?? []).map((c) => ({ ...c, pattern: new RegExp(c.path) }));

/** The method a framework runs once as a command, when the file is a command file (`management/commands/x.py`: `Command.handle`). */
export function commandMethodOf(path: string): { class: string; method: string } | undefined {
  return COMMAND_FILES.find((c) => c.pattern.test(path));
}

/** The function a node runs in, from the scopes around it (outermost first). */
export function enclosingFrom(node: SyntaxNode, scopes: readonly Scope[], fileIsTest: boolean, module: string, command?: { class: string; method: string }): EnclosingFunction {
  const isTest = fileIsTest || isTestScope(scopes);
  let fnIndex = -1;
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (scopes[i]!.kind === 'function') {
      fnIndex = i;
      break;
    }
  }
  if (fnIndex < 0) {
    // Module level runs once per process (a module is imported once); so does the main guard.
    const cls = scopes.at(-1)?.kind === 'class' ? scopes.at(-1)!.name : undefined;
    return { name: '<module>', ...(cls ? { ownerType: cls } : {}), constructOnce: true, isEntryPoint: true, isTest, site: siteOf(node) };
  }
  const fn = scopes[fnIndex]!;
  const ownerType = ownerClassOf(scopes.slice(0, fnIndex + 1));
  const topLevel = fnIndex === 0 || scopes.slice(0, fnIndex).every((s) => s.kind === 'main');
  const isEntryPoint =
    (topLevel && ENTRY_NAMES.test(fn.name)) || fn.decorators.some((d) => CLI_DECORATORS.test(d)) || (!!command && ownerType === command.class && fn.name === command.method);
  const constructOnce = isEntryPoint || CONSTRUCT_ONCE.test(fn.name) || fn.decorators.some((d) => ONCE_DECORATORS.test(d));
  return {
    name: fn.name,
    ...(ownerType ? { ownerType } : {}),
    ...(!ownerType && topLevel ? { module } : {}),
    constructOnce,
    isEntryPoint,
    ...(ownerType && /^__(init|new)__$/.test(fn.name) ? { isConstructor: true as const, isSetup: true as const } : {}),
    isTest,
    site: siteOf(fn.node),
  };
}

/** Teardown method names: they run when the owner goes away. */
export const TEARDOWN =
  /^(close|aclose|stop|shutdown|shut_down|terminate|kill|cancel|cancel_all|dispose|destroy|cleanup|clean_up|teardown|tear_down|tearDown|disconnect|release|quit|exit|finalize|__exit__|__aexit__|__del__|on_shutdown|on_cleanup|stop_all|close_all|join)(_|$)|^(a|async_)(close|stop|shutdown)$/;

/** `__del__`, `__exit__`, `__aexit__`: the language's own protocol for going away. */
export const DROP_METHODS = /^(__del__|__exit__|__aexit__)$/;
