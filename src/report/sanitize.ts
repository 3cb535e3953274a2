// Text taken from audited code must never drive the terminal or break a
// document: strip control characters (ANSI escapes included) for terminals,
// escape for Markdown and HTML.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** For terminal output: control characters and bidi overrides become visible escapes. */
export function forTerminal(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * For Markdown inline text: outside code spans, neutralise HTML and table
 * pipes; inside code spans (which CommonMark never reads as HTML) keep the
 * text as is. Spans are paired the way CommonMark pairs them: a run of
 * backticks closes only at the next run of the same length.
 */
export function forMarkdown(text: string): string {
  const parts = forTerminal(text).replace(/\r?\n/g, ' ').split(/(`+)/);
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      const close = parts.findIndex((p, j) => j > i && j % 2 === 1 && p === part);
      if (close > 0) {
        out += part + parts.slice(i + 1, close).join('').replace(/\|/g, '\\|') + part;
        i = close;
        continue;
      }
      out += part.replace(/`/g, '\\`');
      continue;
    }
    out += part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
  }
  return out;
}

/** For a Markdown code span: no backticks or newlines can escape it. */
export function codeSpan(text: string): string {
  const clean = forTerminal(text).replace(/\r?\n/g, ' ');
  const fence = clean.includes('`') ? '`` ' : '`';
  return `${fence}${clean}${fence === '`` ' ? ' ``' : '`'}`;
}

export function forHtml(text: string): string {
  return forTerminal(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
