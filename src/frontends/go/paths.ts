// Paths that skip a release: a `return` between a handle's binding and the
// release the function does write (`defer resp.Body.Close()` placed after an
// early return, `cancel()` called on one branch or only at the very end),
// the shape of go vet's lostcancel check, for every handle with a release.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids, line } from '../shared/tree.js';

const FUNCTIONS = new Set(['func_literal', 'function_declaration', 'method_declaration']);
const SWITCHES = new Set(['expression_switch_statement', 'type_switch_statement', 'select_statement']);

/** The statement that holds `node` directly in a statement list. */
function statementOf(node: SyntaxNode): SyntaxNode | undefined {
  let cur: SyntaxNode = node;
  while (cur.parent && cur.parent.type !== 'statement_list') {
    if (FUNCTIONS.has(cur.parent.type)) return undefined;
    cur = cur.parent;
  }
  return cur.parent ? cur : undefined;
}

function within(node: SyntaxNode, outer: SyntaxNode): boolean {
  return node.startIndex >= outer.startIndex && node.endIndex <= outer.endIndex;
}

/** The nearest function around `node` (a closure counts as its own function). */
function functionOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let cur = node.parent; cur; cur = cur.parent) if (FUNCTIONS.has(cur.type)) return cur;
  return undefined;
}

/** `return`, `panic(..)`, `log.Fatal(..)`, `os.Exit(..)`, `for { .. }`: control does not fall through. */
function terminates(stmt: SyntaxNode | undefined): boolean {
  if (!stmt) return false;
  if (stmt.type === 'return_statement' || stmt.type === 'goto_statement') return true;
  if (stmt.type === 'expression_statement') {
    const callee = kids(stmt)[0]?.type === 'call_expression' ? kids(stmt)[0]!.childForFieldName('function')?.text ?? '' : '';
    return /^(panic|os\.Exit|log\.(Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln)|\w+\.(Fatal|Fatalf|Fatalln))$/.test(callee);
  }
  // An endless loop: `for { .. }` with no condition or range clause.
  if (stmt.type === 'for_statement') return kids(stmt).every((k) => k.type === 'block' || k.type.endsWith('comment'));
  if (stmt.type === 'block') return listTerminates(kids(stmt).find((k) => k.type === 'statement_list'));
  if (stmt.type === 'if_statement') {
    const alt = stmt.childForFieldName('alternative');
    return !!alt && terminates(stmt.childForFieldName('consequence') ?? undefined) && terminates(alt);
  }
  return false;
}

function listTerminates(list: SyntaxNode | undefined): boolean {
  if (!list) return false;
  const stmts = kids(list).filter((k) => !k.type.endsWith('comment'));
  return terminates(stmts[stmts.length - 1]);
}

export interface ReleaseSites {
  /** The release calls of the handle (their identifier), outside closures. */
  releases: SyntaxNode[];
}

/**
 * Does `stmt` release the handle on every path that falls through it? A release statement, a
 * deferred release, or an if/else, switch or select each of whose branches releases or ends.
 */
function covers(stmt: SyntaxNode, releases: readonly SyntaxNode[]): boolean {
  if (releases.some((r) => statementOf(r)?.id === stmt.id)) return true;
  const branchCovers = (branch: SyntaxNode | null | undefined): boolean => {
    if (!branch) return false;
    if (branch.type === 'if_statement') return covers(branch, releases);
    const list = branch.type === 'statement_list' ? branch : kids(branch).find((k) => k.type === 'statement_list');
    if (!list) return false;
    return listTerminates(list) || kids(list).some((s) => covers(s, releases));
  };
  if (stmt.type === 'if_statement') {
    const alt = stmt.childForFieldName('alternative');
    return !!alt && branchCovers(stmt.childForFieldName('consequence')) && branchCovers(alt);
  }
  if (stmt.type === 'block') return branchCovers(stmt);
  if (SWITCHES.has(stmt.type)) {
    const cases = kids(stmt).filter((k) => /_case$/.test(k.type));
    const exhaustive = stmt.type === 'select_statement' || cases.some((c) => c.type === 'default_case');
    return exhaustive && cases.length > 0 && cases.every((c) => branchCovers(c));
  }
  return false;
}

/** Does the path from `binding` out of the statement `outer` that holds it pass a release? */
function fallThroughCovers(binding: SyntaxNode, outer: SyntaxNode, releases: readonly SyntaxNode[]): boolean {
  for (let cur: SyntaxNode = binding; cur.parent && cur.id !== outer.id; cur = cur.parent) {
    if (cur.parent.type !== 'statement_list') continue;
    if (kids(cur.parent).some((s) => s.startIndex >= cur.endIndex && covers(s, releases))) return true;
  }
  return false;
}

/**
 * The first `return` after the binding `at` (or the fall-through end of the function) that no
 * release of the handle precedes on its path. `releases` are the identifiers of the handle in
 * release calls. Returns undefined when every path releases it, or when a release sits in a
 * closure (who calls it, and when, is not visible here).
 */
export function returnSkippingRelease(at: SyntaxNode, fn: SyntaxNode, releases: readonly SyntaxNode[]): { line: number; end?: true } | undefined {
  if (releases.length === 0) return undefined;
  if (releases.some((r) => functionOf(r)?.id !== fn.id)) return undefined;
  const deferred = releases.filter((r) => {
    const s = statementOf(r);
    return s?.type === 'defer_statement';
  });
  const binding = statementOf(at);
  const body = fn.childForFieldName('body');
  if (!binding || !body) return undefined;
  // The binding's own error check (`resp, err := http.Get(u); if err != nil { return err }`): the handle is nil there.
  // Only a check of a value the binding itself sets, with no statement of its own before the condition.
  let next = binding.nextNamedSibling;
  while (next?.type.endsWith('comment')) next = next.nextNamedSibling;
  const bound = binding.type === 'short_var_declaration' || binding.type === 'assignment_statement' ? kids(binding.childForFieldName('left') ?? binding).map((k) => k.text) : [];
  const condition = next?.type === 'if_statement' && !next.childForFieldName('initializer') ? next.childForFieldName('condition')?.text ?? '' : '';
  // The error is `err`, or any name after the handle's (`fd, e := os.Open(p)`).
  const handle = releases[0]!.text;
  const errors = bound.filter((name, i) => name !== '_' && name !== handle && (i > 0 || /^err\w*$/i.test(name)));
  // `if err == nil { ..; return }`: the success path ends inside; a return after the `if` is on the error path, where the handle is nil.
  const okGuard =
    next && !next.childForFieldName('alternative') && errors.some((name) => new RegExp(`^\\s*${name}\\s*==\\s*nil\\s*$`).test(condition)) && terminates(next.childForFieldName('consequence') ?? undefined)
      ? next
      : undefined;
  const guard = next && !okGuard && errors.some((name) => new RegExp(`\\b${name}\\b`).test(condition)) ? next : undefined;
  const coveredAt = (node: SyntaxNode): boolean => {
    if (deferred.some((d) => d.startIndex < node.startIndex)) return true;
    // `return f.Close()`: the return itself releases it.
    if (releases.some((r) => within(r, node))) return true;
    // Walk up the statement lists around `node`: a covering statement before it on its path.
    for (let cur: SyntaxNode = node; cur.parent && cur.id !== body.id; cur = cur.parent) {
      // `if err := f.Close(); err != nil { return err }`: the release runs before either branch.
      const init = cur.type === 'if_statement' ? cur.childForFieldName('initializer') : null;
      if (init && releases.some((r) => within(r, init))) return true;
      const list = cur.parent;
      if (list.type !== 'statement_list') continue;
      for (const s of kids(list)) {
        if (s.startIndex >= cur.startIndex) break;
        if (s.endIndex <= at.endIndex) continue;
        // The statement that holds the binding (an `if` block, a loop body): falling out of it
        // passes the statements after the binding inside it.
        if (within(at, s) ? fallThroughCovers(binding, s, releases) : covers(s, releases)) return true;
      }
    }
    return false;
  };
  // A return reached from the binding: in a statement after it in its list or in a list around it
  // (not in another case of the switch, or the other branch of the if, that holds the binding).
  const reachable = (ret: SyntaxNode): boolean => {
    for (let cur: SyntaxNode = binding; cur.parent && cur.id !== body.id; cur = cur.parent) {
      if (cur.parent.type !== 'statement_list') continue;
      if (kids(cur.parent).some((s) => s.startIndex >= cur.endIndex && within(ret, s))) return true;
    }
    return false;
  };
  for (const ret of fn.descendantsOfType('return_statement')) {
    if (!ret || ret.startIndex <= at.endIndex || functionOf(ret)?.id !== fn.id || !reachable(ret)) continue;
    if (guard && within(ret, guard)) continue;
    if (okGuard && !within(ret, okGuard) && ret.startIndex > okGuard.endIndex) continue;
    if (!coveredAt(ret)) return { line: line(ret) };
  }
  // Past a terminating `if err == nil { .. }` only the error path (a nil handle) falls off the end.
  if (okGuard) return undefined;
  // Falling off the end of the function: from the binding's statement list outwards, a covering
  // statement after it, or a list that ends in a return (checked above) stops the fall.
  for (let cur: SyntaxNode = binding; cur.parent && cur.id !== body.id; cur = cur.parent) {
    const list = cur.parent;
    if (list.type !== 'statement_list') continue;
    const after = kids(list).filter((s) => s.startIndex >= cur.endIndex);
    if (after.some((s) => covers(s, releases)) || deferred.length > 0) return undefined;
    if (listTerminates(list)) return undefined;
    // A loop body: the next iteration and the loop's exit are beyond what this check follows.
    if (list.parent?.parent?.type === 'for_statement') return undefined;
  }
  return { line: body.endPosition.row + 1, end: true };
}
