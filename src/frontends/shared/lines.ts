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
  return source.indexOf('\r') === -1 ? count : count + loneCarriageReturns(source);
}

/**
 * The `\r`s not followed by a `\n` (counted already): each is a break of its
 * own. Apart from `lineCount` because few files have one: code the optimiser
 * has never seen run inside a hot loop sends it back to the interpreter.
 */
function loneCarriageReturns(source: string): number {
  let count = 0;
  for (let i = source.indexOf('\r'); i !== -1; i = source.indexOf('\r', i + 1)) if (source.charCodeAt(i + 1) !== 10) count++;
  return count;
}
