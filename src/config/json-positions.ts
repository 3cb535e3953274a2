// JSON text with positions: parse strictly (no comments, no trailing commas)
// and map a value path (`["rules", "x"]`) back to the line and column where it
// is written, so config errors point at the exact place.
import { findNodeAtLocation, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';

export type JsonPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

export interface PositionedJson {
  value: unknown;
  /** Where the value at `path` is written; with `key`, where that property's name is. Falls back to the nearest enclosing value. */
  positionOf(path: JsonPath, key?: string): Position;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(message);
  }
}

export function parsePositioned(text: string): PositionedJson {
  const body = text.replace(/^\uFEFF/, '');
  const offset = text.length - body.length;
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const lineStarts = computeLineStarts(text);
  const at = (o: number): Position => positionAt(lineStarts, o + offset);
  if (errors.length > 0 || !root) {
    const first = errors[0];
    throw new JsonSyntaxError(first ? describe(first.error) : 'empty file', at(first?.offset ?? 0));
  }
  return {
    value: JSON.parse(body) as unknown,
    positionOf(path, key) {
      for (let n = path.length; n >= 0; n--) {
        const node = findNodeAtLocation(root, [...path.slice(0, n)]);
        if (!node) continue;
        if (n === path.length && key !== undefined && node.type === 'object') {
          const prop = node.children?.find((p) => p.children?.[0]?.value === key);
          if (prop) return at(prop.offset);
        }
        // A property's value: point at its name, where a reader looks first.
        const target = node.parent?.type === 'property' ? node.parent : node;
        return at(target.offset);
      }
      return at(0);
    },
  };
}

function describe(code: number): string {
  const name = printParseErrorCode(code);
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'expected a property name in double quotes',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected ":"',
    CommaExpected: 'expected ","',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: 'unexpected text after the end of the JSON value',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in a string',
  };
  return `invalid JSON: ${words[name] ?? name}`;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

function positionAt(lineStarts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}
