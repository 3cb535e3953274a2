// The final report of a watch: what was watched, how it ended, one row per
// metric with its verdict, and a one-line conclusion.
import pc from 'picocolors';
import type { MetricAnalysis } from './analyse.js';
import { formatDuration } from './duration.js';
import { formatDelta, formatValue } from './metrics.js';
import type { WatchResult } from './run-watch.js';
import { sparkline, squeeze } from './sparkline.js';
import type { ThresholdCheck } from './thresholds.js';
import { formatP } from './verdict.js';
import { startedSamples, valueOf } from './analyse.js';

export interface SummaryOptions {
  color: boolean;
}

/** Metrics worth a row: anything ever non-zero, plus the headline ones. */
export function shownMetrics(analysis: readonly MetricAnalysis[]): MetricAnalysis[] {
  const always = new Set(['fds', 'threads', 'rss', 'children']);
  return analysis.filter((m) => always.has(m.name) || m.max !== 0 || m.min !== 0);
}

export function conclusion(result: WatchResult): { word: 'LEAKING' | 'STABLE' | 'INCONCLUSIVE'; text: string } {
  const growing = result.analysis.filter((m) => m.trend.verdict === 'growing');
  // fds is the sum of its classes: name the classes, not the total, when they explain it.
  const named = growing.filter((m) => !(m.name === 'fds' && growing.some((g) => g.name.startsWith('fds.'))));
  if (growing.length > 0) return { word: 'LEAKING', text: named.map((m) => `${m.name} ${rate(result, m)}`).join(', ') };
  const insufficient = result.analysis.filter((m) => m.trend.verdict === 'insufficient' && (m.max !== 0 || m.min !== 0));
  if (insufficient.length > 0 && insufficient.length === shownMetrics(result.analysis).length) {
    return { word: 'INCONCLUSIVE', text: insufficient[0]!.trend.reason };
  }
  const span = result.mode === 'cycles' ? `${result.cyclesDone} cycles` : formatDuration(result.durationMs);
  return { word: 'STABLE', text: `no metric grows over ${span}` };
}

function rate(result: WatchResult, m: MetricAnalysis): string {
  if (result.mode === 'cycles' && m.perCycle !== undefined) return `${formatDelta(m.unit, m.perCycle)} per cycle (${formatDelta(m.unit, m.perMinute)}/min)`;
  return `${formatDelta(m.unit, m.perMinute)} per minute`;
}

export function renderSummary(result: WatchResult, checks: readonly ThresholdCheck[], options: SummaryOptions): string {
  const c = options.color ? pc : pc.createColors(false);
  const out: string[] = [];
  const t = result.target;
  const what = t.command ? t.command.join(' ') : t.name;
  const plan =
    result.mode === 'cycles'
      ? `${result.cyclesDone}/${result.cyclesPlanned} cycles, ${result.plan.warmupCycles} warm-up`
      : `every ${formatDuration(result.intervalMs)}, warm-up ${formatDuration(result.plan.warmupMs)}`;
  out.push(c.bold(`leakaudit watch · pid ${t.pid} ${what} · ${plan}`));
  out.push(result.end.message);
  if (result.end.early && result.targetOutput.length > 0) {
    out.push('last output of the target:');
    for (const line of result.targetOutput.slice(-5)) out.push(`  | ${line}`);
  }
  const failure = result.end.cycleFailure?.outcome.output.filter((l) => l.trim()).slice(-5) ?? [];
  if (failure.length > 0) {
    out.push(`output of cycle ${result.end.cycleFailure!.cycle}:`);
    for (const line of failure) out.push(`  | ${line}`);
  }
  out.push('');

  const header = ['metric', 'first', 'last', 'min', 'max', result.mode === 'cycles' ? 'per cycle' : '', 'per min', 'p', 'whole run', 'verdict'];
  const rows: string[][] = [];
  const verdictCell: string[] = [];
  for (const m of shownMetrics(result.analysis)) {
    const f = (v: number): string => formatValue(m.unit, v);
    const series = startedSamples(result.samples).map((s) => valueOf(s, m.name)).filter((v): v is number => v !== undefined);
    const hasTrend = m.trend.verdict !== 'insufficient' && m.trend.reason !== 'constant';
    rows.push([
      m.name.startsWith('fds.') ? `  ${m.name.slice(4)}` : m.name,
      f(m.first),
      f(m.last),
      f(m.min),
      f(m.max),
      result.mode === 'cycles' && hasTrend ? formatDelta(m.unit, m.perCycle ?? 0) : '',
      hasTrend ? formatDelta(m.unit, m.perMinute) : '',
      hasTrend ? formatP(m.trend.p) : '',
      sparkline(squeeze(series, 16), 16),
    ]);
    verdictCell.push(m.trend.verdict === 'growing' ? c.red(c.bold('GROWING')) : m.trend.verdict === 'stable' ? c.green('stable') : c.yellow('too few points'));
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 || i === cells.length - 1 || i === 8 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  out.push(c.dim(line(header)));
  rows.forEach((r, i) => out.push(line([...r, verdictCell[i]!])));

  const explained = shownMetrics(result.analysis).filter((m) => m.trend.verdict === 'stable' && m.trend.p < result.plan.alpha);
  if (explained.length > 0) {
    out.push('');
    for (const m of explained) out.push(c.dim(`${m.name}: stable — ${m.trend.reason}`));
  }
  for (const note of result.notes.filter((n) => !n.startsWith('started pid'))) out.push(c.dim(`note: ${note}`));
  out.push('');
  const verdict = conclusion(result);
  const colour = verdict.word === 'LEAKING' ? c.red : verdict.word === 'STABLE' ? c.green : c.yellow;
  out.push(`${colour(c.bold(verdict.word))}: ${verdict.text}`);
  for (const check of checks) out.push(`${check.ok ? c.green('ok') : c.red(c.bold('FAIL'))} ${check.name}: ${check.message}`);
  return `${out.join('\n')}\n`;
}
