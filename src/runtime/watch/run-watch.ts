// `leakaudit watch`: attach to a pid or start a command, sample its process
// tree on an interval (and after every restart/load cycle), stop when the
// duration or the cycles are done, the target exits, or we are interrupted,
// then stop what we started and judge every metric.
import { analyse, type AnalysisPlan, type MetricAnalysis, type Sample } from './analyse.js';
import { describeExit, fromWaitStatus, type ExitStatus } from './exit-status.js';
import { ProcAccessError, readProcess } from './proc-reader.js';
import { NodeProbeServer } from './probe-server.js';
import { runShell, type ShellOutcome } from './shell-command.js';
import { SqliteSniffer } from './sqlite-sniffer.js';
import { StartedTarget, type StopOutcome } from './started-target.js';
import { sleep } from './timing.js';
import { TreeSampler, type TreeReading } from './tree-sampler.js';
import { assertLinux, WatchError } from './watch-error.js';
import { formatDuration } from './duration.js';
import { WATCH_DEFAULTS } from './defaults.js';

export interface WatchOptions {
  /** Watch this running process... */
  pid?: number;
  /** ...or start this command and watch it (exactly one of the two). */
  command?: string[];
  intervalMs: number;
  durationMs?: number;
  /** Shell command run once per cycle (a restart over HTTP, a load burst). */
  cycle?: string;
  cycles?: number;
  /** Wait after each cycle before its sample, for asynchronous cleanup to finish. */
  settleMs: number;
  cycleTimeoutMs: number;
  /** Time mode: samples before this are warm-up. Default: 0 for --pid, min(10 s, duration / 5) for a started command. */
  warmupMs?: number;
  /** Cycles mode: the first cycles are warm-up (lazy initialisation). */
  warmupCycles: number;
  /** Shell command that succeeds once the target is ready for cycles. */
  ready?: string;
  readyTimeoutMs: number;
  /** SIGTERM, then SIGKILL after this long. */
  graceMs: number;
  /** Preload the Node probe into a started command (timers, handles, process listeners). */
  nodeProbe: boolean;
  alpha: number;
  /** Smallest RSS growth over the window that may count as a leak. */
  minRssGrowth: number;
  logFile?: string;
  /** Where to copy the started target's output (omit to keep only its tail). */
  echoTarget?: NodeJS.WritableStream;
  /** Aborting it ends the watch as an interruption; its reason may name the signal received. */
  interrupt?: AbortSignal;
  onSample?: (sample: Sample, progress: WatchProgress) => void;
  onNote?: (line: string) => void;
  platform?: string;
  env?: NodeJS.ProcessEnv;
}

export interface WatchProgress {
  elapsedMs: number;
  cyclesDone: number;
  cycles?: number;
  durationMs?: number;
  samples: number;
}

export type EndReason = 'duration' | 'cycles' | 'target-exited' | 'interrupted' | 'cycle-failed' | 'ready-failed';

export interface WatchEnd {
  reason: EndReason;
  /** The target ended before the planned end (duration or cycles). */
  early: boolean;
  message: string;
  /** How the target ended, when known: by itself, or after our stop. */
  exit?: ExitStatus;
  stop?: StopOutcome;
  interruptedBy?: string;
  cycleFailure?: { cycle: number; outcome: ShellOutcome };
}

export interface WatchResult {
  target: { pid: number; name: string; command?: string[]; startedByWatch: boolean };
  mode: 'cycles' | 'time';
  plan: AnalysisPlan;
  intervalMs: number;
  startedAt: string;
  durationMs: number;
  cyclesDone: number;
  cyclesPlanned?: number;
  samples: Sample[];
  analysis: MetricAnalysis[];
  end: WatchEnd;
  notes: string[];
  /** The last lines the started target printed. */
  targetOutput: string[];
}

/** About 40 MB of samples at most; a day at 1 s is 86,400. */
const MAX_SAMPLES = 20_000;

export { WATCH_DEFAULTS };


export async function runWatch(options: WatchOptions): Promise<WatchResult> {
  assertLinux(options.platform);
  if ((options.pid === undefined) === (options.command === undefined)) throw new WatchError('usage', 'give either --pid N or a command after --');
  const session = new WatchSession(options);
  try {
    return await session.run();
  } finally {
    await session.dispose();
  }
}

class WatchSession {
  private readonly started = performance.now();
  private readonly startedAt = new Date().toISOString();
  private readonly samples: Sample[] = [];
  private readonly notes: string[] = [];
  private readonly ending = new AbortController();
  private endReason?: EndReason;
  private cycleFailure?: WatchEnd['cycleFailure'];
  private interruptedBy?: string;
  private zombieExit?: ExitStatus;
  private cyclesDone = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private probe?: NodeProbeServer;
  private target?: StartedTarget;
  private sampler!: TreeSampler;
  private targetName = '';
  private accessError?: ProcAccessError;

  constructor(private readonly options: WatchOptions) {}

  async run(): Promise<WatchResult> {
    const o = this.options;
    const pid = o.pid ?? (await this.startCommand());
    if (o.pid !== undefined) await this.checkPid(o.pid);
    this.sampler = new TreeSampler(pid, this.probe, Math.min(500, Math.max(100, o.intervalMs / 2)));

    const baseline = await this.takeSample();
    if (this.accessError) throw new WatchError('permission', this.accessError.message);
    if (!baseline && !this.endReason) this.end('target-exited');

    const onInterrupt = (): void => {
      this.interruptedBy = typeof o.interrupt?.reason === 'string' ? o.interrupt.reason : 'interrupt';
      this.end('interrupted');
    };
    if (o.interrupt?.aborted) onInterrupt();
    o.interrupt?.addEventListener('abort', onInterrupt, { once: true });
    // Not awaited below: the target usually outlives the watch (we stop it afterwards).
    void this.target?.exited.then(() => this.end('target-exited'));
    const tasks: Promise<unknown>[] = [this.sampleOnInterval()];
    if (o.durationMs !== undefined) tasks.push(sleep(o.durationMs, this.ending.signal).then(() => this.end('duration')));
    if (o.cycle) tasks.push(this.runCycles(o.cycle));
    else if (o.ready) tasks.push(this.waitReady(o.ready));
    // Resolves when something ends the watch; every task then winds down on `ending`.
    await new Promise<void>((resolve) => (this.ending.signal.aborted ? resolve() : this.ending.signal.addEventListener('abort', () => resolve(), { once: true })));
    o.interrupt?.removeEventListener('abort', onInterrupt);
    await Promise.all(tasks);
    await this.chain;
    const refused = this.accessError as ProcAccessError | undefined;
    if (refused) throw new WatchError('permission', refused.message);

    const stop = this.target ? await this.target.stop(o.graceMs, this.sampler.seen, this.interruptedBy === 'SIGINT' ? 'SIGINT' : 'SIGTERM') : undefined;
    return this.result(stop);
  }

  async dispose(): Promise<void> {
    this.end('interrupted');
    if (this.target && !this.target.exitStatus) await this.target.stop(this.options.graceMs, this.sampler?.seen ?? new Map());
    await this.probe?.close();
    this.probe = undefined;
  }

  private async startCommand(): Promise<number> {
    const o = this.options;
    const env = o.env ?? process.env;
    if (o.nodeProbe) this.probe = await NodeProbeServer.start();
    try {
      this.target = await StartedTarget.start(o.command!, this.probe ? this.probe.environment(env) : env, { ...(o.echoTarget ? { echo: o.echoTarget } : {}), ...(o.logFile ? { logFile: o.logFile } : {}) });
    } catch (err) {
      throw new WatchError('start-failed', (err as Error).message);
    }
    this.targetName = o.command!.join(' ');
    this.note(`started pid ${this.target.pid}: ${this.targetName}`);
    return this.target.pid;
  }

  private async checkPid(pid: number): Promise<void> {
    const reading = await readProcess(pid, new SqliteSniffer());
    if (!reading) throw new WatchError('not-found', `no process with pid ${pid}`);
    if (reading.state === 'Z') throw new WatchError('not-found', `pid ${pid} (${reading.name}) has already exited and is waiting to be reaped (zombie)`);
    this.targetName = reading.name;
  }

  private end(reason: EndReason): void {
    if (this.ending.signal.aborted) return;
    this.endReason = reason;
    this.ending.abort();
  }

  /** Samples are taken one at a time, in order, whoever asks. */
  private takeSample(cycle?: number): Promise<Sample | undefined> {
    const next = this.chain.then(() => this.sampleNow(cycle));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async sampleNow(cycle?: number): Promise<Sample | undefined> {
    if (this.accessError) return undefined;
    let reading: TreeReading;
    try {
      reading = await this.sampler.sample();
    } catch (err) {
      if (!(err instanceof ProcAccessError)) throw err;
      this.accessError = err;
      this.end('interrupted');
      return undefined;
    }
    if (!reading.root || reading.root.state === 'Z') {
      if (reading.root?.exitStatus !== undefined) this.zombieExit = fromWaitStatus(reading.root.exitStatus);
      this.end('target-exited');
      return undefined;
    }
    for (const pid of reading.unreadable) this.noteOnce(`cannot read the fds of descendant pid ${pid} (another user): its fds are not counted`);
    const sample: Sample = {
      t: Math.round(performance.now() - this.started),
      ...(cycle !== undefined ? { cycle } : {}),
      values: reading.values,
      probed: reading.probed,
      processes: reading.processes.length,
    };
    this.samples.push(sample);
    if (this.samples.length > MAX_SAMPLES) this.thin();
    this.options.onSample?.(sample, this.progress());
    return sample;
  }

  /** Long watches keep memory bounded: every other interval sample goes (cycle samples always stay). */
  private thin(): void {
    let keep = true;
    const kept = this.samples.filter((s) => s.cycle !== undefined || (keep = !keep));
    this.samples.length = 0;
    this.samples.push(...kept);
    this.noteOnce(`more than ${MAX_SAMPLES} samples: older interval samples were thinned to keep memory bounded`);
  }

  private async sampleOnInterval(): Promise<void> {
    const interval = this.options.intervalMs;
    let next = performance.now() + interval;
    while (!this.ending.signal.aborted) {
      await sleep(Math.max(0, next - performance.now()), this.ending.signal);
      if (this.ending.signal.aborted) break;
      next += interval;
      await this.takeSample();
      // A sample slower than the interval: skip the missed ticks instead of piling up.
      if (next < performance.now()) next = performance.now() + interval;
    }
  }

  private async waitReady(command: string): Promise<boolean> {
    const o = this.options;
    const deadline = performance.now() + o.readyTimeoutMs;
    let last: ShellOutcome | undefined;
    while (!this.ending.signal.aborted) {
      last = await runShell(command, { env: this.shellEnv(0), timeoutMs: Math.max(1000, deadline - performance.now()), signal: this.ending.signal });
      if (last.ok) return true;
      if (performance.now() >= deadline) break;
      await sleep(Math.min(200, o.intervalMs), this.ending.signal);
    }
    if (!this.ending.signal.aborted) {
      this.note(`--ready command never succeeded within ${formatDuration(o.readyTimeoutMs)}${last ? `: ${describeShell(last)}` : ''}`);
      this.end('ready-failed');
    }
    return false;
  }

  private async runCycles(command: string): Promise<void> {
    const o = this.options;
    if (o.ready && !(await this.waitReady(o.ready))) return;
    if (this.ending.signal.aborted) return;
    await this.takeSample(0);
    const cycles = o.cycles ?? WATCH_DEFAULTS.cycles;
    for (let i = 1; i <= cycles && !this.ending.signal.aborted; i++) {
      const outcome = await runShell(command, { env: this.shellEnv(i), timeoutMs: o.cycleTimeoutMs, signal: this.ending.signal });
      if (this.ending.signal.aborted) return;
      if (!outcome.ok) {
        // A cycle that fails because the target just died is reported as the target's exit.
        if (this.target?.exitStatus || !(await this.takeSample())) return this.end('target-exited');
        this.cycleFailure = { cycle: i, outcome };
        return this.end('cycle-failed');
      }
      this.cyclesDone = i;
      await sleep(o.settleMs, this.ending.signal);
      if (this.ending.signal.aborted) return;
      await this.takeSample(i);
    }
    if (this.cyclesDone === cycles) this.end('cycles');
  }

  private shellEnv(cycle: number): NodeJS.ProcessEnv {
    return { ...(this.options.env ?? process.env), LEAKAUDIT_PID: String(this.sampler.rootPid), LEAKAUDIT_CYCLE: String(cycle) };
  }

  private progress(): WatchProgress {
    const o = this.options;
    return {
      elapsedMs: performance.now() - this.started,
      cyclesDone: this.cyclesDone,
      ...(o.cycle ? { cycles: o.cycles ?? WATCH_DEFAULTS.cycles } : {}),
      ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
      samples: this.samples.length,
    };
  }

  private note(line: string): void {
    this.notes.push(line);
    this.options.onNote?.(line);
  }

  private noteOnce(line: string): void {
    if (!this.notes.includes(line)) this.note(line);
  }

  private result(stop: StopOutcome | undefined): WatchResult {
    const o = this.options;
    const mode = o.cycle ? 'cycles' : 'time';
    const cyclesPlanned = o.cycle ? (o.cycles ?? WATCH_DEFAULTS.cycles) : undefined;
    const plan: AnalysisPlan = {
      mode,
      warmupCycles: o.warmupCycles,
      warmupMs: o.warmupMs ?? (this.target ? Math.min(10_000, (o.durationMs ?? 25_000) / 5) : 0),
      alpha: o.alpha,
      minGrowth: { count: 1, bytes: o.minRssGrowth },
    };
    const reason = this.endReason ?? 'interrupted';
    const exit = this.target?.exitStatus ?? this.zombieExit;
    const durationMs = performance.now() - this.started;
    const planned = cyclesPlanned !== undefined || o.durationMs !== undefined;
    const end: WatchEnd = {
      reason,
      early: reason === 'target-exited' && planned,
      message: '',
      ...(exit ? { exit } : {}),
      ...(stop ? { stop } : {}),
      ...(this.interruptedBy ? { interruptedBy: this.interruptedBy } : {}),
      ...(this.cycleFailure ? { cycleFailure: this.cycleFailure } : {}),
    };
    end.message = describeEnd(end, { durationMs, samples: this.samples.length, cyclesDone: this.cyclesDone, cyclesPlanned, startedByWatch: Boolean(this.target) });
    return {
      target: { pid: this.sampler.rootPid, name: this.targetName, ...(o.command ? { command: o.command } : {}), startedByWatch: Boolean(this.target) },
      mode,
      plan,
      intervalMs: o.intervalMs,
      startedAt: this.startedAt,
      durationMs,
      cyclesDone: this.cyclesDone,
      ...(cyclesPlanned !== undefined ? { cyclesPlanned } : {}),
      samples: this.samples,
      analysis: analyse(this.samples, plan),
      end,
      notes: this.notes,
      targetOutput: this.target?.outputTail() ?? [],
    };
  }
}

function describeShell(outcome: ShellOutcome): string {
  const how = outcome.error ?? (outcome.timedOut ? 'timed out' : outcome.exit ? describeExit(outcome.exit) : 'failed');
  const last = outcome.output.filter((l) => l.trim()).slice(-1)[0];
  return last ? `${how}: ${last.trim()}` : how;
}

function describeEnd(
  end: WatchEnd,
  ctx: { durationMs: number; samples: number; cyclesDone: number; cyclesPlanned?: number; startedByWatch: boolean },
): string {
  const measured = `${ctx.samples} sample${ctx.samples === 1 ? '' : 's'} in ${formatDuration(ctx.durationMs)}${ctx.cyclesPlanned !== undefined ? `, ${ctx.cyclesDone}/${ctx.cyclesPlanned} cycles` : ''}`;
  const stopped = end.stop ? describeStop(end.stop, end.exit) : '';
  switch (end.reason) {
    case 'target-exited': {
      const how = end.exit ? describeExit(end.exit) : 'exit status unknown (not a child of leakaudit)';
      return `${end.early ? 'target exited early' : 'target exited'}: ${how}; measured ${measured}`;
    }
    case 'cycle-failed':
      return `cycle ${end.cycleFailure!.cycle} failed (${describeShell(end.cycleFailure!.outcome)}); measured ${measured}${stopped}`;
    case 'ready-failed':
      return `the target never became ready; measured ${measured}${stopped}`;
    case 'interrupted':
      return `interrupted${end.interruptedBy && end.interruptedBy !== 'interrupt' ? ` by ${end.interruptedBy}` : ''}; measured ${measured}${stopped}`;
    case 'cycles':
      return `all ${ctx.cyclesDone} cycles done; measured ${measured}${stopped}`;
    case 'duration':
      return `duration reached; measured ${measured}${stopped}`;
  }
}

function describeStop(stop: StopOutcome, exit: ExitStatus | undefined): string {
  const status = exit ? (exit.signal ? `, which ended by ${exit.signal} (status ${exit.status})` : `, which exited with code ${exit.code ?? exit.status}`) : '';
  const strays = stop.strays > 0 ? `; also stopped ${stop.strays} descendant${stop.strays === 1 ? '' : 's'} outside its process group` : '';
  switch (stop.how) {
    case 'already-exited':
      return `; the target had already exited${strays}`;
    case 'terminated':
      return `; stopped the target with ${stop.firstSignal} in ${formatDuration(stop.tookMs)}${status}${strays}`;
    case 'killed':
      return `; the target ignored ${stop.firstSignal}: killed with SIGKILL after the grace period${status}${strays}`;
  }
}
