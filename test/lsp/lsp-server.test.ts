// `leakaudit lsp --stdio` driven by a real LSP client (vscode-languageserver-protocol):
// diagnostics on open and save, related information, hover, the suppression
// quick fix, bad input, and a clean shutdown.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  DidChangeWorkspaceFoldersNotification,
  type ClientCapabilities,
  type CodeAction,
  type Diagnostic,
  type Hover,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { fileUri, startLspClient, type LspClient } from './lsp-client.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'workspace');

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakaudit-lsp-'));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

const clients: LspClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) if (c.child.exitCode === null) c.child.kill();
});

async function start(root: string, args: string[] = [], capabilities: ClientCapabilities = {}): Promise<LspClient> {
  const client = startLspClient(args, { XDG_CACHE_HOME: join(root, '.xdg-cache') });
  clients.push(client);
  const init = await client.connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: fileUri(root),
    workspaceFolders: [{ uri: fileUri(root), name: 'fixture' }],
    capabilities,
  });
  expect(init.capabilities.hoverProvider).toBe(true);
  await client.connection.sendNotification(InitializedNotification.type, {});
  return client;
}

async function open(client: LspClient, path: string): Promise<void> {
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: fileUri(path), languageId: 'typescript', version: 1, text: readFileSync(path, 'utf8') },
  });
}

async function save(client: LspClient, path: string, text: string): Promise<void> {
  writeFileSync(path, text);
  await client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: fileUri(path) } });
}

async function stop(client: LspClient): Promise<number | null> {
  await client.connection.sendRequest(ShutdownRequest.type);
  await client.connection.sendNotification(ExitNotification.type);
  return client.exited;
}

describe('leakaudit lsp --stdio', () => {
  it('publishes findings on open with range, code, source and the evidence chain; hover and the suppression quick fix work; save updates', async () => {
    const root = workspace();
    const service = join(root, 'src', 'service.ts');
    const heartbeat = join(root, 'src', 'heartbeat.ts');
    const client = await start(root);
    const serviceDiagnostics = client.nextDiagnostics(fileUri(service));
    const heartbeatDiagnostics = client.nextDiagnostics(fileUri(heartbeat));
    await open(client, service);

    // The opened file: `processQueue(..)` on line 9, column 5.
    const [d] = await serviceDiagnostics;
    expect(d).toMatchObject({
      range: { start: { line: 8, character: 4 }, end: { line: 8, character: 64 } },
      severity: 1,
      code: 'task-unstoppable',
      source: 'leakaudit',
    });
    expect(d!.message).toContain('`processQueue()` in `QueueService::enqueue()` starts a `for (;;)` every 250 ms that never stops');
    // The evidence chain leads to the loop in the other file.
    const related = d!.relatedInformation!;
    expect(related.find((r) => r.message.startsWith('the spawned body calls `processQueue()`'))?.location).toMatchObject({
      uri: fileUri(join(root, 'src', 'worker-loop.ts')),
      range: { start: { line: 1 } },
    });
    expect(related.find((r) => r.message.startsWith('the body is a `for (;;)`'))?.location.range.start.line).toBe(2);

    // Files not opened that have findings are published too; related locations carry their own message.
    const [h] = await heartbeatDiagnostics;
    expect(h).toMatchObject({ code: 'task-unstoppable', range: { start: { line: 4, character: 17 } } });
    expect(h!.relatedInformation!.find((r) => r.message === 'teardown `Heartbeat::close` does not stop it')?.location.range.start.line).toBe(7);

    // Hover on the finding: growth, impact and fix; nothing elsewhere.
    const hover = (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: fileUri(service) }, position: { line: 8, character: 10 } })) as Hover;
    const text = (hover.contents as MarkupContent).value;
    expect(text).toContain('**Growth:** +1 task per call of `QueueService::enqueue()`');
    expect(text).toContain('**Impact:** one pending async function');
    expect(text).toContain('**Fix:** Give the loop an `AbortSignal`');
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: fileUri(service) }, position: { line: 2, character: 3 } })).toBeNull();

    // The quick fix inserts a suppression comment above the finding, indented like it, with the reason to write.
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fileUri(service) },
      range: d!.range,
      context: { diagnostics: [d!] },
    })) as CodeAction[];
    expect(actions).toHaveLength(1);
    expect(actions[0]!.kind).toBe('quickfix');
    const edits = actions[0]!.edit!.changes![fileUri(service)]! as TextEdit[];
    expect(edits).toEqual([{ range: { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } }, newText: '    // leakaudit-ignore[task-unstoppable]: \n' }]);

    // Applied as is and saved: no reason yet, so the finding stays and the comment's line says why.
    const lines = readFileSync(service, 'utf8').split('\n');
    lines.splice(8, 0, edits[0]!.newText.replace(/\n$/, ''));
    const withoutReason = client.nextDiagnostics(fileUri(service), (ds) => ds.some((x) => x.code === 'leakaudit-ignore'));
    await save(client, service, lines.join('\n'));
    const pending = await withoutReason;
    expect(pending.find((x) => x.code === 'leakaudit-ignore')).toMatchObject({ range: { start: { line: 8 } }, severity: 2 });
    expect(pending.find((x) => x.code === 'leakaudit-ignore')!.message).toContain('needs a reason');
    expect(pending.find((x) => x.code === 'task-unstoppable')?.range.start.line).toBe(9);

    // With a reason written, the finding is suppressed and the file's diagnostics are cleared.
    lines[8] = '    // leakaudit-ignore[task-unstoppable]: the queue service is created once per process';
    const cleared = client.nextDiagnostics(fileUri(service), (ds) => ds.length === 0);
    await save(client, service, lines.join('\n'));
    expect(await cleared).toEqual([]);

    // Fixing the other file and saving clears it too.
    await open(client, heartbeat);
    const fixed = client.nextDiagnostics(fileUri(heartbeat), (ds) => ds.length === 0);
    await save(client, heartbeat, readFileSync(heartbeat, 'utf8').replace("console.log('closing', this.timer !== undefined);", 'clearInterval(this.timer);'));
    expect(await fixed).toEqual([]);

    // A new leak saved into a clean file appears.
    const added = client.nextDiagnostics(fileUri(heartbeat), (ds) => ds.length === 1);
    await save(client, heartbeat, `${readFileSync(heartbeat, 'utf8')}\nexport function tick(): void {\n  setInterval(() => console.log('tick'), 1000);\n}\n`);
    expect((await added)[0]).toMatchObject({ code: 'task-unstoppable', range: { start: { line: 13, character: 2 } } });

    expect(await stop(client)).toBe(0);
    expect(client.messages).toEqual([]);
  });

  it('survives a file that does not parse, a workspace without sources and a root that does not exist', async () => {
    const root = workspace();
    const client = await start(root);
    const broken = join(root, 'src', 'broken.ts');
    writeFileSync(broken, 'export class {{{ (( => ;\n');
    const service = join(root, 'src', 'service.ts');
    const published = client.nextDiagnostics(fileUri(service));
    await open(client, broken);
    expect((await published).map((d: Diagnostic) => d.code)).toEqual(['task-unstoppable']);
    // Still answering.
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: fileUri(broken) }, position: { line: 0, character: 0 } })).toBeNull();
    expect(await stop(client)).toBe(0);

    const empty = mkdtempSync(join(tmpdir(), 'leakaudit-lsp-empty-'));
    const idle = await start(empty);
    await idle.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: fileUri(join(empty, 'README.md')), languageId: 'markdown', version: 1, text: '# notes' },
    });
    await idle.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: fileUri(join(empty, 'new.ts')), languageId: 'typescript', version: 1, text: '' },
    });
    expect(await stop(idle)).toBe(0);
    expect(idle.diagnostics.size).toBe(0);

    const missing = join(empty, 'gone');
    const lost = await start(missing);
    await lost.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: fileUri(join(missing, 'a.ts')), languageId: 'typescript', version: 1, text: '' },
    });
    expect(await stop(lost)).toBe(0);
    expect(lost.messages).toEqual([`leakaudit: cannot audit ${missing}: the workspace folder ${missing} does not exist`]);
    expect(lost.stderr()).not.toMatch(/at .*\.js:\d+/);
  });

  it('shutdown waits for a running audit and its worker threads, then exit ends the process with 0', async () => {
    // Enough code that a cold audit starts worker threads (work under 192 KiB stays on the main thread).
    const root = workspace();
    const leaky = readFileSync(join(root, 'src', 'heartbeat.ts'), 'utf8');
    for (let i = 0; i < 120; i++) writeFileSync(join(root, 'src', `heartbeat-${i}.ts`), `${leaky}\n${'// padding to make the file bigger\n'.repeat(100)}`);
    const client = await start(root, ['--jobs', '2']);
    const opened = join(root, 'src', 'heartbeat-0.ts');
    await open(client, opened);
    // Sent at once: the reply comes only after the audit finished and published.
    await client.connection.sendRequest(ShutdownRequest.type);
    expect(client.diagnostics.size).toBe(122);
    expect(client.diagnostics.get(fileUri(opened))?.[0]?.code).toBe('task-unstoppable');
    expect(client.logs.join('\n')).toMatch(/123 files parsed, [12] worker threads/);
    await client.connection.sendNotification(ExitNotification.type);
    expect(await client.exited).toBe(0);
  });

  it('clears the diagnostics of a workspace folder the editor removes', async () => {
    const root = workspace();
    const client = await start(root, [], { workspace: { workspaceFolders: true } });
    const service = fileUri(join(root, 'src', 'service.ts'));
    const heartbeat = fileUri(join(root, 'src', 'heartbeat.ts'));
    const published = client.nextDiagnostics(heartbeat);
    await open(client, join(root, 'src', 'service.ts'));
    expect(await published).toHaveLength(1);
    const cleared = Promise.all([service, heartbeat].map((uri) => client.nextDiagnostics(uri, (ds) => ds.length === 0)));
    await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [], removed: [{ uri: fileUri(root), name: 'fixture' }] } });
    expect(await cleared).toEqual([[], []]);
    expect(await stop(client)).toBe(0);
  });

  it('asks for --stdio', async () => {
    const { runCli } = await import('../helpers.js');
    const r = runCli(['lsp']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('leakaudit: lsp: pass --stdio (the only transport; editors add it to the command they start)');
  });
});
