// Wording of listener-never-removed on small projects: what the evidence claims must be backed.
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../pipeline/run-audit.js';
import { makeTree } from '../../../test/helpers.js';

async function audit(files: Record<string, string>) {
  const root = makeTree(files);
  return (await runAudit({ paths: [root], jobs: 0 })).findings.filter((f) => f.ruleId === 'listener-never-removed');
}

const STORE = `import { socket } from './socket';
export function bindEvents(onTodo) {
  socket.on('todo:created', (todo) => onTodo(todo));
}
`;
const SOCKET = `import { io } from 'socket.io-client';\nexport const socket = io();\n`;

describe('listener-never-removed', () => {
  it('says when no caller in sight backs "per operation", and is then not P0 nor high confidence', async () => {
    const [f] = await audit({ 'src/socket.js': SOCKET, 'src/store.js': STORE });
    expect(f).toMatchObject({ priority: 'P1', confidence: 'medium', symbol: 'bindEvents' });
    expect(f!.evidence).toContain(
      'no caller of `bindEvents()` was found in the files read (it may be public API, a framework hook, or called from a file leakaudit does not read, such as a .vue component): how fast it grows depends on its callers',
    );
  });

  it('leaves that out when a caller runs it per operation', async () => {
    const [f] = await audit({
      'src/socket.js': SOCKET,
      'src/store.js': STORE,
      'src/routes.js': `import { bindEvents } from './store';\nexport function onRequest(req) { bindEvents(() => req.done()); }\n`,
    });
    expect(f).toMatchObject({ priority: 'P0', confidence: 'high', symbol: 'bindEvents' });
    expect(f!.evidence.some((e) => e.startsWith('no caller of'))).toBe(false);
  });
});
