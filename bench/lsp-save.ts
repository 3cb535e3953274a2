// Benchmark (not a test): how long after a save the editor has its
// diagnostics, against a command-line run after the same one-file change.
// Each sample inserts (or removes) comment lines at the top of FILE, which
// move every finding in it (FILE must have one), then either sends didSave to
// a running `leakaudit lsp --stdio` and times until it publishes FILE's
// diagnostics, or times `leakaudit DIR -q -f json` (the one-file-changed run
// of bench.ts). Both share the tree's fact cache and alternate, so each
// measured run follows exactly one changed file. FILE is restored at the end.
//
//   npm run build
//   npx tsx bench/lsp-save.ts [--runs 7] DIR FILE
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'leakaudit.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function cliRun(dir: string): Promise<number> {
  const started = performance.now();
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, [BIN, dir, '-q', '-f', 'json', '--fail-on', 'none'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`leakaudit exited ${code}`))));
  });
  return performance.now() - started;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let runs = 7;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else rest.push(args[i]!);
  }
  if (rest.length !== 2 || !(runs > 0)) throw new Error('usage: npx tsx bench/lsp-save.ts [--runs 7] DIR FILE');
  const dir = resolve(rest[0]!);
  const file = resolve(dir, rest[1]!);
  const uri = pathToFileURL(file).href;
  const original = readFileSync(file, 'utf8');

  const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let waiting: (() => void) | undefined;
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    if (p.uri === uri && waiting) {
      const w = waiting;
      waiting = undefined;
      w();
    }
  });
  connection.listen();
  const published = (): Promise<void> =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no diagnostics for ${file} within 60 s`)), 60_000);
      waiting = () => {
        clearTimeout(timer);
        done();
      };
    });
  const lsp: number[] = [];
  const cli: number[] = [];
  try {
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'bench' }], capabilities: {} });
    await connection.sendNotification(InitializedNotification.type, {});
    let started = performance.now();
    let next = published();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text: original } });
    await next;
    process.stderr.write(`first diagnostics after open: ${Math.round(performance.now() - started)} ms\n`);
    await cliRun(dir); // the CLI sees the tree as the server left it
    // Each sample follows one change of FILE, alternating server and CLI: the server's saves
    // insert one or two lines (so its diagnostics differ from the ones it last sent), the
    // command line's runs see the original.
    const insert = (lines: number): void => writeFileSync(file, `${'// lsp-save bench\n'.repeat(lines)}${original}`);
    for (let round = 0; round < runs; round++) {
      insert(1 + (round % 2));
      started = performance.now();
      next = published();
      await connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
      await next;
      lsp.push(performance.now() - started);
      insert(0);
      cli.push(await cliRun(dir));
    }
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
  } finally {
    writeFileSync(file, original);
    if (child.exitCode === null) child.kill();
  }
  const fmt = (xs: number[]): string => `median ${Math.round(median(xs))} ms, min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))} (${xs.length} runs)`;
  process.stdout.write(`didSave -> publishDiagnostics: ${fmt(lsp)}\nCLI, one file changed:        ${fmt(cli)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`lsp-save: ${(err as Error).message}\n`);
  process.exit(1);
});
