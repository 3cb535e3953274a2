import { describe, expect, it } from 'vitest';
import { assignUnits, parseShard } from './shards.js';

describe('shards', () => {
  it('parses i/N and refuses what is not a shard', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '1/2/3', '-1/2']) expect(parseShard(bad)).toBeUndefined();
  });

  it('balances by size, largest first, the same whatever the input order', () => {
    const units = [
      { dir: 'a', bytes: 50 },
      { dir: 'b', bytes: 40 },
      { dir: 'c', bytes: 30 },
      { dir: 'd', bytes: 20 },
      { dir: '', bytes: 10 },
    ];
    const split = assignUnits(units, 2);
    expect(Object.fromEntries(split)).toEqual({ a: 1, b: 2, c: 2, d: 1, '': 1 });
    expect(assignUnits([...units].reverse(), 2)).toEqual(split);
    // More shards than units: the extra shards audit nothing.
    expect([...assignUnits(units.slice(0, 2), 4).values()]).toEqual([1, 2]);
  });
});
