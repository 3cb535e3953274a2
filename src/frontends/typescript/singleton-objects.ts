// A module-level object literal used as the module's namespace of functions:
// `const UI = { start() { UI.addHandlers(); }, addHandlers() { .. } }`. There is
// one such object per process, so its `start()` is the module's start-up, as a
// top-level `start()` function is; and `UI.addHandlers()` is a call of that
// object's function, not of a method of some unknown type.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { unwrap } from './qualify.js';

/** The top-level variable (`const UI = {..}`) whose object literal holds `fn` as a method or property; undefined otherwise. */
export function singletonObjectOf(fn: SyntaxNode): string | undefined {
  const holder = fn.type === 'method_definition' ? fn.parent : fn.parent?.type === 'pair' ? fn.parent.parent : null;
  if (holder?.type !== 'object') return undefined;
  let up: SyntaxNode | null = holder.parent;
  // `const watchDog: WatchDog = { .. } as WatchDog`
  while (up && (up.type === 'as_expression' || up.type === 'satisfies_expression' || up.type === 'parenthesized_expression')) up = up.parent;
  if (up?.type !== 'variable_declarator') return undefined;
  const declaration = up.parent;
  let statement = declaration?.parent ?? null;
  if (statement?.type === 'export_statement') statement = statement.parent;
  if (statement?.type !== 'program') return undefined;
  const name = up.childForFieldName('name');
  return name?.type === 'identifier' ? name.text : undefined;
}

/** Names of the top-level variables whose value is an object literal (`const UI = { .. }`). */
export function singletonObjectNames(root: SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (let statement of kids(root)) {
    if (statement.type === 'export_statement') statement = kids(statement).find((k) => k.type === 'lexical_declaration' || k.type === 'variable_declaration') ?? statement;
    if (statement.type !== 'lexical_declaration' && statement.type !== 'variable_declaration') continue;
    for (const declarator of kids(statement)) {
      if (declarator.type !== 'variable_declarator') continue;
      const name = declarator.childForFieldName('name');
      const value = declarator.childForFieldName('value');
      if (name?.type === 'identifier' && value && unwrap(value).type === 'object') out.add(name.text);
    }
  }
  return out;
}
