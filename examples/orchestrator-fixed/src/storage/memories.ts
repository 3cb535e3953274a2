// Memories (text and metadata), on the shared connection.
import type Database from 'better-sqlite3';

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

interface MemoryRow {
  id: string;
  namespace: string;
  content: string;
  created_at: string;
}

export class MemoryStore {
  private readonly insertStatement: Database.Statement<[string, string, string, string]>;
  private readonly selectStatement: Database.Statement<[string], MemoryRow>;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    this.insertStatement = db.prepare('INSERT INTO memories (id, namespace, content, created_at) VALUES (?, ?, ?, ?)');
    this.selectStatement = db.prepare('SELECT id, namespace, content, created_at FROM memories WHERE id = ?');
  }

  insert(memory: Memory): void {
    this.insertStatement.run(memory.id, memory.namespace, memory.content, memory.createdAt);
  }

  get(id: string): Memory | undefined {
    const row = this.selectStatement.get(id);
    return row && { id: row.id, namespace: row.namespace, content: row.content, createdAt: row.created_at };
  }
}
