// CI gates: absolute ceilings (--max-fds, --max-threads, --max-rss) on the
// largest value seen, and --fail-on-growth on the verdicts.
import type { MetricAnalysis } from './analyse.js';
import { formatValue } from './metrics.js';

export interface Thresholds {
  maxFds?: number;
  maxThreads?: number;
  maxRss?: number;
  /** true: any growing metric fails; a list: only these metrics (or their fds.* classes when "fds" is listed). */
  failOnGrowth?: boolean | string[];
}

export interface ThresholdCheck {
  name: string;
  ok: boolean;
  message: string;
}

export function checkThresholds(analysis: readonly MetricAnalysis[], thresholds: Thresholds): ThresholdCheck[] {
  const checks: ThresholdCheck[] = [];
  const ceiling = (metric: string, flag: string, limit: number | undefined): void => {
    if (limit === undefined) return;
    const a = analysis.find((m) => m.name === metric);
    const max = a?.max ?? 0;
    const unit = a?.unit ?? (metric === 'rss' ? 'bytes' : 'count');
    const ok = max <= limit;
    checks.push({ name: flag, ok, message: `${metric} peaked at ${formatValue(unit, max)} ${ok ? '≤' : '>'} ${flag} ${formatValue(unit, limit)}` });
  };
  ceiling('fds', '--max-fds', thresholds.maxFds);
  ceiling('threads', '--max-threads', thresholds.maxThreads);
  ceiling('rss', '--max-rss', thresholds.maxRss);
  if (thresholds.failOnGrowth) {
    const wanted = Array.isArray(thresholds.failOnGrowth) ? thresholds.failOnGrowth : undefined;
    const covered = (name: string): boolean => !wanted || wanted.some((w) => name === w || name.startsWith(`${w}.`) || (w === 'node' && name.startsWith('node:')));
    const growing = analysis.filter((m) => m.trend.verdict === 'growing' && covered(m.name));
    checks.push({
      name: '--fail-on-growth',
      ok: growing.length === 0,
      message: growing.length === 0 ? `no ${wanted ? wanted.join('/') + ' ' : ''}metric grows` : `growing: ${growing.map((m) => m.name).join(', ')}`,
    });
  }
  return checks;
}
