// Call facts: who calls which function, so the analysis can tell code that runs
// once (module level, `main`, `__init__` of an object made once) from code that
// runs per operation. `self.f()` names the enclosing class, `Cls()` constructs
// `Cls` (its `__init__`), `module.f()` names the module, `obj.f()` a receiver
// of unknown type.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { CallFact, EnclosingFunction } from '../../facts/types.js';
import { dottedName, qualify, type PythonImports } from './imports.js';
import type { Scope } from './functions.js';
import { kids } from '../shared/tree.js';
import { vocabularyOf } from '../../models/index.js';

/** Builtins and container methods: never a project function whose callers matter. */
const NOISE =
  /^(print|len|str|int|float|bool|dict|list|set|tuple|isinstance|issubclass|getattr|setattr|hasattr|super|range|enumerate|zip|map|filter|sorted|min|max|sum|any|all|repr|type|id|iter|next|open|format|vars|callable|round|abs|append|extend|add|pop|get|items|keys|values|update|join|split|strip|format|encode|decode|lower|upper|startswith|endswith|replace|debug|info|warning|error|exception|critical|setdefault|copy|remove|discard|clear|sort|count|index)$/;

export function callFactOf(call: SyntaxNode, fnNode: SyntaxNode, enc: EnclosingFunction, imports: PythonImports, scopes: readonly Scope[]): CallFact[] {
  const caller = {
    caller: enc.name,
    ...(enc.ownerType ? { callerOwner: enc.ownerType } : {}),
    ...(enc.module ? { callerModule: enc.module } : {}),
    callerIsEntryPoint: enc.isEntryPoint,
    ...(enc.isSetup ? { callerIsSetup: true as const } : {}),
  };
  if (fnNode.type === 'identifier') {
    const name = fnNode.text;
    if (NOISE.test(name)) return [];
    // `Worker(..)`: constructs the class, which runs its `__init__`.
    if (/^[A-Z]/.test(name)) {
      return [
        { callee: '__init__', calleeOwner: name, ...caller },
        { callee: 'constructor', calleeOwner: name, ...caller },
      ];
    }
    const local = boundInside(name, scopes);
    return [{ callee: name, ...caller, ...(local ? { local: true as const } : {}) }];
  }
  if (fnNode.type !== 'attribute') return [];
  const name = fnNode.childForFieldName('attribute')?.text ?? '';
  if (!name || NOISE.test(name)) return [];
  const object = fnNode.childForFieldName('object');
  const receiver = object?.text ?? '';
  if (object?.type === 'identifier' && (receiver === 'self' || receiver === 'cls')) {
    return enc.ownerType ? [{ callee: name, calleeOwner: enc.ownerType, ...caller }] : [];
  }
  // `super().__init__()`: the base class's method, run by every construction of this one.
  if (object?.type === 'call' && object.childForFieldName('function')?.text === 'super') {
    const base = baseClassOf(scopes, enc.ownerType);
    return base ? [{ callee: name, calleeOwner: base, ...caller }] : [];
  }
  // `db.connect()` after `import app.db as db` or `from app import db`: a function of that module
  // (for a lowercase name imported from a module, the module is the likelier reading).
  if (object?.type === 'identifier' && (imports.modules.has(receiver) || (imports.names.has(receiver) && !/^[A-Z]/.test(receiver)))) {
    const module = imports.names.get(receiver)!.split('.').pop()!;
    return [{ callee: name, calleeModule: module, ...caller }];
  }
  // `Service.create()`: a class method or static method of that class.
  if (object?.type === 'identifier' && /^[A-Z]/.test(receiver)) return [{ callee: name, calleeOwner: receiver, ...caller }];
  // `handle.__init__(..)` re-initialises an object that exists already: no construction.
  if (/^__\w+__$/.test(name)) return [];
  // A receiver whose class the code names: `self.clock.start()` where the class only ever sets
  // `self.clock = TimeOfDay(..)`, `world.start()` after `world = World(..)`, `World().start()`.
  const typed =
    object?.type === 'attribute' && object.childForFieldName('object')?.text === 'self'
      ? fieldClassOf(scopes, enc.ownerType, object.childForFieldName('attribute')?.text ?? '')
      : object?.type === 'identifier'
        ? localClassOf(scopes, receiver)
        : object?.type === 'call' && /^[A-Z]\w*$/.test(object.childForFieldName('function')?.text ?? '')
          ? { name: object.childForFieldName('function')!.text, constructed: true }
          : undefined;
  if (typed) return [{ callee: name, calleeOwner: typed.name, typedReceiver: true, ...(typed.constructed ? { constructedReceiver: true as const } : {}), ...caller }];
  // `super().start()`, `client.run()`: a method of a value whose type is not named here.
  return [{ callee: name, calleeOwner: '?', ...caller }];
}

const PROCESS = vocabularyOf('python').processTargets;

/** The caller named for a child process's target: it runs once, as the whole life of that process. */
export const CHILD_PROCESS = '<child process>';

/**
 * `multiprocessing.Process(target=serve)`, `ctx.Process(target=self.run_worker)`: the target runs
 * once in the child process, as its whole life (`Vocabulary.processTargets`): a call from an entry
 * point, so what it starts lives as long as that process.
 */
export function processTargetOf(call: SyntaxNode, fnNode: SyntaxNode, imports: PythonImports, enc: EnclosingFunction, scopes: readonly Scope[]): CallFact[] {
  if (!PROCESS) return [];
  const last = fnNode.type === 'attribute' ? fnNode.childForFieldName('attribute')?.text : fnNode.text;
  if (!last || !(PROCESS.calls.some((c) => c.endsWith(`.${last}`)) || PROCESS.methods.includes(last))) return [];
  const dotted = dottedName(fnNode);
  const known = dotted !== undefined && PROCESS.calls.includes(qualify(dotted, imports));
  const onContext = fnNode.type === 'attribute' && PROCESS.methods.includes(last) && PROCESS.requiresImport.some((lib) => imports.roots.has(lib));
  if (!known && !onContext) return [];
  const args = kids(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
  const keyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === PROCESS.keyword)?.childForFieldName('value');
  const target = keyword ?? args.filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat')[PROCESS.position];
  const at = { caller: CHILD_PROCESS, callerIsEntryPoint: true, line: call.startPosition.row + 1 };
  if (target?.type === 'identifier' && !/^[A-Z]/.test(target.text)) {
    return [{ callee: target.text, ...(boundInside(target.text, scopes) ? { local: true as const } : {}), ...at }];
  }
  // `target=self.serve`: that method of the enclosing class.
  const object = target?.type === 'attribute' ? target.childForFieldName('object')?.text : undefined;
  const method = target?.childForFieldName('attribute')?.text;
  if ((object === 'self' || object === 'cls') && method && enc.ownerType) return [{ callee: method, calleeOwner: enc.ownerType, ...at }];
  return [];
}

/** `class Worker(multiprocessing.Process)` with its own `run`: run once in the child, as its whole life. */
export function processSubclassRun(cls: SyntaxNode, imports: PythonImports): CallFact | undefined {
  const method = PROCESS?.subclassMethod;
  const name = cls.childForFieldName('name')?.text;
  if (!method || !name) return undefined;
  const bases = cls.childForFieldName('superclasses')?.namedChildren ?? [];
  if (!bases.some((b) => b && PROCESS!.calls.includes(qualify(dottedName(b) ?? '', imports)))) return undefined;
  const body = cls.childForFieldName('body');
  const defines = (body ? kids(body) : []).some((item) => (item.type === 'decorated_definition' ? item.childForFieldName('definition') : item)?.childForFieldName('name')?.text === method);
  return defines ? { callee: method, calleeOwner: name, caller: CHILD_PROCESS, callerIsEntryPoint: true, line: cls.startPosition.row + 1 } : undefined;
}

const CLI = vocabularyOf('python').cliCommands;
const DEFAULTS_METHODS: ReadonlySet<string> = new Set(CLI?.defaultsMethods ?? []);

/**
 * `serve.set_defaults(func=run_serve)`: argparse stores the subcommand's handler in the parsed
 * arguments, and the program calls it (`args.func(args)`): a function stored in a dispatch table
 * (see `CallFact.stored`), run as often as calls of that attribute run.
 */
export function storedHandlersOf(fnNode: SyntaxNode, args: SyntaxNode | null, scopes: readonly Scope[]): CallFact[] {
  if (!CLI?.namespaceType || fnNode.type !== 'attribute' || !DEFAULTS_METHODS.has(fnNode.childForFieldName('attribute')?.text ?? '')) return [];
  const out: CallFact[] = [];
  for (const arg of args ? kids(args) : []) {
    const key = arg.type === 'keyword_argument' ? arg.childForFieldName('name')?.text : undefined;
    const value = arg.type === 'keyword_argument' ? arg.childForFieldName('value') : null;
    if (!key || value?.type !== 'identifier' || /^[A-Z]/.test(value.text) || NOISE.test(value.text)) continue;
    const local = boundInside(value.text, scopes);
    out.push({ callee: value.text, ...(local ? { local: true as const } : {}), caller: key, callerOwner: CLI.namespaceType, callerIsEntryPoint: false, reference: true, stored: true });
  }
  return out;
}

/** A receiver's class: `constructed` when every assignment read is a construction of it (no annotation). */
interface ReceiverClass {
  name: string;
  constructed: boolean;
}

const assignedClasses = new WeakMap<object, Map<string, ReceiverClass | undefined>>();

/**
 * The class every `self.<field> = Cls(..)` of the class `owner` constructs (or its annotation
 * `self.<field>: Cls`), when all of them name the same class; undefined when one assigns anything
 * else (a parameter, a factory's result) or none is found.
 */
function fieldClassOf(scopes: readonly Scope[], owner: string | undefined, field: string): ReceiverClass | undefined {
  const cls = scopes.findLast((s) => s.kind === 'class' && s.name === owner);
  return cls ? assignedClass(cls, cls.node.text, `\\bself\\.${field}`, field) : undefined;
}

/**
 * The class every assignment of the local `name` in the innermost function (or `__main__` block)
 * constructs: `world = World(..)`, then `world.start()`.
 */
function localClassOf(scopes: readonly Scope[], name: string): ReceiverClass | undefined {
  const scope = scopes.findLast((s) => s.kind !== 'class');
  return scope ? assignedClass(scope, scope.node.text, `(?<![\\w.])${name}`, `local ${name}`) : undefined;
}

/** The one class the assignments `<target> = Cls(..)` / `<target>: Cls = ..` in `text` name (`None` aside). */
function assignedClass(holder: object, text: string, target: string, key: string): ReceiverClass | undefined {
  if (!/^[\w ]+$/.test(key)) return undefined;
  let known = assignedClasses.get(holder);
  if (!known) assignedClasses.set(holder, (known = new Map()));
  if (known.has(key)) return known.get(key);
  const types = new Set<string>();
  let annotatedOnce = false;
  for (const m of text.matchAll(new RegExp(`${target}\\s*(?::\\s*([\\w.]+)\\s*|:[^=\\n]*)?=(?!=)\\s*(?:await\\s+)?(None\\b|[\\w.]+\\()?`, 'g'))) {
    // `self.clock = None` before it is made: no other class.
    if (m[2] === 'None') continue;
    const annotated = m[1]?.split('.').pop();
    if (annotated) annotatedOnce = true;
    const made = m[2] ? m[2].slice(0, -1).split('.').pop() : undefined;
    types.add(annotated ?? (made && /^[A-Z]/.test(made) ? made : ''));
  }
  const only = types.size === 1 ? [...types][0] || undefined : undefined;
  const found = only ? { name: only, constructed: !annotatedOnce } : undefined;
  known.set(key, found);
  return found;
}

/** The first base class of the class `owner` (`class A(Base)`, `class A(mod.Base)` -> `Base`). */
function baseClassOf(scopes: readonly Scope[], owner: string | undefined): string | undefined {
  const cls = scopes.findLast((s) => s.kind === 'class' && s.name === owner);
  const first = cls?.node.childForFieldName('superclasses')?.namedChildren.find((c) => c !== null && c.type !== 'keyword_argument');
  return first ? first.text.split('.').pop() : undefined;
}

/** A nested function of an enclosing function: only this file's function of that name can be meant. */
function boundInside(name: string, scopes: readonly Scope[]): boolean {
  for (const s of scopes) {
    if (s.kind !== 'function') continue;
    const body = s.node.childForFieldName('body');
    if (!body || !body.text.includes(`def ${name}`)) continue;
    for (const d of body.descendantsOfType('function_definition')) if (d?.childForFieldName('name')?.text === name) return true;
  }
  return false;
}
