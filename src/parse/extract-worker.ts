// Entry point of an extraction worker thread: load the parser once, then work
// through the jobs handed over, one at a time, in order. The parent times each job and replaces a worker that
// dies or overruns, so this file does nothing clever about failure.
import { parentPort, workerData } from 'node:worker_threads';
import { pack, runJob, type ExtractionJob } from './extraction-job.js';
import type { WorkerConfig } from './worker-pool.js';
import type { Grammar } from './syntax.js';
import { WasmBackend } from './wasm-backend.js';

const config = workerData as WorkerConfig;
const port = parentPort!;
const backend = await WasmBackend.create(config.grammars, config.parseTimeoutMs);

/** Jobs run strictly one after another, in the order they came: the parent times the first it handed over. */
let chain: Promise<void> = Promise.resolve();

port.on('message', (msg: ExtractionJob | { preload: Grammar[] }) => {
  if ('preload' in msg) {
    // Compile grammars while the parent is still discovering files; a failure shows up in the first job.
    for (const grammar of msg.preload) backend.load(grammar).catch(() => undefined);
    return;
  }
  chain = chain.then(() => run(msg));
});

async function run(job: ExtractionJob): Promise<void> {
  const faults = config.faults;
  if (faults?.crashOn && job.relPath.endsWith(faults.crashOn) && job.attempt < (faults.crashAttempts ?? 1)) {
    setImmediate(() => {
      throw new Error(`injected crash on ${job.relPath}`);
    });
    // Take no other job: the crash must hit while this one is the worker's.
    await new Promise(() => undefined);
  }
  if (faults?.hangOn && job.relPath.endsWith(faults.hangOn)) for (;;);
  const result = await runJob(job, backend, config.models, config.cache, config.extract).catch((err: unknown) => ({
    id: job.id,
    outcome: { ok: false as const, relPath: job.relPath, reason: `extraction failed: ${(err as Error)?.message ?? String(err)}` },
  }));
  port.postMessage(pack({ ...result, memoryBytes: backend.memoryBytes() }));
}
port.postMessage({ ready: true });
