// A pool of extraction worker threads. Each worker works through its jobs one
// at a time, under a wall-clock budget each, and holds the next job in hand
// while it works on one: it never waits for the main thread between files.
// Memory stays bounded: the bytes being parsed at
// once are capped (a big file waits for the others rather than doubling the
// peak), and a worker whose parser memory grew past a limit is replaced, since
// WebAssembly memory only grows. (Most big files fit in the memory the parser
// starts with; replacing a worker after each one cost a new worker and a cold
// optimiser for nothing.) A worker that dies is replaced and its job
// retried once, then skipped with the reason; a worker that overruns its
// budget is terminated and replaced, and its file skipped with a note. The
// pool never throws: every job resolves to a result.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ResourceModel } from '../models/schema.js';
import { unpack, type CacheTarget, type ExtractionJob, type FaultInjection, type JobResult, type PackedResult } from './extraction-job.js';
import type { ExtractOptions } from './extract-file.js';
import { timedOut } from './outcome.js';
import type { Grammar } from './syntax.js';

export interface WorkerConfig {
  grammars: Grammar[];
  parseTimeoutMs: number;
  models: ResourceModel[];
  cache?: CacheTarget;
  extract?: ExtractOptions;
  faults?: FaultInjection;
}

export interface PoolOptions {
  size: number;
  worker: WorkerConfig;
  /** Budget for one job (read + parse + extract + cache write), measured from dispatch. */
  jobTimeoutMs: number;
  /** Source bytes in flight across all workers; one job always runs, however big. */
  maxBytesInFlight?: number;
  /** A worker whose parser memory reached this many bytes is replaced, returning it. */
  recycleAboveMemoryBytes?: number;
}

export const DEFAULT_MAX_BYTES_IN_FLIGHT = 1024 * 1024;
/** The parser starts with 32 MiB; a 1.7 MB TypeScript file still fits in it. */
export const DEFAULT_RECYCLE_ABOVE_MEMORY_BYTES = 128 * 1024 * 1024;

/** Jobs handed to one worker at once: the one it works on and the next. */
const JOBS_PER_WORKER = 2;

/** Workers that die before they are ready this many times in a row mean workers cannot start here. */
const MAX_BOOT_FAILURES = 3;

interface Pending {
  job: ExtractionJob;
  resolve(result: JobResult): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Set when the pool itself ends the worker: its exit is not a crash. */
  retired: boolean;
  /** Jobs handed to the worker, in order: it works on the first; results come back in this order. */
  inHand: Pending[];
  /** The budget of the first job in hand. */
  timer?: NodeJS.Timeout;
  error?: string;
}

export class ExtractionPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private bootFailures = 0;
  private closed = false;
  private bytesInFlight = 0;
  /** Workers started, replacements included. */
  started = 0;

  constructor(private readonly opts: PoolOptions) {
    for (let i = 0; i < opts.size; i++) this.spawn();
  }

  extract(job: ExtractionJob): Promise<JobResult> {
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
    });
  }

  /** Has every worker, and every replacement, compile these grammars now rather than at their first file. */
  preload(grammars: readonly Grammar[]): void {
    const fresh = grammars.filter((g) => !this.opts.worker.grammars.includes(g));
    if (fresh.length === 0) return;
    this.opts.worker.grammars = [...this.opts.worker.grammars, ...fresh];
    for (const slot of this.slots) if (!slot.retired) slot.worker.postMessage({ preload: fresh });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots];
    for (const slot of slots) slot.retired = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): void {
    const worker = startWorker(this.opts.worker);
    this.started++;
    const slot: Slot = { worker, ready: false, retired: false, inHand: [] };
    this.slots.add(slot);
    worker.on('message', (msg: JobResult | PackedResult | { ready: true }) => this.onMessage(slot, msg));
    worker.on('error', (err) => {
      slot.error ??= err?.message ?? String(err);
    });
    worker.on('exit', (code) => this.onExit(slot, code));
  }

  private pump(): void {
    for (const slot of this.slots) {
      while (this.queue.length > 0 && slot.ready && !slot.retired && this.takesMore(slot)) {
        const next = this.nextFitting();
        if (next < 0) return;
        const pending = this.queue.splice(next, 1)[0]!;
        slot.inHand.push(pending);
        this.bytesInFlight += pending.job.size;
        if (slot.inHand.length === 1) this.startBudget(slot);
        slot.worker.postMessage(pending.job);
      }
    }
  }

  private takesMore(slot: Slot): boolean {
    return slot.inHand.length < JOBS_PER_WORKER;
  }

  /** The first job in hand starts now: the worker finished the one before it, or had none. */
  private startBudget(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => this.onTimeout(slot), this.opts.jobTimeoutMs);
  }

  /** The first queued job (largest first) that fits in the bytes-in-flight budget, or -1. */
  private nextFitting(): number {
    if (this.bytesInFlight === 0) return 0;
    const room = (this.opts.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT) - this.bytesInFlight;
    return this.queue.findIndex((p) => p.job.size <= room);
  }

  /** The slot's first job is over (done, timed out or crashed): its bytes leave the budget, and the next job's budget starts. */
  private release(slot: Slot): Pending | undefined {
    const pending = slot.inHand.shift();
    clearTimeout(slot.timer);
    slot.timer = undefined;
    if (pending) this.bytesInFlight -= pending.job.size;
    if (slot.inHand.length > 0) this.startBudget(slot);
    return pending;
  }

  /** Jobs handed to a worker that will not do them go back to the front of the queue, as they were. */
  private giveBack(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    const rest = slot.inHand.splice(0);
    for (const p of rest) this.bytesInFlight -= p.job.size;
    this.queue.unshift(...rest);
  }

  private onMessage(slot: Slot, msg: JobResult | PackedResult | { ready: true }): void {
    if ('ready' in msg) {
      slot.ready = true;
      this.bootFailures = 0;
      this.pump();
      return;
    }
    if (slot.inHand[0]?.job.id !== msg.id) return;
    const pending = this.release(slot)!;
    pending.resolve(unpack(msg));
    if ((msg.memoryBytes ?? 0) >= (this.opts.recycleAboveMemoryBytes ?? DEFAULT_RECYCLE_ABOVE_MEMORY_BYTES) && !this.closed) {
      this.giveBack(slot);
      this.retire(slot);
      this.spawn();
    }
    this.pump();
  }

  private onTimeout(slot: Slot): void {
    const pending = this.release(slot);
    if (!pending) return;
    this.giveBack(slot);
    this.retire(slot);
    pending.resolve({ id: pending.job.id, outcome: timedOut(pending.job, this.opts.jobTimeoutMs) });
    this.spawn();
    this.pump();
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    this.slots.delete(slot);
    void slot.worker.terminate();
  }

  private onExit(slot: Slot, code: number): void {
    if (slot.retired) return;
    this.slots.delete(slot);
    if (!slot.ready) this.bootFailures++;
    const why = slot.error ?? `exit code ${code}`;
    // The first job in hand is the one the worker was on; the others go back as they were.
    const pending = this.release(slot);
    this.giveBack(slot);
    if (pending) {
      if (pending.job.attempt < 1) this.queue.unshift({ job: { ...pending.job, attempt: pending.job.attempt + 1 }, resolve: pending.resolve });
      else pending.resolve(skip(pending.job, `the extraction worker crashed twice on this file (${why})`));
    }
    if (this.closed) return;
    if (this.bootFailures >= MAX_BOOT_FAILURES && this.slots.size === 0) {
      for (const p of this.queue.splice(0)) p.resolve(skip(p.job, `extraction workers cannot start (${why})`));
      return;
    }
    this.spawn();
    this.pump();
  }
}

function skip(job: ExtractionJob, reason: string): JobResult {
  return { id: job.id, outcome: { ok: false, relPath: job.relPath, reason } };
}

/**
 * The compiled worker runs as is; from TypeScript sources (tests, `tsx`) the
 * worker registers tsx first, since worker threads do not inherit loaders.
 */
function startWorker(workerData: WorkerConfig): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./extract-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData });
  const tsxApi = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const boot = `import { register } from ${JSON.stringify(pathToFileURL(tsxApi).href)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
}
