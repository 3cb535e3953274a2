// A watch as Markdown, for a PR comment or a CI summary: the verdict table and
// a line chart (Mermaid xychart, rendered by GitHub) of the metrics that grow,
// or of FDs and threads when nothing does.
import { analysePoints, valueOf, type MetricAnalysis } from './analyse.js';
import { formatDuration } from './duration.js';
import { formatDelta, formatValue } from './metrics.js';
import type { WatchResult } from './run-watch.js';
import { squeeze } from './sparkline.js';
import { conclusion, shownMetrics } from './summary.js';
import type { ThresholdCheck } from './thresholds.js';

const MAX_CHART_POINTS = 60;

export function toWatchMarkdown(result: WatchResult, checks: readonly ThresholdCheck[]): string {
  const t = result.target;
  const out: string[] = [`## leakaudit watch: \`${(t.command ?? [t.name]).join(' ').replace(/`/g, "'")}\``, '', result.end.message, ''];
  const verdict = conclusion(result);
  out.push(`**${verdict.word}**: ${verdict.text}`, '');
  const cycles = result.mode === 'cycles';
  out.push(`| metric | first | last | min | max |${cycles ? ' per cycle |' : ''} per minute | verdict |`);
  out.push(`| --- | ---: | ---: | ---: | ---: |${cycles ? ' ---: |' : ''} ---: | --- |`);
  for (const m of shownMetrics(result.analysis)) {
    const f = (v: number): string => formatValue(m.unit, v);
    const trend = m.trend.verdict !== 'insufficient' && m.trend.reason !== 'constant';
    const perCycle = cycles ? ` ${trend ? formatDelta(m.unit, m.perCycle ?? 0) : ''} |` : '';
    out.push(`| \`${m.name}\` | ${f(m.first)} | ${f(m.last)} | ${f(m.min)} | ${f(m.max)} |${perCycle} ${trend ? formatDelta(m.unit, m.perMinute) : ''} | ${m.trend.verdict === 'growing' ? '**growing**' : m.trend.verdict === 'stable' ? 'stable' : 'too few points'} |`);
  }
  if (checks.length > 0) out.push('', ...checks.map((c) => `- ${c.ok ? 'ok' : '**FAIL**'} \`${c.name}\`: ${c.message}`));
  const growing = result.analysis.filter((m) => m.trend.verdict === 'growing');
  const charted = growing.length > 0 ? growing : result.analysis.filter((m) => m.name === 'fds' || m.name === 'threads');
  for (const m of charted) out.push('', ...chart(result, m));
  return `${out.join('\n')}\n`;
}

function chart(result: WatchResult, m: MetricAnalysis): string[] {
  const cycles = result.mode === 'cycles';
  const samples = cycles ? analysePoints(result.samples, { ...result.plan, warmupCycles: 0 }) : result.samples;
  const points = samples.map((s) => ({ x: cycles ? String(s.cycle) : formatDuration(s.t), y: valueOf(s, m.name) })).filter((p): p is { x: string; y: number } => p.y !== undefined);
  const step = Math.max(1, Math.ceil(points.length / MAX_CHART_POINTS));
  const xs = points.filter((_, i) => i % step === 0).map((p) => p.x);
  const ys = squeeze(
    points.map((p) => p.y),
    xs.length,
  ).map((v) => (m.unit === 'bytes' ? Number((v / 1024 / 1024).toFixed(2)) : v));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${m.name}${m.trend.verdict === 'growing' ? ` (${cycles ? `${formatDelta(m.unit, m.perCycle ?? 0)} per cycle` : `${formatDelta(m.unit, m.perMinute)} per minute`})` : ''}"`,
    `  x-axis "${cycles ? 'cycle' : 'time'}" [${xs.map((x) => `"${x}"`).join(', ')}]`,
    `  y-axis "${m.unit === 'bytes' ? 'MiB' : 'count'}"`,
    `  line [${ys.join(', ')}]`,
    '```',
  ];
}
