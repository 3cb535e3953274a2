/**
 * Names taken from source text (a type, a binding, a field) go into regular
 * expressions; a name may hold characters a pattern reads as syntax
 * (`impl From<X> for (A, B)` names the type `B)`), so every such name is
 * escaped first.
 */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `\bname\b`: `name` as a whole word, with its characters taken literally. */
export function wordRegExp(name: string, flags?: string): RegExp {
  return new RegExp(`\\b${escapeRegExp(name)}\\b`, flags);
}
