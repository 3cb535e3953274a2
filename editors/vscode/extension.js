// The VS Code side of `leakaudit lsp --stdio`: start the server for the
// workspace, route Rust, TypeScript and JavaScript files to it. Everything
// else (diagnostics, hover, the suppression quick fix) is the server's.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

/** The configured command, else the workspace's own install, else the PATH. */
function leakauditCommand() {
  const configured = vscode.workspace.getConfiguration('leakaudit').get('command');
  if (configured) return configured;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = join(folder.uri.fsPath, 'node_modules', '.bin', process.platform === 'win32' ? 'leakaudit.cmd' : 'leakaudit');
    if (existsSync(local)) return local;
  }
  return 'leakaudit';
}

async function activate(context) {
  const server = { command: leakauditCommand(), args: ['lsp', '--stdio'] };
  client = new LanguageClient(
    'leakaudit',
    'leakaudit',
    { run: server, debug: server },
    {
      documentSelector: ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'rust'].map((language) => ({ scheme: 'file', language })),
    },
  );
  context.subscriptions.push(client);
  await client.start();
}

async function deactivate() {
  // stop() sends shutdown and exit: the server finishes a running audit and closes its workers.
  if (client) await client.stop();
}

module.exports = { activate, deactivate };
