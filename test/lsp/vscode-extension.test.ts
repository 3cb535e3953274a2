// editors/vscode/extension.js as VS Code would run it: activate() with the
// `vscode` API and vscode-languageclient supplied by the editor (here: the
// few members the extension touches, recording what it asks for), then the
// server command it chose, started for real and spoken to over LSP.
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DidOpenTextDocumentNotification, ExitNotification, InitializeRequest, ShutdownRequest } from 'vscode-languageserver-protocol/node';
import { makeTree, REPO } from '../helpers.js';
import { fileUri, startLspClient } from './lsp-client.js';

interface Captured {
  id: string;
  server: { run: { command: string; args: string[] } };
  client: { documentSelector: { scheme: string; language: string }[] };
  started: boolean;
  stopped: boolean;
}

const EXTENSION = join(REPO, 'editors', 'vscode', 'extension.js');
type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Load };
const realLoad = moduleWithLoad._load;
afterAll(() => {
  moduleWithLoad._load = realLoad;
});

function loadExtension(workspace: string, configured = ''): { ext: { activate(c: unknown): Promise<void>; deactivate(): Promise<void> }; captured: Captured[] } {
  const captured: Captured[] = [];
  const vscode = { workspace: { getConfiguration: () => ({ get: () => configured }), workspaceFolders: [{ uri: { fsPath: workspace } }] } };
  class LanguageClient {
    private readonly record: Captured;
    constructor(id: string, _name: string, server: Captured['server'], client: Captured['client']) {
      this.record = { id, server, client, started: false, stopped: false };
      captured.push(this.record);
    }
    async start(): Promise<void> {
      this.record.started = true;
    }
    async stop(): Promise<void> {
      this.record.stopped = true;
    }
    dispose(): void {}
  }
  moduleWithLoad._load = (request, parent, isMain) => {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return { LanguageClient };
    return realLoad(request, parent, isMain);
  };
  const require = createRequire(EXTENSION);
  delete require.cache[EXTENSION];
  return { ext: require(EXTENSION), captured };
}

it("starts the workspace's leakaudit with lsp --stdio for Rust, TypeScript and JavaScript, and the server answers", async () => {
  const root = makeTree({
    'package.json': '{ "name": "app" }\n',
    '.gitignore': 'node_modules/\n',
    'src/heartbeat.ts': readFileSync(join(import.meta.dirname, 'fixtures', 'workspace', 'src', 'heartbeat.ts'), 'utf8'),
  });
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(REPO, 'bin', 'leakaudit.js'), join(root, 'node_modules', '.bin', 'leakaudit'));
  const { ext, captured } = loadExtension(root);
  const subscriptions: unknown[] = [];
  await ext.activate({ subscriptions });
  expect(captured).toHaveLength(1);
  const [c] = captured;
  expect(c!.started).toBe(true);
  expect(subscriptions).toHaveLength(1);
  expect(c!.server.run).toEqual({ command: join(root, 'node_modules', '.bin', 'leakaudit'), args: ['lsp', '--stdio'] });
  expect(c!.client.documentSelector.map((d) => d.language).sort()).toEqual(['javascript', 'javascriptreact', 'rust', 'typescript', 'typescriptreact']);

  // The command it chose is a working server.
  const client = startLspClient([], {}, c!.server.run);
  await client.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: fileUri(root), capabilities: {} });
  const file = join(root, 'src', 'heartbeat.ts');
  const published = client.nextDiagnostics(fileUri(file));
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: fileUri(file), languageId: 'typescript', version: 1, text: readFileSync(file, 'utf8') } });
  expect((await published).map((d) => d.code)).toEqual(['task-unstoppable']);
  await client.connection.sendRequest(ShutdownRequest.type);
  await client.connection.sendNotification(ExitNotification.type);
  expect(await client.exited).toBe(0);

  await ext.deactivate();
  expect(c!.stopped).toBe(true);

  // The setting wins over the workspace's install.
  const other = loadExtension(root, '/opt/leakaudit/bin/leakaudit');
  await other.ext.activate({ subscriptions: [] });
  expect(other.captured[0]!.server.run.command).toBe('/opt/leakaudit/bin/leakaudit');
});
