// Functions stored in a dispatch table, for "how often does this code run": a
// command registry (`[]CommandInfo{{Name: "serve", Handler: runServe}}`) or a
// map of handlers (`var commands = map[string]func([]string) error{..}`). The
// table's functions run when the field or variable is called (`cmd.Handler(args)`,
// `commands[name](args)`), so they run as often as those calls: once, when only
// `main` reaches them (a subcommand), per request when a handler does.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import type { GoFile } from './file-context.js';

/** Identifiers that are values, not functions. */
const NOT_A_FUNCTION = /^(nil|true|false|iota|_)$/;

/**
 * `CommandInfo{Handler: runServe}`, `[]CommandInfo{{Handler: runServe}}`, `map[string]*Cmd{"a": {Run: runA}}`
 * (a struct type of this package: the dispatch may be in any file), and a package-level
 * `var commands = map[string]Handler{"serve": runServe}`: where each named function is stored.
 */
export function recordStoredFunctions(file: GoFile, literal: SyntaxNode, seen: Set<string>): void {
  if (file.isTestFile) return;
  const typeNode = literal.childForFieldName('type');
  const body = literal.childForFieldName('body');
  if (!typeNode || !body) return;
  const own = structName(typeNode);
  if (own) fieldsOf(file, own, body, seen);
  if (typeNode.type !== 'slice_type' && typeNode.type !== 'array_type' && typeNode.type !== 'map_type') return;
  const element = structName(typeNode.childForFieldName(typeNode.type === 'map_type' ? 'value' : 'element'));
  const table = element ? undefined : packageVariableOf(file, literal);
  for (const el of kids(body)) {
    // `[]T{{..}}` elements are literal_elements; `map[K]T{"k": {..}}` elements are keyed_elements.
    const value = el.type === 'literal_element' ? kids(el)[0] : el.type === 'keyed_element' ? kids(el.childForFieldName('value') ?? el)[0] : undefined;
    if (element && value?.type === 'literal_value') fieldsOf(file, element, value, seen);
    else if (table && value?.type === 'identifier') store(file, value, { caller: table, callerModule: file.pkg }, seen);
  }
}

/** `CommandInfo`, `*CommandInfo`: a struct type of this package (another package's types have their own dispatch, unseen here). */
function structName(type: SyntaxNode | null): string | undefined {
  const t = type?.type === 'pointer_type' ? kids(type)[0] : type;
  return t?.type === 'type_identifier' && /^[A-Za-z_]\w*$/.test(t.text) ? t.text : undefined;
}

function fieldsOf(file: GoFile, owner: string, body: SyntaxNode, seen: Set<string>): void {
  for (const el of kids(body)) {
    if (el.type !== 'keyed_element') continue;
    const key = kids(el.childForFieldName('key') ?? el)[0];
    const value = kids(el.childForFieldName('value') ?? el)[0];
    if (key?.type !== 'identifier' && key?.type !== 'field_identifier') continue;
    if (value?.type === 'identifier') store(file, value, { caller: key.text, callerOwner: owner }, seen);
  }
}

/** `var commands = map[string]..{..}` at package level: the variable the table is. */
function packageVariableOf(file: GoFile, literal: SyntaxNode): string | undefined {
  const list = literal.parent;
  const spec = list?.type === 'expression_list' ? list.parent : undefined;
  if (spec?.type !== 'var_spec' || spec.parent?.type !== 'var_declaration' || spec.parent.parent?.type !== 'source_file') return undefined;
  const names = kids(spec).filter((k) => k.type === 'identifier');
  return names.length === 1 && kids(list!).length === 1 ? names[0]!.text : undefined;
}

function store(file: GoFile, value: SyntaxNode, where: { caller: string; callerOwner?: string; callerModule?: string }, seen: Set<string>): void {
  const callee = value.text;
  if (NOT_A_FUNCTION.test(callee) || file.packageVars.has(callee) || file.scopes.boundBefore(callee, value)) return;
  const key = `${callee}|${where.caller}|${where.callerOwner ?? ''}`;
  if (seen.has(key)) return;
  seen.add(key);
  file.facts.calls.push({ callee, calleeModule: file.pkg, ...where, callerIsEntryPoint: false, reference: true, stored: true });
}
