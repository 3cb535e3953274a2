// One metric's time series as an inline SVG line chart: no script, no
// external resource, every label escaped.
import type { MetricSeries } from './runtime-series.js';
import { forHtml } from './sanitize.js';

const W = 480;
const H = 170;
const PAD = { left: 72, right: 16, top: 14, bottom: 32 };

export function lineChart(series: MetricSeries): string {
  const pts = series.points;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y0 === y1) {
    y0 -= 1;
    y1 += 1;
  }
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const sx = (x: number): number => PAD.left + (x1 === x0 ? plotW / 2 : ((x - x0) / (x1 - x0)) * plotW);
  const sy = (y: number): number => PAD.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const path = pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
  const first = ys[0]!;
  const last = ys[ys.length - 1]!;
  const delta = last - first;
  const bytes = series.unit ? series.unit === 'bytes' : /rss|bytes|mem|heap/i.test(series.name);
  const fmt = (n: number): string => formatNumber(n, bytes);
  const title = `${series.name}: ${fmt(first)} → ${fmt(last)} (${delta >= 0 ? '+' : ''}${fmt(delta)}) over ${formatDuration(x1 - x0)}${series.verdict ? ` — ${series.verdict}` : ''}`;
  const gridY = [y0, (y0 + y1) / 2, y1];
  return [
    `<figure class="chart${series.verdict?.startsWith('growing') ? ' growing' : ''}">`,
    `<figcaption>${forHtml(title)}</figcaption>`,
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${forHtml(title)}" xmlns="http://www.w3.org/2000/svg">`,
    ...gridY.map(
      (y) =>
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" class="grid"/><text x="${PAD.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end" class="axis">${forHtml(fmt(y))}</text>`,
    ),
    `<text x="${PAD.left}" y="${H - 8}" class="axis">0 s</text>`,
    `<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" class="axis">${forHtml(formatDuration(x1 - x0))}</text>`,
    pts.length === 1
      ? `<circle cx="${sx(xs[0]!).toFixed(1)}" cy="${sy(ys[0]!).toFixed(1)}" r="3" class="line-point"/>`
      : `<polyline points="${path}" class="line" fill="none"/>`,
    `</svg>`,
    `</figure>`,
  ].join('');
}

export function formatNumber(n: number, bytes = false): string {
  const abs = Math.abs(n);
  if (!bytes) return Number.isInteger(n) ? String(n) : n.toFixed(abs >= 100 ? 0 : 2);
  if (abs >= 1024 * 1024 * 1024) return `${(n / 1024 ** 3).toFixed(2)} Gi`;
  if (abs >= 1024 * 1024) return `${(n / 1024 ** 2).toFixed(1)} Mi`;
  if (abs >= 10 * 1024) return `${(n / 1024).toFixed(0)} Ki`;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

export function formatDuration(sec: number): string {
  if (sec >= 3600) return `${(sec / 3600).toFixed(1)} h`;
  if (sec >= 120) return `${(sec / 60).toFixed(1)} min`;
  return `${Number.isInteger(sec) ? sec : sec.toFixed(1)} s`;
}
