// Runtime time series for the HTML report (`--runtime FILE`): the JSON that
// `leakaudit watch --json` writes (`kind: "leakaudit-watch"`: samples with
// `t` in ms and `values`, plus a verdict per metric). Other shapes are read
// too: samples as `{samples: [{t, ...metrics}]}` or a bare array of samples, or series as
// `{series|metrics: {name: [v...] | [[t, v]...] | [{t, v}...]}}`; numeric
// leaves of nested sample objects become dotted metric names (`fds.socket`).
import { readFileSync } from 'node:fs';

export interface MetricSeries {
  name: string;
  /** [seconds since the first sample, value], in time order. */
  points: [number, number][];
  unit?: 'count' | 'bytes';
  /** The watch's verdict, e.g. `growing: +1 per cycle, +138/min`. */
  verdict?: string;
}

export interface RuntimeSeries {
  label: string;
  metrics: MetricSeries[];
  /** Seconds from the first to the last sample. */
  durationSec: number;
}

export class RuntimeDataError extends Error {
  override readonly name = 'RuntimeDataError';
}

const TIME_KEYS = ['t', 'time', 'timestamp', 'ts', 'at', 'elapsedMs', 'elapsed_ms', 'elapsedSec', 'elapsed', 'tMs', 't_ms', 'seconds'];
/** Fields of a sample that are identities or labels, not measurements. */
const NOT_METRICS = new Set(['pid', 'ppid', 'index', 'i', 'seq']);
const MAX_METRICS = 32;
/** Points drawn per chart; longer series are thinned keeping each bucket's extremes. */
const MAX_POINTS = 600;

export function loadRuntimeSeries(path: string): RuntimeSeries {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RuntimeDataError(`cannot read runtime data ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new RuntimeDataError(`runtime data ${path} is not JSON (write it with \`leakaudit watch --json\`)`);
  }
  const series = seriesFrom(data);
  if (!series || series.metrics.length === 0) {
    throw new RuntimeDataError(`runtime data ${path} has no numeric time series (expected {"samples": [{"t": ..., "fds": ...}, ...]})`);
  }
  return { ...series, label: path.split(/[\\/]/).pop() ?? path };
}

export function seriesFrom(data: unknown): Omit<RuntimeSeries, 'label'> | undefined {
  if (Array.isArray(data)) return fromSamples(data);
  if (!isRecord(data)) return undefined;
  if (Array.isArray(data.samples) && (data.kind === 'leakaudit-watch' || data.samples.some((x) => isRecord(x) && isRecord(x.values)))) return fromWatch(data);
  if (Array.isArray(data.samples)) return fromSamples(data.samples);
  for (const key of ['series', 'metrics']) {
    const s = data[key];
    if (isRecord(s)) return fromNamedSeries(s);
  }
  return undefined;
}

/** `leakaudit watch --json`: `t` is ms since the start; metrics that stay at 0 (unused FD classes) are left out. */
function fromWatch(data: Record<string, unknown>): Omit<RuntimeSeries, 'label'> {
  const rows = (data.samples as unknown[]).filter(isRecord);
  const infos = new Map<string, Record<string, unknown>>();
  if (Array.isArray(data.metrics)) for (const m of data.metrics) if (isRecord(m) && typeof m.name === 'string') infos.set(m.name, m);
  const series = new Map<string, [number, number][]>();
  for (const name of infos.keys()) series.set(name, []);
  for (const row of rows) {
    const t = toNumberTime(row.t);
    if (t === undefined || !isRecord(row.values)) continue;
    for (const [name, v] of Object.entries(row.values)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      let pts = series.get(name);
      if (!pts) {
        if (series.size >= MAX_METRICS) continue;
        pts = [];
        series.set(name, pts);
      }
      pts.push([t / 1000, v]);
    }
  }
  const metrics: MetricSeries[] = [];
  for (const [name, points] of series) {
    if (points.every((p) => p[1] === 0)) continue;
    const info = infos.get(name);
    metrics.push({ name, points, ...(info?.unit === 'bytes' || info?.unit === 'count' ? { unit: info.unit } : {}), ...(info ? verdictOf(info) : {}) });
  }
  return finish(metrics);
}

function verdictOf(info: Record<string, unknown>): { verdict?: string } {
  if (typeof info.verdict !== 'string') return {};
  const rates: string[] = [];
  if (typeof info.perCycle === 'number') rates.push(`${signed(info.perCycle)} per cycle`);
  if (typeof info.perMinute === 'number' && info.verdict === 'growing') rates.push(`${signed(info.perMinute)}/min`);
  return { verdict: rates.length > 0 && info.verdict === 'growing' ? `${info.verdict}: ${rates.join(', ')}` : info.verdict };
}

function signed(n: number): string {
  const r = Math.abs(n) >= 10 ? Math.round(n) : Math.round(n * 100) / 100;
  return r >= 0 ? `+${r}` : String(r);
}

function fromSamples(samples: unknown[]): Omit<RuntimeSeries, 'label'> {
  const rows = samples.filter(isRecord);
  const timeKey = TIME_KEYS.find((k) => rows.some((r) => r[k] !== undefined));
  const rawTimes = rows.map((r, i) => (timeKey ? toNumberTime(r[timeKey]) : undefined) ?? i);
  const times = toSeconds(rawTimes, timeKey);
  const metrics = new Map<string, [number, number][]>();
  rows.forEach((row, i) => {
    for (const [name, value] of numericLeaves(row, '', timeKey)) {
      let pts = metrics.get(name);
      if (!pts) {
        if (metrics.size >= MAX_METRICS) continue;
        pts = [];
        metrics.set(name, pts);
      }
      pts.push([times[i]!, value]);
    }
  });
  return finish([...metrics.entries()].map(([name, points]) => ({ name, points })));
}

function fromNamedSeries(s: Record<string, unknown>): Omit<RuntimeSeries, 'label'> {
  const metrics: MetricSeries[] = [];
  for (const [name, raw] of Object.entries(s)) {
    if (!Array.isArray(raw) || metrics.length >= MAX_METRICS) continue;
    const pairs: [number, number][] = [];
    raw.forEach((p, i) => {
      if (typeof p === 'number' && Number.isFinite(p)) pairs.push([i, p]);
      else if (Array.isArray(p) && typeof p[1] === 'number' && Number.isFinite(p[1])) pairs.push([toNumberTime(p[0]) ?? i, p[1]]);
      else if (isRecord(p)) {
        const v = ['v', 'value', 'y'].map((k) => p[k]).find((x) => typeof x === 'number' && Number.isFinite(x)) as number | undefined;
        const tk = TIME_KEYS.find((k) => p[k] !== undefined);
        if (v !== undefined) pairs.push([(tk ? toNumberTime(p[tk]) : undefined) ?? i, v]);
      }
    });
    const secs = toSeconds(pairs.map((p) => p[0]), undefined);
    metrics.push({ name, points: pairs.map((p, i) => [secs[i]!, p[1]]) });
  }
  return finish(metrics);
}

function finish(metrics: MetricSeries[]): Omit<RuntimeSeries, 'label'> {
  const kept = metrics.filter((m) => m.points.length > 0).map((m) => ({ ...m, points: thin([...m.points].sort((a, b) => a[0] - b[0])) }));
  const all = kept.flatMap((m) => m.points.map((p) => p[0]));
  const durationSec = all.length > 0 ? Math.max(...all) - Math.min(...all) : 0;
  return { metrics: kept, durationSec };
}

function* numericLeaves(obj: Record<string, unknown>, prefix: string, skip: string | undefined, depth = 0): Generator<[string, number]> {
  for (const [key, value] of Object.entries(obj)) {
    if (depth === 0 && (key === skip || NOT_METRICS.has(key))) continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'number' && Number.isFinite(value)) yield [name, value];
    else if (isRecord(value) && depth < 3) yield* numericLeaves(value, name, skip, depth + 1);
  }
}

/** A time as a number: ISO strings become epoch milliseconds. */
function toNumberTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/**
 * Relative seconds. Milliseconds are recognised by the key (`elapsedMs`), by
 * epoch-sized values, or by steps too large for seconds between samples.
 */
function toSeconds(raw: number[], key: string | undefined): number[] {
  if (raw.length === 0) return [];
  const first = Math.min(...raw);
  const steps = raw.slice(1).map((t, i) => Math.abs(t - raw[i]!)).sort((a, b) => a - b);
  const medianStep = steps.length > 0 ? steps[steps.length >> 1]! : 0;
  const ms = (key !== undefined && /ms$/i.test(key)) || first > 1e11 || (key !== undefined && key !== 'seconds' && !/sec/i.test(key) && medianStep >= 50);
  return raw.map((t) => (t - first) / (ms ? 1000 : 1));
}

function thin(points: [number, number][]): [number, number][] {
  if (points.length <= MAX_POINTS) return points;
  const bucket = Math.ceil(points.length / (MAX_POINTS / 2));
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i += bucket) {
    const slice = points.slice(i, i + bucket);
    let lo = slice[0]!;
    let hi = slice[0]!;
    for (const p of slice) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    if (lo === hi) out.push(lo);
    else out.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
