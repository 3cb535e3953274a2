// A Language Server Protocol client for tests: spawns the built
// `leakaudit lsp --stdio`, speaks to it with vscode-languageserver-protocol,
// and collects what it publishes.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  LogMessageNotification,
  type Diagnostic,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { BIN } from '../helpers.js';

export interface LspClient {
  connection: ProtocolConnection;
  child: ChildProcess;
  /** The last diagnostics published per URI. */
  diagnostics: Map<string, Diagnostic[]>;
  /** Messages the server showed the user (window/showMessage). */
  messages: string[];
  /** Lines the server wrote to the client's log (window/logMessage). */
  logs: string[];
  /** Resolves with the next publication for this URI that satisfies `test`. */
  nextDiagnostics(uri: string, test?: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  stderr: () => string;
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/** Starts `leakaudit lsp --stdio ARGS`, or `command` as given (an editor's own command line). */
export function startLspClient(args: string[] = [], env: Record<string, string> = {}, command?: { command: string; args: string[] }): LspClient {
  const [cmd, argv] = command ? [command.command, command.args] : [process.execPath, [BIN, 'lsp', '--stdio', ...args]];
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, Diagnostic[]>();
  const messages: string[] = [];
  const waiters: { uri: string; test: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    diagnostics.set(params.uri, params.diagnostics);
    for (const w of [...waiters]) {
      if (w.uri === params.uri && w.test(params.diagnostics)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(params.diagnostics);
      }
    }
  });
  connection.onNotification(ShowMessageNotification.type, (params) => messages.push(params.message));
  const logs: string[] = [];
  connection.onNotification(LogMessageNotification.type, (params) => logs.push(params.message));
  connection.listen();
  return {
    connection,
    child,
    diagnostics,
    messages,
    logs,
    exited,
    stderr: () => stderr,
    nextDiagnostics(uri, test = () => true, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        waiters.push({
          uri,
          test,
          resolve: (d) => {
            clearTimeout(timer);
            resolve(d);
          },
        });
      });
    },
  };
}
