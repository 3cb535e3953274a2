// Defaults of `leakaudit watch`, apart so the CLI can show them without loading the watcher.
export const WATCH_DEFAULTS = {
  intervalMs: 1000,
  cycles: 10,
  settleMs: 250,
  cycleTimeoutMs: 60_000,
  warmupCycles: 1,
  readyTimeoutMs: 30_000,
  graceMs: 5000,
  nodeProbe: true,
  alpha: 0.05,
  minRssGrowth: 2 * 1024 * 1024,
} as const;
