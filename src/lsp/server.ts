// `leakaudit lsp --stdio`: findings as diagnostics when a file is opened or
// saved, hover with growth, impact and fix, and a quick fix that inserts a
// suppression comment. Each open or save audits the file's root with the warm
// fact cache (a one-file-changed run); the server never audits unsaved text,
// since facts, cache and report all describe files on disk.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection, MessageType, ProposedFeatures, ShowMessageNotification, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { languageOf } from '../discover/language.js';
import { CONFIG_FILE } from '../config/find.js';
import { createSourceReader } from '../report/source-file.js';
import { AuditScheduler } from './audit-scheduler.js';
import { findingHover } from './hover.js';
import { PublishedDiagnostics } from './published.js';
import { RootAuditor, type RootAuditSettings, type RootAudit } from './root-audit.js';
import { rootFor } from './roots.js';
import { suppressActions } from './suppress-action.js';

/**
 * Serve on these streams until the client sends `exit` (the library then ends
 * the process) or closes its end. Resolves on `exit`.
 */
export function startServer(settings: RootAuditSettings, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<void> {
  const connection = createConnection(ProposedFeatures.all, input, output);
  // stdout carries the protocol: anything printed by accident goes to the client's log instead.
  console.log = console.info = console.debug = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  console.warn = console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));

  // A failure in one request must not end the session: log it, keep serving.
  const logRejection = (reason: unknown): void => connection.console.error(`leakaudit: internal error: ${(reason as Error)?.message ?? String(reason)}`);
  process.on('unhandledRejection', logRejection);

  const documents = new TextDocuments(TextDocument);
  const published = new PublishedDiagnostics();
  /** The last diagnostics sent per URI, to send only what changed. */
  const sent = new Map<string, string>();
  /** Messages already shown as pop-ups: each is shown once, logged every time. */
  const shown = new Set<string>();
  let folders: string[] = [];

  const tell = (message: string, level: 'warning' | 'error'): void => {
    if (level === 'error') connection.console.error(`leakaudit: ${message}`);
    else connection.console.warn(`leakaudit: ${message}`);
    if (shown.has(message)) return;
    shown.add(message);
    // A notification, not window/showMessageRequest: a client that cannot show pop-ups need not answer.
    void connection.sendNotification(ShowMessageNotification.type, { type: level === 'error' ? MessageType.Error : MessageType.Warning, message: `leakaudit: ${message}` });
  };

  /** Sends what changed since the last time each URI was sent. */
  const send = async (publications: ReturnType<PublishedDiagnostics['update']>): Promise<void> => {
    for (const { uri, diagnostics } of publications) {
      const text = JSON.stringify(diagnostics);
      if (sent.get(uri) === text) continue;
      sent.set(uri, text);
      await connection.sendDiagnostics({ uri, diagnostics });
    }
  };

  /** One engine per root, kept between audits. */
  const auditor = new RootAuditor(settings);
  const scheduler = new AuditScheduler(async (root) => {
    let audit: RootAudit;
    const started = performance.now();
    try {
      audit = await auditor.audit(root);
    } catch (err) {
      tell(`cannot audit ${root}: ${(err as Error)?.message ?? String(err)}`, 'error');
      return;
    }
    for (const warning of audit.warnings) tell(warning, 'warning');
    const reader = createSourceReader(root);
    await send(published.update(root, audit.result, (path) => reader.lines(path)));
    const { result } = audit;
    connection.console.log(
      `leakaudit: ${root}: ${result.findings.length} findings in ${result.filesScanned} files, ${Math.round(performance.now() - started)} ms (${result.extraction.parsed} files parsed, ${result.extraction.workers} worker threads)`,
    );
  });

  /** Source files and config files are worth an audit; other files are not the server's business. */
  const auditFor = (uri: string): void => {
    if (!uri.startsWith('file:')) return;
    const path = fileURLToPath(uri);
    const name = basename(path);
    if (!languageOf(path) && name !== CONFIG_FILE && name !== 'package.json' && name !== 'Cargo.toml') return;
    scheduler.request(rootFor(path, folders));
  };

  let followsFolders = false;
  connection.onInitialize((params): InitializeResult => {
    followsFolders = params.capabilities.workspace?.workspaceFolders === true;
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    if (folders.length === 0 && params.rootPath) folders = [params.rootPath];
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'leakaudit' },
    };
  });
  connection.onInitialized(() => {
    if (!followsFolders) return;
    // A folder removed from the workspace takes its diagnostics with it; files in an added one are audited with it.
    connection.workspace.onDidChangeWorkspaceFolders((change) => {
      const removed = change.removed.filter((f) => f.uri.startsWith('file:')).map((f) => fileURLToPath(f.uri));
      folders = [...folders.filter((f) => !removed.includes(f)), ...change.added.filter((f) => f.uri.startsWith('file:')).map((f) => fileURLToPath(f.uri))];
      for (const root of removed)
        void scheduler.after(root).then(() => {
          auditor.forget(root);
          return send(published.update(root, { findings: [], suppressionProblems: [] }, () => undefined));
        });
    });
  });
  documents.onDidOpen((e) => auditFor(e.document.uri));
  documents.onDidSave((e) => auditFor(e.document.uri));
  connection.onHover((params) => {
    if (!params.textDocument.uri.startsWith('file:')) return null;
    return findingHover(published.findingsOf(fileURLToPath(params.textDocument.uri)), params.position);
  });
  connection.onCodeAction((params) => {
    const { uri } = params.textDocument;
    if (!uri.startsWith('file:')) return [];
    const document = documents.get(uri);
    const lineText = (line: number): string | undefined => document?.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    return suppressActions(uri, published.findingsOf(fileURLToPath(uri)), params.range, lineText);
  });
  // Audits in flight finish (and close their worker threads) before the reply, so `exit` leaves nothing running.
  connection.onShutdown(() => scheduler.stop());

  const exited = new Promise<void>((resolve) =>
    connection.onExit(() => {
      process.off('unhandledRejection', logRejection);
      resolve();
    }),
  );
  documents.listen(connection);
  connection.listen();
  return exited;
}
