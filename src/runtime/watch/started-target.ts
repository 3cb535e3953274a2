// `watch -- CMD ARGS`: the command runs in its own session and process group,
// so the whole group can be signalled; descendants that left the group are
// tracked by (pid, start time) and killed one by one. Stopping is SIGTERM,
// then SIGKILL after a grace period: nothing is left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { exitStatus, type ExitStatus } from './exit-status.js';
import { OutputTail } from './output-tail.js';
import { parseStat, type ParsedStat } from './proc-reader.js';
import { killGroup } from './shell-command.js';
import { sleep, TIMED_OUT, within } from './timing.js';

export interface StopOutcome {
  /** How the stop went: the target was already gone, exited on SIGTERM (or the forwarded signal), or needed SIGKILL. */
  how: 'already-exited' | 'terminated' | 'killed';
  /** Signal sent first. */
  firstSignal: NodeJS.Signals;
  /** Milliseconds from the first signal to the exit of the whole tree. */
  tookMs: number;
  /** Descendants outside the process group, stopped one by one. */
  strays: number;
}

export interface TargetOutputOptions {
  /** Copy the target's stdout and stderr here as they come (e.g. our stderr in plain mode). */
  echo?: NodeJS.WritableStream;
  /** Also save them to this file. */
  logFile?: string;
}

export class StartedTarget {
  readonly exited: Promise<ExitStatus>;
  private exit?: ExitStatus;
  private readonly tail = new OutputTail(20);

  private constructor(
    child: ChildProcess,
    readonly pid: number,
    readonly command: string[],
    private readonly log?: WriteStream,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = exitStatus(code, signal);
        resolve(this.exit);
      });
    });
  }

  /** Start the command; rejects with a one-line reason when it cannot be started at all. */
  static async start(command: string[], env: NodeJS.ProcessEnv, output: TargetOutputOptions = {}): Promise<StartedTarget> {
    const [file, ...args] = command;
    if (!file) throw new Error('no command given after --');
    const log = output.logFile ? createWriteStream(output.logFile) : undefined;
    const child = spawn(file, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err: NodeJS.ErrnoException) => {
        log?.end();
        reject(new Error(err.code === 'ENOENT' ? `cannot start ${file}: command not found` : err.code === 'EACCES' ? `cannot start ${file}: permission denied` : `cannot start ${file}: ${err.message}`));
      });
    });
    const target = new StartedTarget(child, child.pid!, command, log);
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        target.tail.push(chunk);
        output.echo?.write(chunk);
        log?.write(chunk);
      });
    }
    return target;
  }

  get exitStatus(): ExitStatus | undefined {
    return this.exit;
  }

  /** The last lines the target printed. */
  outputTail(): string[] {
    return this.tail.lines();
  }

  /** Forward a signal to the target's process group. */
  signal(signal: NodeJS.Signals): void {
    if (!this.exit) killGroup(this.pid, signal);
  }

  /**
   * Stop the target and everything it started: `firstSignal` to the group,
   * then SIGKILL to the group and to every stray descendant once `graceMs`
   * has passed. `seen` holds the descendants observed while sampling.
   */
  async stop(graceMs: number, seen: ReadonlyMap<number, number>, firstSignal: NodeJS.Signals = 'SIGTERM'): Promise<StopOutcome> {
    const started = performance.now();
    // Descendants that left the process group (setsid, detached spawns) get every signal one by one.
    const strays = await liveStrays(this.pid, seen);
    if (this.exit) {
      for (const pid of strays) signalPid(pid, 'SIGKILL');
      await this.closeLog();
      return { how: 'already-exited', firstSignal, tookMs: 0, strays: strays.length };
    }
    killGroup(this.pid, firstSignal);
    for (const pid of strays) signalPid(pid, firstSignal);
    const exitedInTime = (await within(this.exited, graceMs)) !== TIMED_OUT;
    // Give the rest of the group and the strays the remainder of the grace period too.
    while (exitedInTime && (groupAlive(this.pid) || strays.some(isAlive)) && performance.now() - started < graceMs) await sleep(20);
    killGroup(this.pid, 'SIGKILL');
    for (const pid of strays) if (isAlive(pid)) signalPid(pid, 'SIGKILL');
    await this.exited;
    await this.closeLog();
    return { how: exitedInTime ? 'terminated' : 'killed', firstSignal, tookMs: performance.now() - started, strays: strays.length };
  }

  private closeLog(): Promise<void> {
    return new Promise((resolve) => (this.log ? this.log.end(() => resolve()) : resolve()));
  }
}

/** Descendants seen during the watch, still the same processes, outside the target's process group. */
async function liveStrays(rootPid: number, seen: ReadonlyMap<number, number>): Promise<number[]> {
  const strays: number[] = [];
  for (const [pid, startTime] of seen) {
    if (pid === rootPid) continue;
    const stat = await statOf(pid);
    if (stat && stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X' && stat.pgrp !== rootPid) strays.push(pid);
  }
  return strays;
}

async function statOf(pid: number): Promise<ParsedStat | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0 as unknown as NodeJS.Signals);
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
