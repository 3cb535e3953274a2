// Event modules loaded from a directory (the discord.js guide's loader): a loop over the files
// `readdir` lists, each file loaded (`require`, `import()`) and its handler registered for an
// event (`client.on(name, (...a) => event.run(...a))`). A call through such a module can only
// reach the functions of that directory's files, and, when the event is named after the file,
// each file's function runs when its own event fires.
import { posix } from 'node:path';
import type { SyntaxNode } from '../../parse/syntax.js';
import type { CallFact } from '../../facts/types.js';
import { kids } from '../shared/tree.js';
import { wordRegExp } from '../shared/regex.js';
import { unwrap } from './qualify.js';

/** Registering an event listener: the handler runs when the event named by the first argument fires. */
const REGISTER = /^(on|once|addListener|prependListener|prependOnceListener)$/;
/** Registrations whose handler runs at most once per registration. */
const REGISTER_ONCE = /^(once|prependOnceListener)$/;
/** Reading a directory's entries (`fs.readdirSync`, `await fs.promises.readdir`). */
const READDIR = /\breaddir(Sync)?\s*\(/;
/** A path anchored at the loader's own file: `__dirname`, `import.meta.dirname`, `new URL('./x', import.meta.url)`. */
const ANCHORED = /\b__dirname\b|\bimport\.meta\.(dirname|url)\b/;
const FUNCTION_NODES: ReadonlySet<string> = new Set(['arrow_function', 'function_expression', 'function']);

/** Can this file hold a loader at all? Read once per file: without `readdir` none of it runs. */
export function mayLoadModules(source: string): boolean {
  return READDIR.test(source);
}

/**
 * `event.run(...args)` in a handler registered, in a loop over a directory's files, for an event,
 * where `event` is (an instance of) the module loaded from the loop's file: the directory, how
 * the event is named and whether the instance is the loop's own (see `CallFact.loadedFrom`).
 * Undefined for any other call.
 * `path`: the loader's file, relative to the root.
 */
export function loadedModuleOf(call: SyntaxNode, receiver: string, path: string): CallFact['loadedFrom'] {
  const handler = enclosingFunction(call);
  const registration = handler?.parent?.type === 'arguments' ? handler.parent.parent : null;
  const callee = registration?.type === 'call_expression' ? registration.childForFieldName('function') : null;
  const method = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text ?? '' : '';
  if (!registration || !REGISTER.test(method)) return undefined;
  const args = kids(registration.childForFieldName('arguments')!).filter((a) => a.type !== 'comment');
  if (args.length < 2 || args[1]!.startIndex !== handler!.startIndex) return undefined;
  const loop = enclosingLoop(registration);
  if (!loop) return undefined;
  const mentionsFile = (node: SyntaxNode): boolean => derivedFrom(node, loop.variable, loop.body, 3);
  // The receiver is the module loaded from the loop's file, or an instance of its class.
  const made = { instance: false };
  if (!loadsModule(declaredValue(receiver, loop.body), loop, mentionsFile, 3, made)) return undefined;
  const dir = directoryOf(loop.collection, loop.scope, path);
  if (!dir) return undefined;
  const byFileName = mentionsFile(args[0]!);
  const once = REGISTER_ONCE.test(method);
  // An event named by the module itself (`event.name`) is not seen: only a once-registration says how often.
  if (!byFileName && !once) return undefined;
  return { ...dir, ...(byFileName ? { eventFromFileName: true as const } : {}), ...(made.instance && onlyAsReceiver(receiver, loop.body) ? { ownInstance: true as const } : {}) };
}

/**
 * Is `name` used in the loop body only as the object of a property or method (`event.run(..)`,
 * `event.name`), besides its declaration: the instance is handed to nothing and stored nowhere.
 */
function onlyAsReceiver(name: string, body: SyntaxNode): boolean {
  const stack: SyntaxNode[] = [body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'identifier' && node.text === name) {
      const parent = node.parent;
      const declared = parent?.type === 'variable_declarator' && parent.childForFieldName('name')?.startIndex === node.startIndex;
      const object = parent?.type === 'member_expression' && parent.childForFieldName('object')?.startIndex === node.startIndex;
      if (!declared && !object) return false;
    }
    for (const c of kids(node)) stack.push(c);
  }
  return true;
}

interface Loop {
  /** The name each round binds to a file name. */
  variable: string;
  /** The list of file names, as written. */
  collection: SyntaxNode;
  /** What runs per file. */
  body: SyntaxNode;
  /** Where the list's own name is declared: the function around the loop. */
  scope: SyntaxNode;
}

/** The loop over file names a registration sits in: `for (const file of files)` or `files.forEach((file) => ..)`. */
function enclosingLoop(node: SyntaxNode): Loop | undefined {
  for (let up = node.parent; up; up = up.parent) {
    if (up.type === 'for_in_statement') {
      const left = up.childForFieldName('left');
      const right = up.childForFieldName('right');
      const body = up.childForFieldName('body');
      if (left?.type !== 'identifier' || !right || !body) return undefined;
      return { variable: left.text, collection: right, body, scope: enclosingFunction(up) ?? rootOf(up) };
    }
    if (FUNCTION_NODES.has(up.type)) {
      const call = up.parent?.type === 'arguments' ? up.parent.parent : null;
      const callee = call?.childForFieldName('function');
      if (callee?.type !== 'member_expression' || callee.childForFieldName('property')?.text !== 'forEach') return undefined;
      const param = kids(up.childForFieldName('parameters') ?? up).find((p) => p.type !== 'comment');
      const name = param?.type === 'identifier' ? param : param?.childForFieldName('pattern');
      const body = up.childForFieldName('body');
      if (name?.type !== 'identifier' || !body) return undefined;
      return { variable: name.text, collection: callee.childForFieldName('object')!, body, scope: enclosingFunction(up) ?? rootOf(up) };
    }
  }
  return undefined;
}

/**
 * Is `value` the module a `require(..)` / `import(..)` of the loop's file loads, or made from it
 * (`new EventClass(client)`, `imported.default`, `await import(..)`), following names declared
 * in the loop's body up to `depth` times?
 */
function loadsModule(value: SyntaxNode | undefined, loop: Loop, mentionsFile: (n: SyntaxNode) => boolean, depth: number, made: { instance: boolean }): boolean {
  if (!value) return false;
  let node = unwrap(value);
  for (;;) {
    if (node.type === 'new_expression') made.instance = true;
    if (node.type === 'await_expression' || node.type === 'new_expression') node = unwrap(kids(node)[0] ?? node);
    else if (node.type === 'member_expression' && node.childForFieldName('property')?.text === 'default') node = unwrap(node.childForFieldName('object')!);
    else break;
  }
  if (node.type === 'identifier') return depth > 0 && loadsModule(declaredValue(node.text, loop.body), loop, mentionsFile, depth - 1, made);
  if (node.type !== 'call_expression') return false;
  const fn = node.childForFieldName('function');
  if (fn?.text !== 'require' && fn?.type !== 'import') return false;
  const arg = kids(node.childForFieldName('arguments') ?? node).find((a) => a.type !== 'comment');
  return !!arg && mentionsFile(arg);
}

/** Does the expression use the loop's file name, directly or through names declared in the loop body? */
function derivedFrom(node: SyntaxNode, variable: string, body: SyntaxNode, depth: number): boolean {
  if (wordRegExp(variable).test(node.text)) return true;
  if (depth === 0) return false;
  const names = new Set(node.text.match(/[A-Za-z_$][\w$]*/g) ?? []);
  for (const name of names) {
    const value = declaredValue(name, body);
    if (value && derivedFrom(value, variable, body, depth - 1)) return true;
  }
  return false;
}

/** The value `name` is declared with (`const name = ..`) in `scope`, outside nested functions. */
function declaredValue(name: string, scope: SyntaxNode): SyntaxNode | undefined {
  const stack: SyntaxNode[] = [scope];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'variable_declarator' && node.childForFieldName('name')?.text === name) return node.childForFieldName('value') ?? undefined;
    if (node !== scope && FUNCTION_NODES.has(node.type)) continue;
    for (const c of kids(node)) stack.push(c);
  }
  return undefined;
}

/**
 * The directory a list of file names comes from: `readdir(dir)` written there or in the name's
 * declaration, `dir` a path of literal parts, anchored at the loader's file or not (then a path
 * the directory's own path ends with).
 */
function directoryOf(collection: SyntaxNode, scope: SyntaxNode, path: string): { dir: string; anchored?: true } | undefined {
  let list: SyntaxNode | undefined = collection;
  for (let i = 0; i < 2 && list && !READDIR.test(list.text); i++) list = list.type === 'identifier' ? declaredValue(list.text, scope) ?? readdirCallbackOf(list.text, scope) : undefined;
  const readdir = list && READDIR.test(list.text) ? findReaddir(list) : undefined;
  let dirExpr = readdir ? kids(readdir.childForFieldName('arguments') ?? readdir)[0] : undefined;
  if (dirExpr?.type === 'identifier') dirExpr = declaredValue(dirExpr.text, scope) ?? dirExpr;
  if (!dirExpr || dirExpr.type === 'identifier') return undefined;
  const parts: string[] = [];
  const stack: SyntaxNode[] = [dirExpr];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'string_fragment') parts.push(node.text);
    else for (const c of kids(node).reverse()) stack.push(c);
  }
  if (parts.length === 0) return undefined;
  const anchored = ANCHORED.test(dirExpr.text);
  const joined = posix.normalize(posix.join(...parts)).replace(/\/$/, '');
  if (anchored) {
    const dir = posix.normalize(posix.join(posix.dirname(path), joined));
    return dir.startsWith('..') ? undefined : { dir: dir === '.' ? '' : dir, anchored: true };
  }
  const tail = joined.replace(/^(\.\.?\/)+/, '');
  return tail && tail !== '.' ? { dir: tail } : undefined;
}

/** `fs.readdir(dir, (err, files) => ..)`: the call whose callback takes `name` as a parameter. */
function readdirCallbackOf(name: string, fn: SyntaxNode): SyntaxNode | undefined {
  const call = fn.parent?.type === 'arguments' ? fn.parent.parent : null;
  if (call?.type !== 'call_expression' || !/\breaddir$/.test(call.childForFieldName('function')?.text ?? '')) return undefined;
  const params = kids(fn.childForFieldName('parameters') ?? fn).map((p) => (p.type === 'identifier' ? p.text : p.childForFieldName('pattern')?.text));
  return params.includes(name) ? call : undefined;
}

/** The `readdir(..)` / `readdirSync(..)` call within an expression. */
function findReaddir(node: SyntaxNode): SyntaxNode | undefined {
  const stack: SyntaxNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'call_expression' && /\breaddir(Sync)?$/.test(n.childForFieldName('function')?.text ?? '')) return n;
    for (const c of kids(n)) stack.push(c);
  }
  return undefined;
}

function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let up = node.parent; up; up = up.parent) if (FUNCTION_NODES.has(up.type) || up.type === 'function_declaration' || up.type === 'method_definition') return up;
  return undefined;
}

function rootOf(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}
