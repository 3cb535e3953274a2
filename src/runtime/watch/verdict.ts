// Per-metric verdict: "growing" only when a series rises steadily, not when it
// steps once to a new level (a pool filling up), oscillates (a GC sawtooth) or
// jitters. Four checks, all required:
//  1. Mann–Kendall (tie-corrected) finds an increasing trend at level alpha;
//  2. the trend survives the best single level shift: a Kendall test within
//     the two segments on either side of it is still significant;
//  3. the Theil–Sen growth over the window reaches the metric's minimum (one
//     whole FD or thread; a configurable amount of memory);
//  4. that growth exceeds the series' own oscillation around the trend line.
import { kendallS, mannKendall, normalCdf, quantile, theilSen, zScore } from './trend.js';

export type Verdict = 'stable' | 'growing' | 'insufficient';

export interface TrendPoint {
  /** The regression axis: cycle number in cycle mode, minutes otherwise. */
  x: number;
  /** Minutes since the watch started. */
  minutes: number;
  value: number;
}

export interface TrendOptions {
  alpha: number;
  /** Smallest net growth over the window that counts as a leak (1 for counts). */
  minGrowth: number;
  /** Fewer points than this yields "insufficient". */
  minPoints?: number;
  /** Renders an amount of the metric in reasons (bytes as MiB, counts as numbers). */
  format?: (value: number) => string;
}

export interface TrendVerdict {
  verdict: Verdict;
  /** Points analysed (after warm-up and downsampling). */
  n: number;
  /** Theil–Sen slope per x unit (per cycle in cycle mode, per minute otherwise). */
  slopePerX: number;
  /** Theil–Sen slope per minute of wall time. */
  slopePerMinute: number;
  /** Mann–Kendall one-sided p-value for an increasing trend. */
  p: number;
  /** Theil–Sen net change over the analysed window. */
  growth: number;
  /** Interquartile range of the residuals around the Theil–Sen line. */
  oscillation: number;
  reason: string;
}

export const MIN_POINTS = 6;
/** Theil–Sen and Mann–Kendall are O(n²): longer series are reduced to bucket medians. */
export const MAX_POINTS = 300;

export function judgeTrend(input: readonly TrendPoint[], options: TrendOptions): TrendVerdict {
  const points = downsample(input, MAX_POINTS);
  const n = points.length;
  const minPoints = options.minPoints ?? MIN_POINTS;
  const ys = points.map((p) => p.value);
  const fmt = options.format ?? round;
  const base = { n, slopePerX: 0, slopePerMinute: 0, p: 1, growth: 0, oscillation: 0 };
  if (n < minPoints) return { ...base, verdict: 'insufficient', reason: `only ${n} sample${n === 1 ? '' : 's'} after warm-up; need ${minPoints}` };
  if (ys.every((y) => y === ys[0])) return { ...base, verdict: 'stable', reason: 'constant' };

  const xs = points.map((p) => p.x);
  const fit = theilSen(xs, ys);
  const perMinute = theilSen(
    points.map((p) => p.minutes),
    ys,
  ).slope;
  const mk = mannKendall(ys);
  const span = xs[n - 1]! - xs[0]!;
  const growth = fit.slope * span;
  const residuals = ys.map((y, i) => y - (fit.intercept + fit.slope * xs[i]!));
  const oscillation = quantile(residuals, 0.75) - quantile(residuals, 0.25);
  const stats = { n, slopePerX: fit.slope, slopePerMinute: perMinute, p: mk.pIncreasing, growth, oscillation };

  if (mk.pIncreasing >= options.alpha || fit.slope <= 0) {
    return { ...stats, verdict: 'stable', reason: `no rising trend (p=${formatP(mk.pIncreasing)})` };
  }
  const shift = bestLevelShift(ys, xs);
  if (shift && shift.pWithinSegments >= options.alpha) {
    const delta = shift.after - shift.before;
    return { ...stats, verdict: 'stable', reason: `one level change of ${delta >= 0 ? '+' : ''}${fmt(delta)} after point ${shift.at}, flat on either side` };
  }
  // Judge the size of the trend by what rises within the segments, so a noisy step cannot pass for growth.
  const sustained = shift ? Math.min(growth, shift.growthWithinSegments) : growth;
  if (sustained < options.minGrowth) {
    return { ...stats, verdict: 'stable', reason: `net change ${fmt(sustained)} is below the minimum of ${fmt(options.minGrowth)}` };
  }
  if (sustained <= oscillation) {
    return { ...stats, verdict: 'stable', reason: `net change ${fmt(growth)} is within its own oscillation (${fmt(oscillation)})` };
  }
  return { ...stats, verdict: 'growing', reason: `rising steadily (p=${formatP(mk.pIncreasing)})` };
}

interface LevelShift {
  /** Index of the first point after the shift. */
  at: number;
  before: number;
  after: number;
  /** Kendall test computed within each segment and summed: is there a trend beyond the shift? */
  pWithinSegments: number;
  /** Rise within the two segments (Theil–Sen per segment), i.e. the growth not explained by the shift itself. */
  growthWithinSegments: number;
}

/** The split that best explains the series as two flat levels (least squares), and what trend remains within them. */
export function bestLevelShift(ys: readonly number[], xs: readonly number[] = ys.map((_, i) => i)): LevelShift | undefined {
  const n = ys.length;
  if (n < 4) return undefined;
  const prefix = [0];
  const prefixSq = [0];
  for (const y of ys) {
    prefix.push(prefix[prefix.length - 1]! + y);
    prefixSq.push(prefixSq[prefixSq.length - 1]! + y * y);
  }
  const sse = (from: number, to: number): number => {
    const count = to - from;
    const sum = prefix[to]! - prefix[from]!;
    return prefixSq[to]! - prefixSq[from]! - (sum * sum) / count;
  };
  let best = -1;
  let bestSse = Number.POSITIVE_INFINITY;
  for (let k = 2; k <= n - 2; k++) {
    const total = sse(0, k) + sse(k, n);
    if (total < bestSse - 1e-9) {
      bestSse = total;
      best = k;
    }
  }
  if (best < 0) return undefined;
  const left = kendallS(ys.slice(0, best));
  const right = kendallS(ys.slice(best));
  const z = zScore(left.s + right.s, left.variance + right.variance);
  return {
    at: best,
    before: (prefix[best]! - prefix[0]!) / best,
    after: (prefix[n]! - prefix[best]!) / (n - best),
    pWithinSegments: 1 - normalCdf(z),
    growthWithinSegments: segmentGrowth(xs, ys, 0, best) + segmentGrowth(xs, ys, best, n),
  };
}

function segmentGrowth(xs: readonly number[], ys: readonly number[], from: number, to: number): number {
  const segX = xs.slice(from, to);
  return theilSen(segX, ys.slice(from, to)).slope * (segX[segX.length - 1]! - segX[0]!);
}

/** Reduce a long series to at most `max` points, each the median of a bucket of consecutive points. */
export function downsample(points: readonly TrendPoint[], max: number): TrendPoint[] {
  if (points.length <= max) return [...points];
  const out: TrendPoint[] = [];
  for (let b = 0; b < max; b++) {
    const from = Math.floor((b * points.length) / max);
    const to = Math.floor(((b + 1) * points.length) / max);
    const bucket = points.slice(from, to);
    out.push({
      x: medianOf(bucket.map((p) => p.x)),
      minutes: medianOf(bucket.map((p) => p.minutes)),
      value: medianOf(bucket.map((p) => p.value)),
    });
  }
  return out;
}

function medianOf(values: number[]): number {
  return quantile(values, 0.5);
}

export function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2).replace(/\.?0+$/, '') : v.toPrecision(2);
}

export function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}
