// The quick fix on a finding: a `leakaudit-ignore[rule-id]: ` comment on its
// own line above the finding, indented like it, with the reason left for the
// user to write. Until a reason is written the suppression is not applied, and
// the next save shows why on the comment's line (the judge's own check).
import { extname } from 'node:path';
import type { CodeAction, Range } from 'vscode-languageserver/node';
import type { PublishedFinding } from './diagnostics.js';
import { contains } from './hover.js';

/** Line comment markers of languages whose comments do not start with `//`. */
const LINE_COMMENT: Record<string, string> = { '.py': '#', '.pyi': '#', '.rb': '#', '.sh': '#' };

export function suppressionComment(ruleId: string, path: string, indent: string): string {
  return `${indent}${LINE_COMMENT[extname(path)] ?? '//'} leakaudit-ignore[${ruleId}]: \n`;
}

function overlaps(a: Range, b: Range): boolean {
  return contains(a, b.start) || contains(a, b.end) || contains(b, a.start);
}

export function suppressActions(uri: string, published: readonly PublishedFinding[], range: Range, lineText: (line: number) => string | undefined): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const { finding, diagnostic } of published) {
    if (!overlaps(diagnostic.range, range)) continue;
    const line = diagnostic.range.start.line;
    const key = `${finding.ruleId}\0${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const indent = /^\s*/.exec(lineText(line) ?? '')![0];
    actions.push({
      title: `Suppress ${finding.ruleId} on this line (leakaudit-ignore, write the reason)`,
      kind: 'quickfix',
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: suppressionComment(finding.ruleId, finding.location.path, indent) }] } },
    });
  }
  return actions;
}
