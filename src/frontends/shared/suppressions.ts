// Inline suppressions: `leakaudit-ignore[rule-id, other-id]: reason` in any
// comment style. A trailing comment applies to its own line; a comment alone on
// its line applies to the next line that has code.
import type { Suppression } from '../../facts/types.js';

const MARKER = /leakaudit-ignore(?:\[([^\]]*)\])?(?::\s*(.*))?/;

export interface CommentSpan {
  line: number;
  text: string;
  /** Code precedes the comment on its line. */
  trailing: boolean;
}

export function parseSuppressions(comments: CommentSpan[], lines: string[]): Suppression[] {
  const out: Suppression[] = [];
  for (const comment of comments) {
    const m = MARKER.exec(comment.text);
    if (!m) continue;
    const ruleIds = (m[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const reason = (m[2] ?? '').replace(/\*\/\s*$/, '').trim();
    let target = comment.line;
    if (!comment.trailing) {
      target = comment.line + 1;
      while (target <= lines.length && isBlankOrComment(lines[target - 1]!)) target++;
    }
    out.push({ line: target, commentLine: comment.line, ruleIds, reason });
  }
  return out;
}

function isBlankOrComment(text: string): boolean {
  const t = text.trim();
  return t === '' || t.startsWith('//') || t.startsWith('#') || t.startsWith('/*') || t.startsWith('*');
}
