import { describe, expect, it } from 'vitest';
import { lineCount, splitLines } from './lines.js';

describe('lineCount', () => {
  it('counts the lines splitLines makes, for every kind of line break', () => {
    const pieces = ['a', '\r', '\n', '\r\n', ''];
    const sources = [''];
    for (const a of pieces) for (const b of pieces) for (const c of pieces) for (const d of pieces) sources.push(a + b + c + d);
    for (const source of sources) expect(lineCount(source), JSON.stringify(source)).toBe(splitLines(source).length);
  });
});
