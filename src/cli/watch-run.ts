// `leakaudit watch --pid N` / `leakaudit watch [options] -- CMD ARGS...`:
// sample a Linux process tree, optionally through restart/load cycles, and
// judge whether its FDs, threads, memory or Node handles grow.
import { writeFile } from 'node:fs/promises';
import { parseDuration } from '../runtime/watch/duration.js';
import { LiveView } from '../runtime/watch/live-view.js';
import { runWatch, WATCH_DEFAULTS, type WatchOptions, type WatchResult } from '../runtime/watch/run-watch.js';
import { toWatchMarkdown } from '../runtime/watch/markdown-output.js';
import { toWatchCsv, toWatchJson } from '../runtime/watch/series-output.js';
import { renderSummary } from '../runtime/watch/summary.js';
import { checkThresholds, type Thresholds } from '../runtime/watch/thresholds.js';
import { WatchError } from '../runtime/watch/watch-error.js';
import { parseSize } from './sizes.js';
import { EXIT, UsageError } from './errors.js';

import type { WatchCliOptions } from './watch-command.js';

export async function runWatchCommand(command: string[], options: WatchCliOptions): Promise<number> {
  const watchOptions = toWatchOptions(command, options);
  const thresholds = toThresholds(options);
  const tty = !options.quiet && process.stderr.isTTY === true;
  const view = options.quiet ? undefined : new LiveView(process.stderr, tty);
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => interrupt.abort(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: WatchResult;
  try {
    result = await runWatch({
      ...watchOptions,
      interrupt: interrupt.signal,
      ...(view ? { onSample: (s, p) => view.onSample(s, p), onNote: (line) => view.note(line) } : {}),
      ...(!options.quiet && !tty ? { echoTarget: process.stderr } : {}),
    });
  } catch (err) {
    if (err instanceof WatchError) throw new UsageError(err.message);
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    view?.finish();
  }
  const checks = checkThresholds(result.analysis, thresholds);
  await writeOutput(options.json, () => `${JSON.stringify(toWatchJson(result, checks), null, 2)}\n`);
  await writeOutput(options.csv, () => toWatchCsv(result));
  await writeOutput(options.md, () => toWatchMarkdown(result, checks));
  const color = options.color && !process.env.NO_COLOR && process.stdout.isTTY === true;
  await new Promise<void>((resolve) => process.stdout.write(renderSummary(result, checks, { color }), () => resolve()));
  return exitCode(result, checks.every((c) => c.ok), watchOptions);
}

function exitCode(result: WatchResult, checksOk: boolean, options: WatchOptions): number {
  const end = result.end;
  if (end.reason === 'cycle-failed' || end.reason === 'ready-failed') return EXIT.usage;
  const planned = options.durationMs !== undefined || options.cycle !== undefined;
  if (end.reason === 'interrupted' && planned) return end.interruptedBy === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
  if (end.early || !checksOk) return EXIT.findings;
  return EXIT.ok;
}

async function writeOutput(file: string | undefined, render: () => string): Promise<void> {
  if (!file) return;
  try {
    await writeFile(file, render());
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export function toWatchOptions(command: string[], o: WatchCliOptions): WatchOptions {
  const pid = o.pid !== undefined ? positiveInt(o.pid, '--pid') : undefined;
  if (pid !== undefined && command.length > 0) throw new UsageError('give either --pid N or a command after --, not both');
  if (pid === undefined && command.length === 0) throw new UsageError('nothing to watch: give --pid N or a command after -- (e.g. leakaudit watch -- node server.js)');
  if (o.cycles !== undefined && !o.cycle) throw new UsageError('--cycles needs --cycle <shell command>');
  const intervalMs = duration(o.interval, '--interval');
  if (intervalMs < 10) throw new UsageError('--interval must be at least 10ms');
  const alpha = Number(o.alpha);
  if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`invalid --alpha "${o.alpha}" (use a probability such as 0.05)`);
  return {
    ...(pid !== undefined ? { pid } : { command }),
    intervalMs,
    ...(o.duration !== undefined ? { durationMs: duration(o.duration, '--duration') } : {}),
    ...(o.cycle !== undefined ? { cycle: o.cycle, cycles: o.cycles !== undefined ? positiveInt(o.cycles, '--cycles') : WATCH_DEFAULTS.cycles } : {}),
    settleMs: duration(o.settle, '--settle'),
    cycleTimeoutMs: duration(o.cycleTimeout, '--cycle-timeout'),
    ...(o.warmup !== undefined ? { warmupMs: duration(o.warmup, '--warmup') } : {}),
    warmupCycles: nonNegativeInt(o.warmupCycles, '--warmup-cycles'),
    ...(o.ready !== undefined ? { ready: o.ready } : {}),
    readyTimeoutMs: duration(o.readyTimeout, '--ready-timeout'),
    graceMs: duration(o.grace, '--grace'),
    nodeProbe: o.nodeProbe,
    alpha,
    minRssGrowth: parseSize(o.minRssGrowth),
    ...(o.log !== undefined ? { logFile: o.log } : {}),
  };
}

function toThresholds(o: WatchCliOptions): Thresholds {
  return {
    ...(o.maxFds !== undefined ? { maxFds: nonNegativeInt(o.maxFds, '--max-fds') } : {}),
    ...(o.maxThreads !== undefined ? { maxThreads: nonNegativeInt(o.maxThreads, '--max-threads') } : {}),
    ...(o.maxRss !== undefined ? { maxRss: parseSize(o.maxRss) } : {}),
    ...(o.failOnGrowth !== undefined ? { failOnGrowth: o.failOnGrowth === true ? true : String(o.failOnGrowth).split(',').map((s) => s.trim()).filter(Boolean) } : {}),
  };
}

function duration(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`invalid ${flag} "${text}" (use a unit: 500ms, 1s, 2m, 1h)`);
  return ms;
}

function positiveInt(text: string, flag: string): number {
  const n = nonNegativeInt(text, flag);
  if (n === 0) throw new UsageError(`invalid ${flag} "${text}" (must be at least 1)`);
  return n;
}

function nonNegativeInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`invalid ${flag} "${text}" (expected a whole number)`);
  return Number(text);
}
