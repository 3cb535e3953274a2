import { describe, expect, it } from 'vitest';
import { forHtml, forMarkdown, forTerminal } from './sanitize.js';

describe('sanitize', () => {
  it('makes terminal escapes and bidi overrides visible', () => {
    expect(forTerminal('a\u001b[31mred\u202e')).toBe('a\\u001b[31mred\\u202e');
    expect(forTerminal('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });

  it('escapes HTML outside code spans and keeps code spans literal', () => {
    expect(forMarkdown('x < y and `Option<T>`')).toBe('x &lt; y and `Option<T>`');
    expect(forMarkdown('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('cannot be broken out of by unbalanced backticks', () => {
    const out = forMarkdown('`a`` <script>alert(1)</script>');
    expect(out).not.toContain('<script>');
    expect(forMarkdown('``<b>`')).not.toMatch(/(^|[^`])<b>/);
  });

  it('escapes everything for HTML', () => {
    expect(forHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });
});
