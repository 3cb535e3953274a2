// The metrics `watch` records, their units, and how they are printed.
import { FD_CLASSES } from './fd-class.js';

export type MetricUnit = 'count' | 'bytes';

export interface MetricInfo {
  name: string;
  unit: MetricUnit;
  description: string;
}

const DESCRIPTIONS: Record<string, string> = {
  fds: 'open file descriptors, all classes',
  'fds.file': 'regular files and directories',
  'fds.sqlite-db': 'SQLite database files',
  'fds.sqlite-wal': 'SQLite write-ahead logs (-wal)',
  'fds.sqlite-shm': 'SQLite shared-memory index files (-shm)',
  'fds.sqlite-journal': 'SQLite rollback journals (-journal)',
  'fds.socket': 'sockets (TCP, UDP, Unix)',
  'fds.pipe': 'pipes and FIFOs',
  'fds.eventfd': 'eventfd (tokio/libuv wakers)',
  'fds.epoll': 'epoll instances (one per event loop / runtime)',
  'fds.timerfd': 'timerfd',
  'fds.inotify': 'inotify watchers (fs.watch, notify)',
  'fds.anon': 'other anonymous inodes (signalfd, pidfd, io_uring...)',
  'fds.device': 'devices (/dev/null, ttys, /dev/urandom)',
  'fds.other': 'anything else (namespaces, ...)',
  threads: 'OS threads',
  rss: 'resident memory (VmRSS)',
  children: 'descendant processes',
  zombies: 'descendant processes exited but never reaped',
  'node:process-listeners': 'listeners on `process` (Node probe)',
};

/** The fixed /proc metrics, in display order. */
export const PROC_METRICS: readonly MetricInfo[] = [
  info('fds'),
  ...FD_CLASSES.map((c) => info(`fds.${c}`)),
  info('threads'),
  { name: 'rss', unit: 'bytes', description: DESCRIPTIONS.rss! },
  info('children'),
  info('zombies'),
];

function info(name: string): MetricInfo {
  return { name, unit: 'count', description: DESCRIPTIONS[name] ?? `${name.slice('node:'.length)} resources (Node probe: process.getActiveResourcesInfo())` };
}

/** Metric info for any name, including the dynamic node:* ones. */
export function metricInfo(name: string): MetricInfo {
  return PROC_METRICS.find((m) => m.name === name) ?? info(name);
}

/** Display order: /proc metrics first, then node:* metrics alphabetically. */
export function orderMetrics(names: Iterable<string>): string[] {
  const fixed = PROC_METRICS.map((m) => m.name);
  const rank = (n: string): number => (fixed.includes(n) ? fixed.indexOf(n) : fixed.length);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function formatValue(unit: MetricUnit, value: number): string {
  if (unit === 'bytes') return formatBytes(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (abs >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

/** A signed rate: "+1", "+0.25", "-3.1 MiB". */
export function formatDelta(unit: MetricUnit, value: number): string {
  const sign = value > 0 ? '+' : value < 0 ? '-' : '±';
  const abs = Math.abs(value);
  if (unit === 'bytes') return `${sign}${formatBytes(abs)}`;
  const text = abs === 0 ? '0' : abs >= 100 ? abs.toFixed(0) : abs >= 10 ? abs.toFixed(1) : abs >= 0.01 ? abs.toFixed(2) : abs.toPrecision(1);
  return `${sign}${text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}`;
}
