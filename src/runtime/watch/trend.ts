// Robust trend statistics for resource series: Theil–Sen slope and the
// Mann–Kendall trend test with tie correction. Written here because both are a
// few lines and the npm packages that offer them are unmaintained or pull in a
// whole statistics library.

export interface TheilSen {
  /** Median of the pairwise slopes (value units per x unit). */
  slope: number;
  /** Median of `y - slope * x`. */
  intercept: number;
}

/** Theil–Sen estimator: the median of all pairwise slopes; insensitive to up to ~29 % outliers. */
export function theilSen(xs: readonly number[], ys: readonly number[]): TheilSen {
  if (xs.length !== ys.length) throw new RangeError('theilSen: xs and ys differ in length');
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  }
  if (slopes.length === 0) return { slope: 0, intercept: median(ys) };
  const slope = median(slopes);
  return { slope, intercept: median(ys.map((y, i) => y - slope * xs[i]!)) };
}

export interface MannKendall {
  /** Sum of sign(y_j - y_i) over all pairs i < j. */
  s: number;
  /** Variance of S under "no trend", corrected for tied values. */
  variance: number;
  /** Continuity-corrected standard score. */
  z: number;
  /** One-sided p-value for an increasing trend. */
  pIncreasing: number;
}

/** Mann–Kendall test on a series in time order. Ties (flat FD counts) shrink the variance, as they must. */
export function mannKendall(ys: readonly number[]): MannKendall {
  const { s, variance } = kendallS(ys);
  const z = zScore(s, variance);
  return { s, variance, z, pIncreasing: 1 - normalCdf(z) };
}

/** S and its tie-corrected variance, the building blocks of Mann–Kendall (also summed across blocks). */
export function kendallS(ys: readonly number[]): { s: number; variance: number } {
  const n = ys.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(ys[j]! - ys[i]!);
  }
  const counts = new Map<number, number>();
  for (const y of ys) counts.set(y, (counts.get(y) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of counts.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  return { s, variance: (n * (n - 1) * (2 * n + 5) - tieTerm) / 18 };
}

/** Standard score with the usual continuity correction; 0 when there is no variance. */
export function zScore(s: number, variance: number): number {
  if (variance <= 0 || s === 0) return 0;
  return (s > 0 ? s - 1 : s + 1) / Math.sqrt(variance);
}

/** Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const r =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Linear-interpolated quantile, q in [0, 1]. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
