// From recorded samples to one verdict per metric: which points count (after
// warm-up; one per cycle in cycle mode), slopes per cycle and per minute.
import { formatDelta, metricInfo, orderMetrics, type MetricUnit } from './metrics.js';
import { judgeTrend, type TrendPoint, type TrendVerdict } from './verdict.js';

export interface Sample {
  /** Milliseconds since the watch started. */
  t: number;
  /** Set on the sample taken right after cycle N (0 = the baseline before the first cycle). */
  cycle?: number;
  values: Record<string, number>;
  /** Whether the Node probe answered for the whole tree (node:* values are complete). */
  probed: boolean;
  /** Processes in the tree. */
  processes: number;
}

export interface AnalysisPlan {
  mode: 'cycles' | 'time';
  /** Cycles mode: cycles before this one are warm-up. */
  warmupCycles: number;
  /** Time mode: samples before this many ms are warm-up. */
  warmupMs: number;
  alpha: number;
  minGrowth: Record<MetricUnit, number>;
}

export interface MetricAnalysis {
  name: string;
  unit: MetricUnit;
  description: string;
  first: number;
  last: number;
  min: number;
  max: number;
  /** Points (samples or cycles) the verdict is based on. */
  points: number;
  trend: TrendVerdict;
  /** Theil–Sen slope per cycle (cycles mode only). */
  perCycle?: number;
  perMinute: number;
}

export function valueOf(sample: Sample, metric: string): number | undefined {
  const v = sample.values[metric];
  if (v !== undefined) return v;
  // A node:* type absent from a complete probe answer means zero of it.
  return metric.startsWith('node:') && sample.probed ? 0 : undefined;
}

export function metricNames(samples: readonly Sample[]): string[] {
  return orderMetrics(samples.flatMap((s) => Object.keys(s.values)));
}

/**
 * The samples from the target's start on. With the Node probe, that is the
 * first sample it answered: before it the runtime was still loading (fds
 * 4 → 20 and threads 1 → 11 are start-up, not growth). Without it, all of them.
 */
export function startedSamples(samples: readonly Sample[]): readonly Sample[] {
  const first = samples.findIndex((s) => s.probed);
  return first > 0 ? samples.slice(first) : samples;
}

export function analysePoints(samples: readonly Sample[], plan: AnalysisPlan): Sample[] {
  if (plan.mode === 'cycles') return samples.filter((s) => s.cycle !== undefined && s.cycle >= plan.warmupCycles);
  return samples.filter((s) => s.t >= plan.warmupMs);
}

export function analyse(recorded: readonly Sample[], plan: AnalysisPlan): MetricAnalysis[] {
  const samples = startedSamples(recorded);
  const analysed = analysePoints(samples, plan);
  return metricNames(samples).map((name) => {
    const info = metricInfo(name);
    const all = samples.map((s) => valueOf(s, name)).filter((v): v is number => v !== undefined);
    const points: TrendPoint[] = [];
    for (const s of analysed) {
      const value = valueOf(s, name);
      if (value === undefined) continue;
      points.push({ x: plan.mode === 'cycles' ? s.cycle! : s.t / 60_000, minutes: s.t / 60_000, value });
    }
    const trend = judgeTrend(points, { alpha: plan.alpha, minGrowth: plan.minGrowth[info.unit], format: (v) => formatDelta(info.unit, v).replace(/^[+±]/, '') });
    return {
      name,
      unit: info.unit,
      description: info.description,
      first: all[0] ?? 0,
      last: all[all.length - 1] ?? 0,
      min: all.reduce((a, b) => Math.min(a, b), all[0] ?? 0),
      max: all.reduce((a, b) => Math.max(a, b), all[0] ?? 0),
      points: points.length,
      trend,
      ...(plan.mode === 'cycles' ? { perCycle: trend.slopePerX } : {}),
      perMinute: trend.slopePerMinute,
    };
  });
}
