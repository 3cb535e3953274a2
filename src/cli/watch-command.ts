// `leakaudit watch`: the options. The work (watch-run.ts) loads only when the command runs.
import type { Command } from 'commander';
import { WATCH_DEFAULTS } from '../runtime/watch/defaults.js';

export interface WatchCliOptions {
  pid?: string;
  interval: string;
  duration?: string;
  cycle?: string;
  cycles?: string;
  settle: string;
  cycleTimeout: string;
  warmup?: string;
  warmupCycles: string;
  ready?: string;
  readyTimeout: string;
  grace: string;
  maxFds?: string;
  maxThreads?: string;
  maxRss?: string;
  failOnGrowth?: boolean | string;
  alpha: string;
  minRssGrowth: string;
  json?: string;
  csv?: string;
  md?: string;
  log?: string;
  nodeProbe: boolean;
  quiet?: boolean;
  color: boolean;
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('watch a running process (--pid) or a command (after --) and judge whether its FDs, threads, memory or Node handles grow')
    .argument('[command...]', 'command to start and watch, after --')
    .option('-p, --pid <pid>', 'watch this running process and its descendants')
    .option('-i, --interval <time>', 'time between samples (e.g. 100ms, 1s)', '1s')
    .option('-d, --duration <time>', 'stop after this long (e.g. 30s, 2m); default: until the cycles are done, the target exits or Ctrl-C')
    .option('--cycle <shell command>', 'run this once per cycle (e.g. "curl -fsS -X POST localhost:8080/restart"), then sample')
    .option('--cycles <n>', `number of cycles (default ${WATCH_DEFAULTS.cycles} with --cycle)`)
    .option('--settle <time>', 'wait after each cycle before sampling', '250ms')
    .option('--cycle-timeout <time>', 'a cycle command running longer fails the watch', '60s')
    .option('--warmup <time>', 'time mode: ignore samples before this (default 0 with --pid, min(10s, duration/5) for a command)')
    .option('--warmup-cycles <n>', 'cycle mode: ignore the first N cycles (lazy initialisation)', String(WATCH_DEFAULTS.warmupCycles))
    .option('--ready <shell command>', 'before the cycles, retry this until it succeeds (e.g. "curl -fs localhost:8080/health")')
    .option('--ready-timeout <time>', 'give up waiting for --ready after this long', '30s')
    .option('--grace <time>', 'a started command gets SIGTERM, then SIGKILL after this long', '5s')
    .option('--max-fds <n>', 'fail when open FDs (whole tree) ever exceed N')
    .option('--max-threads <n>', 'fail when threads (whole tree) ever exceed N')
    .option('--max-rss <size>', 'fail when resident memory (whole tree) ever exceeds this (e.g. 512MiB)')
    .option('--fail-on-growth [metrics]', 'fail when a metric grows; optionally only these, comma-separated (fds,threads,rss,node)')
    .option('--alpha <p>', 'significance level of the trend test', String(WATCH_DEFAULTS.alpha))
    .option('--min-rss-growth <size>', 'smaller RSS growth over the window is never called a leak', '2MiB')
    .option('--json <file>', 'write the time series and verdicts as JSON')
    .option('--csv <file>', 'write the time series as CSV')
    .option('--md <file>', 'write the verdicts as Markdown with a chart of what grows (for a PR comment or $GITHUB_STEP_SUMMARY)')
    .option('--log <file>', 'save the started command\'s output to this file')
    .option('--no-node-probe', 'do not preload the Node probe (timers, handles, process listeners) into a started command')
    .option('-q, --quiet', 'no live view and no target output; only the summary')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Examples:
  leakaudit watch --pid 4242 --duration 10m --max-fds 50
  leakaudit watch --cycle 'curl -fsS -X POST localhost:8080/restart' --cycles 20 \\
      --ready 'curl -fs localhost:8080/health' --fail-on-growth -- node dist/server.js

Exit codes: 0 stable and within thresholds, 1 a threshold broken, a metric growing
with --fail-on-growth, or the target exited early, 2 usage error or the watch
could not run as asked (no such pid, permission, a cycle command failing),
130/143 interrupted before the planned end.`,
    )
    .action(async (command: string[], options: WatchCliOptions, cmd: Command) => {
      const { runWatchCommand } = await import('./watch-run.js');
      cmd.setOptionValue('exitCode', await runWatchCommand(command, options));
    });
}

