// Which Go function a node sits in, and how often that function runs.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { EnclosingFunction } from '../../facts/types.js';
import { kids, siteOf } from '../shared/tree.js';

/** Names of functions that run once per object or process, not per operation (`NewServer`, `Init`, `Setup`). */
const CONSTRUCT_ONCE = /^(New|new|Init|init|Initialize|initialize|Setup|setup|SetUp|Open|open|Connect|connect|Bootstrap|bootstrap|Register|register|Install|install|Configure|configure|Must|must|Load|load)([A-Z_]|$)/;

/**
 * Calls whose function-literal argument runs as part of the caller, once per run of it
 * (`g.Go(func() error {..})` starts a goroutine like `go`; `once.Do(f)` runs it at most once).
 */
const TRANSPARENT_CALLS = /^(Go|TryGo|Do)$/;

export const FUNCTION_TYPES: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** The receiver type of a method: `func (s *Server) Run()` -> `Server` (type parameters dropped). */
export function receiverTypeOf(method: SyntaxNode): string | undefined {
  const receiver = method.childForFieldName('receiver');
  const param = receiver ? kids(receiver).find((k) => k.type === 'parameter_declaration') : undefined;
  const type = param?.childForFieldName('type')?.text;
  return type?.replace(/^\*/, '').replace(/\[.*$/, '').trim() || undefined;
}

/** The receiver's own name: `s` in `func (s *Server)`. */
export function receiverNameOf(method: SyntaxNode): string | undefined {
  const receiver = method.childForFieldName('receiver');
  const param = receiver ? kids(receiver).find((k) => k.type === 'parameter_declaration') : undefined;
  return param?.childForFieldName('name')?.text;
}

/** `NewServer(..) (*Server, error)`, `newServer(..) *Server`: the type a constructor function makes, when its name and result say. */
function constructedType(fn: SyntaxNode, name: string): string | undefined {
  if (!/^(New|new|Must)[A-Z]/.test(name)) return undefined;
  const result = fn.childForFieldName('result')?.text ?? '';
  const m = /^\(?\s*\*?([A-Z]\w*)\b/.exec(result);
  if (!m) return undefined;
  const made = m[1]!;
  // `NewServer` returning `*Server`: call sites name the type the same way (`NewServer()` -> `Server`).
  return name.slice(3) === made || name.slice(4) === made ? made : undefined;
}

/**
 * Is this function literal run as part of its enclosing function: the body of `go func() {..}()`,
 * `defer func() {..}()`, an immediate call, or `g.Go(func() error {..})` / `once.Do(func() {..})`?
 */
export function isTransparentLiteral(lit: SyntaxNode): boolean {
  const parent = lit.parent;
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.startIndex === lit.startIndex) return true;
  if (parent?.type !== 'argument_list') return false;
  const call = parent.parent;
  const fn = call?.childForFieldName('function');
  return fn?.type === 'selector_expression' && TRANSPARENT_CALLS.test(fn.childForFieldName('field')?.text ?? '');
}

/** The innermost function declaration, method or non-transparent function literal around `node`. */
export function functionNode(node: SyntaxNode): SyntaxNode | null {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type === 'function_declaration' || cur.type === 'method_declaration') return cur;
    if (cur.type === 'func_literal' && !isTransparentLiteral(cur)) return cur;
  }
  return null;
}

/** The innermost function (transparent literals included): where a name is bound or a loop ends. */
export function innermostCode(node: SyntaxNode): SyntaxNode | null {
  for (let cur = node.parent; cur; cur = cur.parent) if (FUNCTION_TYPES.has(cur.type)) return cur;
  return null;
}

/** The named function or method a node sits in, through any function literals. */
export function namedFunction(node: SyntaxNode): SyntaxNode | null {
  for (let cur: SyntaxNode | null = node; cur; cur = cur.parent) {
    if (cur.type === 'function_declaration' || cur.type === 'method_declaration') return cur;
  }
  return null;
}

/** `runsOnce`: is this function literal one a library calls once per process (a CLI command's action)? */
export function enclosingOf(node: SyntaxNode, isTestFile: boolean, pkg: string, runsOnce?: (lit: SyntaxNode) => boolean): EnclosingFunction {
  const fn = functionNode(node);
  if (!fn) return { name: '<module>', module: pkg, constructOnce: true, isEntryPoint: false, isTest: isTestFile, site: siteOf(node) };
  if (fn.type === 'func_literal' && runsOnce?.(fn)) {
    return { name: '<CLI command action>', module: pkg, constructOnce: true, isEntryPoint: true, isTest: isTestFile || isTestFunction(namedFunction(fn)), site: siteOf(fn) };
  }
  if (fn.type === 'func_literal') {
    // A handler or callback: it runs whenever whoever holds it calls it, which is per operation.
    const outer = namedFunction(fn);
    const ownerType = outer?.type === 'method_declaration' ? receiverTypeOf(outer) : undefined;
    return { name: '<closure>', ...(ownerType ? { ownerType } : { module: pkg }), constructOnce: false, isEntryPoint: false, isTest: isTestFile || isTestFunction(outer), site: siteOf(fn) };
  }
  const name = fn.childForFieldName('name')?.text ?? '<anonymous>';
  if (fn.type === 'method_declaration') {
    const ownerType = receiverTypeOf(fn);
    return { name, ...(ownerType ? { ownerType } : {}), constructOnce: CONSTRUCT_ONCE.test(name), isEntryPoint: false, isTest: isTestFile || isTestFunction(fn), site: siteOf(fn) };
  }
  // `main` starts the process; `init` runs once when the package loads.
  const isEntryPoint = name === 'main' || name === 'init';
  const made = constructedType(fn, name);
  return {
    name,
    ...(made ? { ownerType: made } : { module: pkg }),
    constructOnce: isEntryPoint || CONSTRUCT_ONCE.test(name),
    isEntryPoint,
    isTest: isTestFile || isTestFunction(fn),
    site: siteOf(fn),
  };
}

/** `func TestX(t *testing.T)`, benchmarks, fuzz targets and examples. */
function isTestFunction(fn: SyntaxNode | null): boolean {
  if (!fn) return false;
  const name = fn.childForFieldName('name')?.text ?? '';
  return /^(Test|Benchmark|Fuzz|Example)([A-Z_]|$)/.test(name) && /\*testing\.|testing\.TB/.test(fn.childForFieldName('parameters')?.text ?? '');
}

/** Parameter names and `:=` / `var` names of a function declared before `at` (what a goroutine body can capture). */
export function outerNames(fn: SyntaxNode | null, at: SyntaxNode): Set<string> {
  const names = new Set<string>();
  if (!fn) return names;
  for (const list of [fn.childForFieldName('receiver'), fn.childForFieldName('parameters')]) {
    if (!list) continue;
    for (const p of kids(list)) for (const n of kids(p)) if (n.type === 'identifier') names.add(n.text);
  }
  const body = fn.childForFieldName('body');
  if (!body) return names;
  for (const decl of body.descendantsOfType(['short_var_declaration', 'var_spec'])) {
    if (!decl || decl.startIndex >= at.startIndex) continue;
    const left = decl.type === 'var_spec' ? decl : decl.childForFieldName('left');
    if (!left) continue;
    for (const n of kids(left)) if (n.type === 'identifier' && n.text !== '_') names.add(n.text);
  }
  return names;
}
