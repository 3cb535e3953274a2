// The floor under any cold audit built on web-tree-sitter: discover the files
// leakaudit would audit, then only read and parse them (and free each tree),
// in as many worker threads as leakaudit uses, with the same greedy
// largest-first split, skipping the generated files it skips. No fact is extracted, nothing is judged or reported.
// bench.ts times it beside leakaudit and ast-grep: what it takes is what
// parsing alone costs, whatever the frontends do.
//
//   node bench/parse-floor.mjs [--jobs N] DIR...
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const dist = new URL('../dist/', import.meta.url);

if (isMainThread) {
  const args = process.argv.slice(2);
  let jobs = availableParallelism();
  const dirs = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--jobs') jobs = Number(args[++i]);
    else dirs.push(resolve(args[i]));
  }
  if (dirs.length === 0 || !Number.isInteger(jobs) || jobs < 1) {
    process.stderr.write('usage: node bench/parse-floor.mjs [--jobs N] DIR...\n');
    process.exit(2);
  }
  const { discover } = await import(new URL('discover/walk.js', dist).href);
  const { DEFAULT_MAX_FILE_BYTES } = await import(new URL('pipeline/run-audit.js', dist).href);
  const found = await discover({ root: dirs.length === 1 ? dirs[0] : resolve(dirs[0], '..'), paths: dirs, maxFileBytes: DEFAULT_MAX_FILE_BYTES });
  const files = found.files.map((f) => ({ path: f.absPath, grammar: f.info.grammar, size: f.size })).sort((a, b) => b.size - a.size);
  // Greedy largest-first: each file goes to the worker with the fewest bytes so far.
  const shares = Array.from({ length: jobs }, () => ({ bytes: 0, files: [] }));
  for (const file of files) {
    const lightest = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.files.push(file);
    lightest.bytes += file.size;
  }
  const parsed = await Promise.all(
    shares.map(
      (share) =>
        new Promise((done, fail) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: share.files });
          worker.once('message', done);
          worker.once('error', fail);
        }),
    ),
  );
  process.stdout.write(`${JSON.stringify({ files: files.length, bytes: files.reduce((n, f) => n + f.size, 0), parsed: parsed.reduce((a, b) => a + b, 0) })}\n`);
} else {
  const { WasmBackend } = await import(new URL('parse/wasm-backend.js', dist).href);
  const { decodeSource } = await import(new URL('parse/decode.js', dist).href);
  const { generatedReason } = await import(new URL('parse/generated.js', dist).href);
  const backend = await WasmBackend.create([...new Set(workerData.map((f) => f.grammar))]);
  let parsed = 0;
  for (const file of workerData) {
    const decoded = decodeSource(readFileSync(file.path));
    // The files leakaudit skips unparsed (binary, generated) are skipped here too.
    if (!decoded.ok || generatedReason(file.path, decoded.text)) continue;
    backend.parse(decoded.text, file.grammar).delete();
    parsed++;
  }
  parentPort.postMessage(parsed);
}
