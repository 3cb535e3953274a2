// Who calls what in Go, for "how often does this code run": calls of project
// functions (`run()`, `s.run()`, `store.Open()`, `NewServer()`), HTTP handlers
// (the server calls them per request) and CLI command actions (the library
// calls them once per process).
import type { CallFact } from '../../facts/types.js';
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { vocabularyOf } from '../../models/index.js';
import type { GoFile } from './file-context.js';
import { functionNode, namedFunction, receiverNameOf, receiverTypeOf } from './functions.js';
import { qualifiedType, type GoImports } from './imports.js';
import { constructedType, constructorTypeOf, onceGuard } from './scope.js';
import { packageOnceGuard } from './package-guards.js';

/** Builtins and calls that name no project function. */
const NOT_A_PROJECT_CALL = /^(len|cap|make|new|append|copy|delete|panic|recover|print|println|close|complex|real|imag|min|max|clear|string|int|int64|int32|uint|uint64|uint32|float64|float32|byte|rune|bool|error)$/;
/** Methods so common on unknown receivers that recording them only hides who calls what. */
const NOISE_METHODS = /^(Lock|Unlock|RLock|RUnlock|Error|String|Add|Done|Wait|Load|Store|Get|Set|Len|Close|Write|Read|Printf|Println|Errorf|Infof|Debugf|Warnf|Info|Debug|Warn|With|WithField|WithFields|Sprintf|Err|Value|Context)$/;

/** Parameters of an HTTP handler (net/http, gin, echo, fiber, fasthttp): the server calls it per request. */
const HANDLER_PARAMS = /\bhttp\.ResponseWriter\b|\*gin\.Context\b|\becho\.Context\b|\*fiber\.Ctx\b|\*fasthttp\.RequestCtx\b/;
/** Command types of CLI libraries (urfave/cli, cobra) and the fields holding the actions they call once per process: vocabulary data. */
const CLI = vocabularyOf('go').cliCommands;
const CLI_COMMAND: ReadonlySet<string> = new Set(CLI?.types ?? []);
const CLI_ACTION_KEYS: ReadonlySet<string> = new Set(CLI?.handlerFields ?? []);
/** The caller named for a handler: no function of the project, so nothing above it runs once. */
const PER_REQUEST = '<per request>';

/** A function or method whose parameters say it is an HTTP handler: the server calls it, per request. */
export function recordHandler(file: GoFile, fn: SyntaxNode, name: string, ownerType: string | undefined): void {
  if (file.isTestFile || !HANDLER_PARAMS.test(fn.childForFieldName('parameters')?.text ?? '')) return;
  file.facts.calls.push({ callee: name, ...(ownerType ? { calleeOwner: ownerType } : { calleeModule: file.pkg }), caller: PER_REQUEST, callerIsEntryPoint: false });
}

/** `&cobra.Command{..}`, `[]*cli.Command{{..}}`: the actions of CLI commands a composite literal declares. */
export function recordCliActions(file: GoFile, literal: SyntaxNode): void {
  if (file.isTestFile) return;
  const typeNode = literal.childForFieldName('type');
  const type = qualifiedType(typeNode, file.imports);
  if (type && CLI_COMMAND.has(type)) cliActions(file, literal.childForFieldName('body'));
  // `Subcommands: []*cli.Command{{Name: "add", Action: execAdd}}`: elements with the type left out.
  const element = typeNode?.type === 'slice_type' || typeNode?.type === 'array_type' ? qualifiedType(typeNode.childForFieldName('element'), file.imports) : undefined;
  if (!element || !CLI_COMMAND.has(element)) return;
  for (const el of kids(literal.childForFieldName('body') ?? literal)) {
    const value = el.type === 'literal_element' ? kids(el)[0] : undefined;
    if (value?.type === 'literal_value') cliActions(file, value);
  }
}

/**
 * `&cobra.Command{RunE: func(cmd *cobra.Command, args []string) error {..}}`: a function literal
 * the CLI library calls once per process, like `main`.
 */
export function isCliActionLiteral(lit: SyntaxNode, imports: GoImports): boolean {
  const keyed = lit.parent?.type === 'literal_element' ? lit.parent.parent : undefined;
  if (keyed?.type !== 'keyed_element' || !CLI_ACTION_KEYS.has(keyed.childForFieldName('key')?.text.trim() ?? '')) return false;
  const body = keyed.parent;
  const literal = body?.parent;
  if (literal?.type === 'composite_literal') return CLI_COMMAND.has(qualifiedType(literal.childForFieldName('type'), imports) ?? '');
  // `[]*cli.Command{{Action: func(..) {..}}}`: an element with its type left out.
  const outer = literal?.type === 'literal_element' ? literal.parent?.parent : undefined;
  const type = outer?.type === 'composite_literal' ? outer.childForFieldName('type') : undefined;
  return (type?.type === 'slice_type' || type?.type === 'array_type') && CLI_COMMAND.has(qualifiedType(type.childForFieldName('element'), imports) ?? '');
}

/**
 * `&cli.Command{Action: execServe}`, `&cobra.Command{RunE: runServe}`: the CLI library calls a
 * command's action once per process, like `main` would.
 */
function cliActions(file: GoFile, body: SyntaxNode | null): void {
  for (const el of body ? kids(body) : []) {
    if (el.type !== 'keyed_element') continue;
    const key = el.childForFieldName('key')?.text.trim() ?? '';
    const value = kids(el.childForFieldName('value') ?? el)[0];
    if (!CLI_ACTION_KEYS.has(key) || value?.type !== 'identifier') continue;
    file.facts.calls.push({ callee: value.text, calleeModule: file.pkg, caller: `<${key} of a CLI command>`, callerIsEntryPoint: true });
  }
}

/** Who calls which project function: `run()` in this package, `s.run()` on the receiver, `store.Open()` in another package. */
export function recordCall(file: GoFile, seen: Set<string>, node: SyntaxNode, fnNode: SyntaxNode, q: string | undefined): void {
  const { scopes, pkg } = file;
  let callee: string | undefined;
  let calleeOwner: string | undefined;
  let calleeModule: string | undefined;
  let typedReceiver = false;
  // `NewServer()` / `store.NewServer()`: the constructor of `Server`, as its declaration says (functions.ts).
  const made = constructorTypeOf(fnNode);
  if (fnNode.type === 'identifier') {
    callee = fnNode.text;
    if (NOT_A_PROJECT_CALL.test(callee) || scopes.boundBefore(callee, node)) return;
    if (made) calleeOwner = made;
    else calleeModule = pkg;
  } else if (fnNode.type === 'selector_expression') {
    callee = fnNode.childForFieldName('field')?.text;
    const operand = fnNode.childForFieldName('operand');
    if (!callee || !operand) return;
    if (q) {
      // Another package of the project (a module path: its first element has a dot); the standard library is not.
      const path = q.slice(0, q.lastIndexOf('.'));
      if (!/^[^/]+\.[^/]+\//.test(path)) return;
      if (made) calleeOwner = made;
      else calleeModule = operand.text;
    } else {
      const method = namedFunction(node);
      const rName = method?.type === 'method_declaration' ? receiverNameOf(method) : undefined;
      if (operand.type === 'identifier' && operand.text === rName) calleeOwner = receiverTypeOf(method!);
      else {
        const made = operand.type === 'identifier' ? undefined : constructedType(operand);
        const typed = operand.type === 'identifier' && method ? scopes.localTypeOf(operand.text, method, node) : undefined;
        if (made) calleeOwner = made;
        else if (typed) {
          calleeOwner = typed;
          typedReceiver = true;
        } else if (NOISE_METHODS.test(callee)) return;
        else calleeOwner = '?';
      }
    }
  } else return;
  const enclosing = file.enclosingOf(node);
  if (enclosing.isTest) return;
  const once = !!(onceGuard(node) ?? packageOnceGuard(node, functionNode(node), file.packageVars, (name, at) => file.scopes.boundBefore(name, at)));
  const key = `${callee}|${calleeOwner ?? ''}|${calleeModule ?? ''}|${enclosing.name}|${enclosing.ownerType ?? ''}|${once}`;
  if (seen.has(key)) return;
  seen.add(key);
  const fact: CallFact = {
    callee,
    ...(calleeOwner ? { calleeOwner } : {}),
    ...(calleeModule ? { calleeModule } : {}),
    ...(typedReceiver ? { typedReceiver: true as const } : {}),
    caller: enclosing.name,
    ...(enclosing.ownerType ? { callerOwner: enclosing.ownerType } : {}),
    ...(enclosing.module ? { callerModule: enclosing.module } : {}),
    callerIsEntryPoint: enclosing.isEntryPoint,
    ...(once ? { once: true as const } : {}),
  };
  file.facts.calls.push(fact);
}
