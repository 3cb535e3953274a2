// Text taken from audited code must never drive the terminal or break a
// document: strip control characters (ANSI escapes included) for terminals,
// escape for Markdown and HTML.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** For terminal output: control characters and bidi overrides become visible escapes. */
export function forTerminal(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** For Markdown inline text: neutralise HTML and control characters (backticks stay: code spans are ours). */
export function forMarkdown(text: string): string {
  return forTerminal(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
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
