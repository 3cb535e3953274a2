// The recorded time series and verdicts as JSON (versioned) and CSV (one row
// per sample, one column per metric).
import type { WatchResult } from './run-watch.js';
import type { ThresholdCheck } from './thresholds.js';
import { metricNames, valueOf } from './analyse.js';

export const WATCH_JSON_VERSION = 1;

export function toWatchJson(result: WatchResult, checks: readonly ThresholdCheck[]): object {
  return {
    version: WATCH_JSON_VERSION,
    kind: 'leakaudit-watch',
    target: result.target,
    startedAt: result.startedAt,
    durationMs: Math.round(result.durationMs),
    mode: result.mode,
    intervalMs: result.intervalMs,
    cycles: { done: result.cyclesDone, planned: result.cyclesPlanned ?? null, warmup: result.plan.warmupCycles },
    warmupMs: result.plan.warmupMs,
    alpha: result.plan.alpha,
    end: {
      reason: result.end.reason,
      early: result.end.early,
      message: result.end.message,
      exit: result.end.exit ?? null,
      stop: result.end.stop ? { ...result.end.stop, tookMs: Math.round(result.end.stop.tookMs) } : null,
      ...(result.end.cycleFailure ? { cycleFailure: { cycle: result.end.cycleFailure.cycle, exit: result.end.cycleFailure.outcome.exit ?? null, timedOut: result.end.cycleFailure.outcome.timedOut, output: result.end.cycleFailure.outcome.output } } : {}),
    },
    metrics: result.analysis.map((m) => ({
      name: m.name,
      unit: m.unit,
      description: m.description,
      first: m.first,
      last: m.last,
      min: m.min,
      max: m.max,
      verdict: m.trend.verdict,
      reason: m.trend.reason,
      points: m.points,
      perCycle: m.perCycle ?? null,
      perMinute: m.perMinute,
      p: m.trend.p,
      growth: m.trend.growth,
      oscillation: m.trend.oscillation,
    })),
    thresholds: checks,
    notes: result.notes,
    samples: result.samples.map((s) => ({ t: s.t, cycle: s.cycle ?? null, processes: s.processes, probed: s.probed, values: s.values })),
  };
}

export function toWatchCsv(result: WatchResult): string {
  const names = metricNames(result.samples);
  const rows = [['t_ms', 'cycle', 'processes', ...names].join(',')];
  for (const s of result.samples) {
    rows.push([s.t, s.cycle ?? '', s.processes, ...names.map((n) => valueOf(s, n) ?? '')].join(','));
  }
  return `${rows.join('\n')}\n`;
}
