// Line splitting for frontends: the line count every file needs, without the
// array of lines only some files need (snippets, suppressions).

/** Line breaks as frontends split source text: `\r\n`, `\r` or `\n`. */
const LINE_BREAK = /\r\n|\r|\n/;

export function splitLines(source: string): string[] {
  return source.split(LINE_BREAK);
}

/** `splitLines(source).length`, counted without making the lines. */
export function lineCount(source: string): number {
  let count = 1;
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) count++;
  // A `\r` is a break of its own unless a `\n` (counted above) follows it.
  for (let i = source.indexOf('\r'); i !== -1; i = source.indexOf('\r', i + 1)) if (source.charCodeAt(i + 1) !== 10) count++;
  return count;
}
