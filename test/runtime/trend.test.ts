// The trend test on synthetic series: a leak must read "growing" with the
// right slope; noise, a step and a GC sawtooth must read "stable".
import { describe, expect, it } from 'vitest';
import { kendallS, mannKendall, theilSen } from '../../src/runtime/watch/trend.js';
import { judgeTrend, type TrendPoint } from '../../src/runtime/watch/verdict.js';

/** Deterministic pseudo-random numbers (LCG), so every run sees the same series. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function gaussian(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
}

/** One point per sample, one sample per second; x in minutes. */
function series(values: readonly number[]): TrendPoint[] {
  return values.map((value, i) => ({ x: i / 60, minutes: i / 60, value }));
}

const COUNT = { alpha: 0.05, minGrowth: 1 };
const MIB = 1024 * 1024;
const BYTES = { alpha: 0.05, minGrowth: 2 * MIB };

describe('Theil–Sen and Mann–Kendall', () => {
  it('recovers the slope of a line despite outliers', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i);
    const ys = xs.map((x) => 3 + 2 * x);
    ys[4] = 500;
    ys[15] = -200;
    const fit = theilSen(xs, ys);
    expect(fit.slope).toBe(2);
    expect(fit.intercept).toBe(3);
  });

  it('computes S and the tie-corrected variance by hand', () => {
    // pairs of [1,2,2,3]: five rising, one tie; one group of two tied values
    expect(kendallS([1, 2, 2, 3])).toEqual({ s: 5, variance: (4 * 3 * 13 - 2 * 1 * 9) / 18 });
  });

  it('gives a small p for a strictly rising series and p = 0.5-ish for a constant one', () => {
    expect(mannKendall([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).pIncreasing).toBeLessThan(0.001);
    expect(mannKendall([5, 5, 5, 5, 5, 5]).pIncreasing).toBeCloseTo(0.5, 5);
    expect(mannKendall([10, 9, 8, 7, 6, 5]).pIncreasing).toBeGreaterThan(0.99);
  });
});

describe('judgeTrend verdicts', () => {
  it('flat FD count with jitter is stable', () => {
    const rnd = random(1);
    const v = judgeTrend(series(Array.from({ length: 120 }, () => 20 + (rnd() < 0.3 ? 1 : 0))), COUNT);
    expect(v.verdict).toBe('stable');
  });

  it('flat RSS with noise is stable', () => {
    const rnd = random(2);
    const v = judgeTrend(series(Array.from({ length: 120 }, () => 80 * MIB + gaussian(rnd) * 2 * MIB)), BYTES);
    expect(v.verdict).toBe('stable');
  });

  it('slow linear growth (+1 FD every 10 s, with jitter) is growing at about 6 per minute', () => {
    const rnd = random(3);
    const v = judgeTrend(series(Array.from({ length: 180 }, (_, i) => 20 + Math.floor(i / 10) + (rnd() < 0.3 ? 1 : 0))), COUNT);
    expect(v.verdict).toBe('growing');
    expect(v.slopePerMinute).toBeGreaterThan(5);
    expect(v.slopePerMinute).toBeLessThan(7);
  });

  it('+1 FD per cycle over 9 cycles is growing at exactly +1 per cycle', () => {
    const points = Array.from({ length: 9 }, (_, i) => ({ x: i + 1, minutes: (i + 1) * 0.01, value: 30 + i }));
    const v = judgeTrend(points, COUNT);
    expect(v.verdict).toBe('growing');
    expect(v.slopePerX).toBe(1);
  });

  it('a single step (a pool filling up) is stable, and says so', () => {
    const rnd = random(4);
    const v = judgeTrend(series(Array.from({ length: 60 }, (_, i) => 20 + (i >= 25 ? 4 : 0) + (rnd() < 0.1 ? 1 : 0))), COUNT);
    expect(v.verdict).toBe('stable');
    expect(v.reason).toMatch(/level change/);
  });

  it('a GC sawtooth (six teeth of 10 MiB) is stable', () => {
    const rnd = random(5);
    const values = Array.from({ length: 120 }, (_, i) => 100 * MIB + (i % 20) * 0.5 * MIB + gaussian(rnd) * 0.1 * MIB);
    expect(judgeTrend(series(values), BYTES).verdict).toBe('stable');
  });

  it('a sawtooth whose floor rises is growing', () => {
    const values = Array.from({ length: 120 }, (_, i) => 100 * MIB + (i % 20) * 0.5 * MIB + i * 0.2 * MIB);
    expect(judgeTrend(series(values), BYTES).verdict).toBe('growing');
  });

  it('growth smaller than the minimum is stable', () => {
    const values = Array.from({ length: 60 }, (_, i) => 100 * MIB + i * 10 * 1024);
    const v = judgeTrend(series(values), BYTES);
    expect(v.verdict).toBe('stable');
    expect(v.reason).toMatch(/below the minimum/);
  });

  it('too few points is insufficient, not stable', () => {
    expect(judgeTrend(series([1, 2, 3]), COUNT).verdict).toBe('insufficient');
  });

  it('false "growing" verdicts on flat, step and sawtooth series stay under 5 %', () => {
    const rnd = random(6);
    const families: Array<[string, () => number[], typeof COUNT]> = [
      ['flat', () => Array.from({ length: 40 }, () => 20 + (rnd() < 0.4 ? 1 : 0)), COUNT],
      ['noise', () => Array.from({ length: 40 }, () => 80 * MIB + gaussian(rnd) * 3 * MIB), BYTES],
      [
        'step',
        () => {
          const at = 5 + Math.floor(rnd() * 30);
          return Array.from({ length: 40 }, (_, i) => 20 + (i >= at ? 5 : 0) + gaussian(rnd) * 0.5);
        },
        COUNT,
      ],
      [
        'sawtooth',
        () => {
          const phase = Math.floor(rnd() * 10);
          return Array.from({ length: 60 }, (_, i) => 100 * MIB + ((i + phase) % 10) * MIB + gaussian(rnd) * 0.2 * MIB);
        },
        BYTES,
      ],
    ];
    for (const [name, make, options] of families) {
      let growing = 0;
      for (let k = 0; k < 200; k++) if (judgeTrend(series(make()), options).verdict === 'growing') growing++;
      expect(growing / 200, name).toBeLessThanOrEqual(0.05);
    }
  });
});
