// Wording of connection-per-operation: what it says of a connection's close must be what happens.
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../pipeline/run-audit.js';
import { makeTree } from '../../../test/helpers.js';

async function audit(files: Record<string, string>) {
  const root = makeTree(files);
  return (await runAudit({ paths: [root] })).findings.filter((f) => f.ruleId === 'connection-per-operation');
}

describe('connection-per-operation', () => {
  it('does not say a sqlite3 connection a `with` block only commits is closed after each use', async () => {
    const [f] = await audit({
      'store.py': `import sqlite3\n\n\nclass Store:\n    def __init__(self, path):\n        self.path = path\n\n    def _connect(self):\n        return sqlite3.connect(self.path)\n\n    def put(self, key, value):\n        with self._connect() as connection:\n            connection.execute("INSERT INTO kv VALUES (?, ?)", (key, value))\n`,
    });
    expect(f).toBeDefined();
    expect(f!.message).not.toContain('closed after each use');
    expect(f!.message).toContain('drops it unclosed');
    expect(f!.evidence.some((e) => e.includes('is closed when CPython deallocates it'))).toBe(true);
  });

  it('says a connection closed explicitly is closed after each use', async () => {
    const [f] = await audit({
      'store.py': `import sqlite3\n\n\ndef put(path, key):\n    connection = sqlite3.connect(path)\n    try:\n        connection.execute("INSERT INTO kv VALUES (?)", (key,))\n    finally:\n        connection.close()\n`,
    });
    expect(f).toBeDefined();
    expect(f!.message).toContain('it is closed after each use');
  });
});
