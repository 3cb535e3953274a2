// What Go code does with the handle an acquisition gives it: drops it (`_`, an
// expression statement), releases it (`defer t.Stop()`, `cancel()`,
// `resp.Body.Close()`), keeps it (a struct field, a package variable),
// returns it, hands it on, or leaves it in a local until the function returns.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { HandleFate } from '../../facts/types.js';
import { kids, line } from '../shared/tree.js';
import { wordRegExp } from '../shared/regex.js';
import { returnSkippingRelease } from './paths.js';

export interface FateContext {
  /** Model release names: methods (`Stop`), methods of a field (`Body.Close`), `()` (call the handle itself), or qualified functions taking it (`os/signal.Stop`). */
  releases: readonly string[];
  /** Releases that do not finish the job alone, with what they leave undone (`Process.Kill`: no reaping). */
  incompleteReleases?: Readonly<Record<string, string>>;
  /** Qualified functions that read the handle's stream to its end (`io.ReadAll`). */
  drainedBy?: readonly string[];
  /** Callees (qualified names) that only use or wrap the handle: passing it to one does not hand it on. */
  borrowedBy?: readonly RegExp[];
  /** Methods that wait for the resource to finish (`Run`, `Wait`): the handle is awaited. */
  waits?: readonly string[];
  /** Which of the call's results is the handle (`ctx, cancel :=` -> 1). */
  handleIndex?: number;
  /** Which argument is the handle, when it is not a result (`signal.Notify(ch, ..)` -> 0). */
  handleArgument?: number;
  /** The handle is the receiver of the call (`cmd.Start()`): every use of it in the function counts. */
  handleIsReceiver?: boolean;
  /** The receiver type and name of the enclosing method: `s.ticker = ..` is a field of it. */
  receiver?: { type: string; name: string };
  /** Names declared at package level: assigning one keeps the handle for the life of the process. */
  packageVars: ReadonlySet<string>;
  /** The package name (the owner of package variables). */
  pkg: string;
  /** The qualified name of a call (`os/signal.Stop`), for releases that are functions. */
  qualified(call: SyntaxNode): string | undefined;
  /** The struct type a local holds, when its declaration says (`s := &Server{..}`). */
  localType(name: string, fn: SyntaxNode, at: SyntaxNode): string | undefined;
}

/** The fate of the handle of `call`, which sits in function `fn` (null at package level). */
export function fateOf(call: SyntaxNode, fn: SyntaxNode | null, ctx: FateContext): HandleFate {
  if (ctx.handleIsReceiver) {
    const operand = call.childForFieldName('function')?.childForFieldName('operand');
    if (operand?.type === 'identifier' && fn) return handedIn(operand.text, call, fn) ?? fateOfLocal(operand.text, call, fn, ctx, fn.startIndex);
    return operand ? fateOfExisting(operand, call, fn, ctx) : { kind: 'discarded', how: 'not named' };
  }
  if (ctx.handleArgument !== undefined) {
    const arg = kids(call.childForFieldName('arguments')!)[ctx.handleArgument];
    return arg ? fateOfExisting(arg, call, fn, ctx) : { kind: 'discarded', how: 'not named' };
  }
  // `&http.Client{Transport: &http.Transport{..}}`: a library value wrapping the handle shares its
  // fate; `&Server{ticker: time.NewTicker(d)}` keeps it in a field of the project's own type.
  let expr: SyntaxNode = call;
  for (let p = expr.parent; p; p = expr.parent) {
    if (p.type === 'unary_expression' || p.type === 'parenthesized_expression') {
      expr = p;
      continue;
    }
    if (p.type === 'literal_element') {
      const field = literalField(p);
      const lit = p.parent?.parent?.parent;
      if (field && lit?.type === 'composite_literal' && lit.childForFieldName('type')?.type !== 'qualified_type') {
        return { kind: 'field', ownerType: field.ownerType, field: field.field, line: line(p) };
      }
      if (lit?.type !== 'composite_literal') break;
      expr = lit;
      continue;
    }
    break;
  }
  const parent = expr.parent;
  if (!parent) return { kind: 'discarded', how: 'not kept' };
  switch (parent.type) {
    case 'expression_statement':
      return { kind: 'discarded', how: 'dropped: the call is a statement and its result is ignored' };
    case 'return_statement':
      return { kind: 'returned' };
    case 'go_statement':
    case 'defer_statement':
      return { kind: 'discarded', how: `dropped by \`${parent.type === 'go_statement' ? 'go' : 'defer'}\`` };
    case 'argument_list': {
      const callee = parent.parent?.childForFieldName('function')?.text ?? 'a call';
      return { kind: 'passed', to: `\`${callee}()\`` };
    }
    case 'send_statement':
      return { kind: 'passed', to: 'a channel' };
    case 'literal_element':
      return { kind: 'passed', to: 'a composite literal' };
    case 'expression_list': {
      const holder = parent.parent;
      if (!holder) break;
      const values = kids(parent);
      const position = values.findIndex((v) => v.id === expr.id);
      if (holder.type === 'return_statement') return { kind: 'returned' };
      if (holder.type === 'short_var_declaration' || holder.type === 'assignment_statement' || holder.type === 'var_spec') {
        const left = holder.type === 'var_spec' ? kids(holder).filter((k) => k.type === 'identifier') : kids(holder.childForFieldName('left')!);
        // One call on the right with several results: the handle is the `handleIndex`th name.
        const target = values.length === 1 && left.length > 1 ? left[ctx.handleIndex ?? 0] : left[position];
        if (!target) break;
        return fateOfTarget(target, holder, fn, ctx);
      }
      break;
    }
    case 'var_spec':
    case 'short_var_declaration':
    case 'assignment_statement': {
      const target = kids(parent).find((k) => k.type === 'identifier');
      if (target) return fateOfTarget(target, parent, fn, ctx);
      break;
    }
    default:
      break;
  }
  return { kind: 'discarded', how: 'not kept' };
}

/** The owner type of a composite literal (`&Server{..}` -> `Server`) and the key an element sits under. */
export function literalField(node: SyntaxNode): { ownerType: string; field: string } | undefined {
  let cur: SyntaxNode | null = node;
  while (cur && cur.type !== 'keyed_element') {
    if (cur.type === 'composite_literal' && cur.id !== node.id) return undefined;
    cur = cur.parent;
  }
  if (!cur) return undefined;
  const key = cur.childForFieldName('key')?.text.trim();
  const lit = cur.parent?.parent;
  const type = lit?.type === 'composite_literal' ? lit.childForFieldName('type')?.text : undefined;
  if (!key || !type || !/^\w+$/.test(key)) return undefined;
  const owner = type.replace(/^\*/, '').split('.').pop()!;
  return /^[A-Za-z_]\w*$/.test(owner) ? { ownerType: owner, field: key } : undefined;
}

function fateOfTarget(target: SyntaxNode, holder: SyntaxNode, fn: SyntaxNode | null, ctx: FateContext): HandleFate {
  if (target.type === 'identifier') {
    if (target.text === '_') return { kind: 'discarded', how: 'assigned to `_`' };
    // `ticker = time.NewTicker(d)` on a package variable, or a `var` at package level.
    const declaresLocal = holder.type === 'short_var_declaration' || (holder.type === 'var_spec' && fn !== null);
    if (!fn || (!declaresLocal && ctx.packageVars.has(target.text) && !declaredIn(target.text, fn, holder))) {
      return { kind: 'field', ownerType: ctx.pkg, field: target.text, line: line(target) };
    }
    if (declaresLocal) return fateOfLocal(target.text, holder, fn, ctx);
    // `settleCancel = cancel`, `timer = time.NewTimer(d)` on a variable declared earlier, maybe in a
    // function around this closure: every use in the function that declares it counts (a teardown
    // closure registered before, a `stopTimer` closure beside this one).
    return fateOfLocal(target.text, holder, declaringFunction(target.text, fn, holder) ?? fn, ctx, 0);
  }
  if (target.type === 'selector_expression') {
    const operand = target.childForFieldName('operand');
    const field = target.childForFieldName('field')?.text;
    if (operand?.type === 'identifier' && field) {
      const owner = ctx.receiver && operand.text === ctx.receiver.name ? ctx.receiver.type : fn ? ctx.localType(operand.text, fn, holder) : undefined;
      if (owner) return { kind: 'field', ownerType: owner, field, line: line(target) };
      return { kind: 'passed', to: `\`${operand.text}.${field}\`` };
    }
    return { kind: 'passed', to: `\`${target.text}\`` };
  }
  // `m[key] = h`, `list[i] = h`: kept in a collection.
  return { kind: 'passed', to: `\`${target.text}\`` };
}

/** The function (this one or one around it) that declares `name` before `at`. */
function declaringFunction(name: string, fn: SyntaxNode, at: SyntaxNode): SyntaxNode | undefined {
  for (let cur: SyntaxNode | null = fn; cur; cur = cur.parent) {
    if ((cur.type === 'func_literal' || cur.type === 'function_declaration' || cur.type === 'method_declaration') && declaredIn(name, cur, at)) return cur;
  }
  return undefined;
}

/** Is `name` declared (`:=`, `var`, a parameter) in `fn` before `at`? */
function declaredIn(name: string, fn: SyntaxNode, at: SyntaxNode): boolean {
  const params = fn.childForFieldName('parameters')?.text ?? '';
  if (wordRegExp(name).test(params)) return true;
  for (const decl of fn.descendantsOfType(['short_var_declaration', 'var_spec'])) {
    if (!decl || decl.startIndex >= at.startIndex) continue;
    const left = decl.type === 'var_spec' ? decl : decl.childForFieldName('left');
    if (left && kids(left).some((k) => k.type === 'identifier' && k.text === name)) return true;
  }
  return false;
}

/** A handle that already has a name (`signal.Notify(ch, ..)`: `ch`; `s.sigCh`). */
function fateOfExisting(arg: SyntaxNode, at: SyntaxNode, fn: SyntaxNode | null, ctx: FateContext): HandleFate {
  if (arg.type === 'selector_expression') return fateOfTarget(arg, at, fn, ctx);
  if (arg.type === 'identifier' && fn) {
    if (ctx.packageVars.has(arg.text) && !declaredIn(arg.text, fn, at)) return { kind: 'field', ownerType: ctx.pkg, field: arg.text, line: line(arg) };
    return handedIn(arg.text, at, fn) ?? fateOfLocal(arg.text, at, fn, ctx);
  }
  return { kind: 'discarded', how: 'not named, so nothing can release it' };
}

/**
 * `start: func(cmd *exec.Cmd) error { return cmd.Start() }`, `signal.Notify(ch, ..)` on a `ch` the
 * function was handed: the value is a parameter its caller made (the function does not bind it
 * again before `at`), so waiting for it or stopping it is the caller's part. A channel handed to
 * `signal.Notify` again is not registered twice: each call only widens its signals.
 */
function handedIn(name: string, at: SyntaxNode, fn: SyntaxNode): HandleFate | undefined {
  const params = fn.childForFieldName('parameters');
  const isParameter = (params ? kids(params) : []).some((p) => (p.type === 'parameter_declaration' || p.type === 'variadic_parameter_declaration') && kids(p).some((k) => k.type === 'identifier' && k.text === name));
  if (!isParameter) return undefined;
  const body = fn.childForFieldName('body');
  for (const decl of body ? body.descendantsOfType(['short_var_declaration', 'var_spec', 'assignment_statement']) : []) {
    if (!decl || decl.startIndex >= at.startIndex) continue;
    const left = decl.type === 'var_spec' ? decl : decl.childForFieldName('left');
    if (left && kids(left).some((k) => k.type === 'identifier' && k.text === name)) return undefined;
  }
  return { kind: 'passed', to: `the caller: \`${name}\` is a parameter, made by the caller, which keeps it` };
}

/** What the rest of the function does with local `name`, bound at `at`. */
function fateOfLocal(name: string, at: SyntaxNode, fn: SyntaxNode, ctx: FateContext, from = at.endIndex): HandleFate {
  const body = fn.childForFieldName('body');
  if (!body) return { kind: 'local', local: name };
  let kept: HandleFate | undefined;
  let drained: { by: string; line: number } | undefined;
  // Uses after the binding (or, for a receiver handle, anywhere else in the function).
  const uses = body.descendantsOfType('identifier').filter((id): id is SyntaxNode => !!id && id.text === name && id.startIndex > from && (id.startIndex < at.startIndex || id.startIndex >= at.endIndex));
  if (uses.length === 0) return { kind: 'discarded', how: `bound to \`${name}\` and never used` };
  let released: HandleFate | undefined;
  const releaseSites: SyntaxNode[] = [];
  let escapes = false;
  for (const id of uses) {
    drained ??= drainOf(id, ctx, from === at.endIndex ? at : undefined, fn);
    const use = useOf(id, name, fn, ctx);
    if (!use) continue;
    if (use.kind === 'awaited') return use;
    if (use.kind === 'released-locally') {
      // `cmd.Process.Kill(); cmd.Wait()`: the release that finishes the job speaks for the handle.
      if (!released || (isIncomplete(released, ctx) && !isIncomplete(use, ctx))) released = use;
      releaseSites.push(id);
      continue;
    }
    escapes = true;
    kept ??= use;
  }
  if (released?.kind === 'released-locally') {
    // A fresh binding whose handle stays here: does a `return` skip every release?
    const skipped = from === at.endIndex && !escapes ? returnSkippingRelease(at, fn, releaseSites) : undefined;
    const result = skipped ? { ...released, skippedBy: { line: skipped.line, ...(skipped.end ? { end: true as const } : {}) } } : released;
    // Only releases that leave the job half done, and the handle goes nowhere else that could finish it.
    return isIncomplete(result, ctx) && !escapes ? { ...result, incomplete: ctx.incompleteReleases![result.api]! } : result;
  }
  return kept ?? { kind: 'local', local: name, ...(drained ? { drained } : {}) };
}

/**
 * `io.ReadAll(resp.Body)`, `io.Copy(io.Discard, resp.Body)`: a call that reads the handle (or a field
 * of it) to its end, reached on every path from the binding `at`: no return in between but the one
 * under the call's own `if err != nil`.
 */
function drainOf(id: SyntaxNode, ctx: FateContext, at: SyntaxNode | undefined, fn: SyntaxNode): { by: string; line: number } | undefined {
  if (!ctx.drainedBy?.length || !at) return undefined;
  let arg: SyntaxNode = id;
  while (arg.parent?.type === 'selector_expression' && arg.parent.childForFieldName('operand')?.id === arg.id) arg = arg.parent;
  if (arg.parent?.type !== 'argument_list') return undefined;
  const call = arg.parent.parent!;
  const q = ctx.qualified(call);
  if (!q || !ctx.drainedBy.includes(q)) return undefined;
  // In the binding's own block, not in a branch some paths skip.
  let stmt: SyntaxNode = call;
  while (stmt.parent && stmt.parent.type !== 'statement_list' && stmt.parent.type !== 'block') stmt = stmt.parent;
  if (stmt.parent?.id !== at.parent?.id) return undefined;
  for (const ret of fn.descendantsOfType('return_statement')) {
    if (!ret || ret.startIndex <= at.endIndex || ret.startIndex >= call.startIndex || ret.endIndex >= call.startIndex) continue;
    let guard = ret.parent;
    while (guard && guard.type !== 'if_statement' && guard.type !== 'func_literal' && guard.id !== fn.id) guard = guard.parent;
    if (guard?.type !== 'if_statement' || !/^\s*\berr\s*!=\s*nil\s*$/.test(guard.childForFieldName('condition')?.text ?? '')) return undefined;
  }
  return { by: call.childForFieldName('function')!.text, line: line(id) };
}

/**
 * A constructor of this package (`newStreamClient(..)`, by Go's naming; not `json.NewDecoder(..)` of
 * a library, not a helper that only reads it) whose value is returned or kept in a field: `passed`
 * to it, else undefined.
 */
function handedToOwner(call: SyntaxNode, fn: SyntaxNode, ctx: FateContext): HandleFate | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'identifier' || !/^[nN]ew($|[A-Z_])/.test(callee.text)) return undefined;
  const result = fateOf(call, fn, { ...ctx, releases: [], waits: [], handleIndex: 0, handleIsReceiver: false, handleArgument: undefined, drainedBy: [] });
  if (result.kind !== 'returned' && result.kind !== 'field') return undefined;
  return { kind: 'passed', to: `\`${callee.text}()\`, whose result ${result.kind === 'returned' ? 'is returned' : `is kept in \`${result.ownerType}.${result.field}\``}` };
}

/** What one use of the local does with it. */
function useOf(id: SyntaxNode, name: string, fn: SyntaxNode, ctx: FateContext): HandleFate | undefined {
  const parent = id.parent;
  if (!parent) return undefined;
  // `cancel()`, `defer cancel()`
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === id.id && ctx.releases.includes('()')) {
    return { kind: 'released-locally', local: name, api: '()', line: line(id) };
  }
  // `t.Stop()`, `resp.Body.Close()`, `cmd.Wait()`, `cmd.Process.Kill()`
  if (parent.type === 'selector_expression' && parent.childForFieldName('operand')?.id === id.id) {
    let chain = parent;
    const path: string[] = [chain.childForFieldName('field')?.text ?? ''];
    while (chain.parent?.type === 'selector_expression' && chain.parent.childForFieldName('operand')?.id === chain.id) {
      chain = chain.parent;
      path.push(chain.childForFieldName('field')?.text ?? '');
    }
    if (chain.parent?.type === 'call_expression' && chain.parent.childForFieldName('function')?.id === chain.id) {
      const method = path.join('.');
      if (ctx.releases.includes(method)) return { kind: 'released-locally', local: name, api: method, line: line(id) };
      if (ctx.waits?.includes(method)) return { kind: 'awaited', local: name };
    }
    // `sc := newStreamClient(cancel, resp.Body); return sc`: the part a release acts on (`Body` of
    // `Body.Close`) handed to a function of this package whose result leaves the function: the
    // value returned or kept owns it now.
    const part = path.join('.');
    if (chain.parent?.type === 'argument_list' && ctx.releases.some((r) => r.startsWith(`${part}.`)) && fn) {
      const owner = handedToOwner(chain.parent.parent!, fn, ctx);
      if (owner) return owner;
    }
    return undefined;
  }
  // `signal.Stop(ch)`, `closeBody(resp)`, `return resp`, `s.t = t`, `Server{t: t}`
  if (parent.type === 'argument_list') {
    const call = parent.parent!;
    const q = ctx.qualified(call);
    if (q && ctx.releases.includes(q)) return { kind: 'released-locally', local: name, api: q, line: line(id) };
    const callee = call.childForFieldName('function')?.text ?? 'a call';
    if (/^(len|cap|print|println|fmt\.\w+|log\.\w+)$/.test(callee)) return undefined;
    if (ctx.borrowedBy?.some((b) => b.test(q ?? callee))) return undefined;
    return { kind: 'passed', to: `\`${callee}()\`` };
  }
  if (parent.type === 'expression_list') {
    const holder = parent.parent;
    if (holder?.type === 'return_statement') return { kind: 'returned' };
    if (holder?.type === 'assignment_statement' && holder.childForFieldName('right')?.id === parent.id) {
      const left = kids(holder.childForFieldName('left')!)[kids(parent).findIndex((k) => k.id === id.id)];
      if (left) return fateOfTarget(left, holder, fn, ctx);
    }
    if (holder?.type === 'send_statement') return { kind: 'passed', to: 'a channel' };
    return undefined;
  }
  if (parent.type === 'return_statement') return { kind: 'returned' };
  if (parent.type === 'send_statement' && parent.childForFieldName('value')?.id === id.id) return { kind: 'passed', to: 'a channel' };
  if (parent.type === 'literal_element') {
    const field = literalField(parent);
    if (field) {
      // `return &Server{ticker: t}` hands it on with the new value; `s := &Server{ticker: t}` keeps it there.
      return { kind: 'field', ownerType: field.ownerType, field: field.field, line: line(id) };
    }
    return { kind: 'passed', to: 'a composite literal' };
  }
  return undefined;
}

function isIncomplete(fate: HandleFate, ctx: FateContext): fate is Extract<HandleFate, { kind: 'released-locally' }> {
  return fate.kind === 'released-locally' && !!ctx.incompleteReleases && Object.hasOwn(ctx.incompleteReleases, fate.api);
}
