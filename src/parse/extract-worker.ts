// Entry point of an extraction worker thread: load the parser once, then take
// jobs one at a time. The parent times each job and replaces a worker that
// dies or overruns, so this file does nothing clever about failure.
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type ExtractionJob } from './extraction-job.js';
import type { WorkerConfig } from './worker-pool.js';
import type { Grammar } from './syntax.js';
import { WasmBackend } from './wasm-backend.js';

const config = workerData as WorkerConfig;
const port = parentPort!;
const backend = await WasmBackend.create(config.grammars, config.parseTimeoutMs);

port.on('message', (msg: ExtractionJob | { preload: Grammar[] }) => {
  if ('preload' in msg) {
    // Compile grammars while the parent is still discovering files; a failure shows up in the first job.
    for (const grammar of msg.preload) backend.load(grammar).catch(() => undefined);
    return;
  }
  const job = msg;
  const faults = config.faults;
  if (faults?.crashOn && job.relPath.endsWith(faults.crashOn) && job.attempt < (faults.crashAttempts ?? 1)) {
    setImmediate(() => {
      throw new Error(`injected crash on ${job.relPath}`);
    });
    return;
  }
  if (faults?.hangOn && job.relPath.endsWith(faults.hangOn)) for (;;);
  runJob(job, backend, config.models, config.cache)
    .catch((err: unknown) => ({ id: job.id, outcome: { ok: false as const, relPath: job.relPath, reason: `extraction failed: ${(err as Error)?.message ?? String(err)}` } }))
    .then((result) => port.postMessage(result));
});
port.postMessage({ ready: true });
