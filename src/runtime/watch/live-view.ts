// What the user sees while a watch runs. On a terminal: a block of current
// values with sparklines, redrawn in place. Otherwise: plain lines, at most
// one per second plus one per cycle, so CI logs stay readable.
import type { Sample } from './analyse.js';
import { valueOf, metricNames } from './analyse.js';
import { formatDuration } from './duration.js';
import { formatValue, metricInfo } from './metrics.js';
import type { WatchProgress } from './run-watch.js';
import { sparkline } from './sparkline.js';

const HEADLINE = ['fds', 'threads', 'rss', 'children'];

export class LiveView {
  private readonly history: Sample[] = [];
  private drawnLines = 0;
  private lastPlain = -Infinity;

  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number; rows?: number },
    private readonly tty: boolean,
  ) {}

  onSample(sample: Sample, progress: WatchProgress): void {
    this.history.push(sample);
    if (this.history.length > 200) this.history.shift();
    if (this.tty) this.redraw(progress);
    else if (sample.cycle !== undefined || sample.t - this.lastPlain >= 1000) {
      this.lastPlain = sample.t;
      this.out.write(`${plainLine(sample, progress)}\n`);
    }
  }

  /** Print a message above the live block (or as a plain line). */
  note(line: string): void {
    this.clear();
    this.out.write(`leakaudit: ${line}\n`);
  }

  /** Remove the live block before the summary is printed. */
  finish(): void {
    this.clear();
  }

  private clear(): void {
    if (!this.tty || this.drawnLines === 0) return;
    this.out.write(`\x1b[${this.drawnLines}F\x1b[J`);
    this.drawnLines = 0;
  }

  private redraw(progress: WatchProgress): void {
    const last = this.history[this.history.length - 1]!;
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - 40));
    const names = metricNames(this.history).filter((n) => HEADLINE.includes(n) || (n !== 'fds' && this.history.some((s) => (valueOf(s, n) ?? 0) !== 0)));
    const lines = [progressLine(progress)];
    for (const name of names) {
      const info = metricInfo(name);
      const series = this.history.map((s) => valueOf(s, name)).filter((v): v is number => v !== undefined);
      const current = valueOf(last, name);
      lines.push(`  ${name.padEnd(24)} ${(current === undefined ? '–' : formatValue(info.unit, current)).padStart(10)}  ${sparkline(series, width)}`);
    }
    // Taller than the terminal, the cursor cannot climb back: keep the block on screen.
    const room = Math.max(3, (this.out.rows ?? 40) - 2);
    if (lines.length > room) lines.splice(room - 1, lines.length, `  … ${lines.length - room + 1} more metrics in the summary`);
    this.clear();
    this.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}

function progressLine(p: WatchProgress): string {
  const parts = [`watching ${formatDuration(p.elapsedMs)}${p.durationMs !== undefined ? ` / ${formatDuration(p.durationMs)}` : ''}`, `${p.samples} samples`];
  if (p.cycles !== undefined) parts.push(`cycle ${p.cyclesDone}/${p.cycles}`);
  return parts.join(' · ');
}

function plainLine(sample: Sample, progress: WatchProgress): string {
  const fields = [`t=${formatDuration(sample.t)}`];
  if (sample.cycle !== undefined) fields.push(`cycle=${sample.cycle}${progress.cycles !== undefined ? `/${progress.cycles}` : ''}`);
  for (const name of Object.keys(sample.values)) {
    const v = sample.values[name]!;
    if (!HEADLINE.includes(name) && v === 0) continue;
    if (name.startsWith('node:') && !['node:Timeout', 'node:process-listeners'].includes(name) && v === 0) continue;
    fields.push(`${name}=${formatValue(metricInfo(name).unit, v)}`);
  }
  return fields.join(' ');
}
