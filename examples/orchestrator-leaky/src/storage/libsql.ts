// Memories (text and metadata), kept through libSQL.
import Database from 'libsql';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS memories (
    id         TEXT PRIMARY KEY,
    namespace  TEXT NOT NULL,
    content    TEXT NOT NULL,
    created_at TEXT NOT NULL
  )`;

export interface Memory {
  id: string;
  namespace: string;
  content: string;
  createdAt: string;
}

export class MemoryStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec(SCHEMA);
  }

  insert(memory: Memory): void {
    this.db
      .prepare('INSERT INTO memories (id, namespace, content, created_at) VALUES (?, ?, ?, ?)')
      .run(memory.id, memory.namespace, memory.content, memory.createdAt);
  }

  get(id: string): Memory | undefined {
    const row = this.db.prepare('SELECT id, namespace, content, created_at FROM memories WHERE id = ?').get(id) as
      | { id: string; namespace: string; content: string; created_at: string }
      | undefined;
    return row && { id: row.id, namespace: row.namespace, content: row.content, createdAt: row.created_at };
  }

  close(): void {
    this.db.close();
  }
}
