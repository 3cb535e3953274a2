// Hover on a finding's range: what leaks, how fast it grows, what each leaked
// resource costs, and how to fix it (the parts a diagnostic line has no room for).
import type { Hover, Position, Range } from 'vscode-languageserver/node';
import type { PublishedFinding } from './diagnostics.js';

export function contains(range: Range, position: Position): boolean {
  const after = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const before = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return after && before;
}

export function findingHover(published: readonly PublishedFinding[], position: Position): Hover | null {
  const here = published.filter((p) => contains(p.diagnostic.range, position));
  if (here.length === 0) return null;
  const sections = here.map(({ finding: f }) =>
    [
      `**leakaudit: ${f.ruleId}** (${f.priority}, ${f.confidence} confidence)`,
      '',
      escape(f.message),
      '',
      `**Growth:** ${escape(f.growth)}`,
      '',
      `**Impact:** ${escape(f.impact)}`,
      '',
      `**Fix:** ${escape(f.remediation)}`,
    ].join('\n'),
  );
  return { contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') }, range: here[0]!.diagnostic.range };
}

/** Finding texts quote code in backticks; only markup that would change their meaning is escaped. */
function escape(text: string): string {
  return text.replace(/([<>*_\\[\]])(?=[^`]*(?:`[^`]*`[^`]*)*$)/g, '\\$1');
}
