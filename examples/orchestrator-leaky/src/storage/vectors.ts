// Embedding vectors by memory id, in their own SQLite file (better-sqlite3).
import Database from 'better-sqlite3';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS vectors (
    memory_id  TEXT PRIMARY KEY,
    dimensions INTEGER NOT NULL,
    embedding  BLOB NOT NULL
  )`;

export class VectorStorage {
  constructor(private readonly path: string) {
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
    } finally {
      db.close();
    }
  }

  storeVector(memoryId: string, vector: Float32Array): void {
    const db = new Database(this.path);
    try {
      db.prepare('INSERT OR REPLACE INTO vectors (memory_id, dimensions, embedding) VALUES (?, ?, ?)').run(
        memoryId,
        vector.length,
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
      );
    } finally {
      db.close();
    }
  }

  getVector(memoryId: string): Float32Array | undefined {
    const db = new Database(this.path, { readonly: true });
    try {
      const row = db.prepare('SELECT embedding FROM vectors WHERE memory_id = ?').get(memoryId) as { embedding: Buffer } | undefined;
      return row && toVector(row.embedding);
    } finally {
      db.close();
    }
  }
}

function toVector(blob: Buffer): Float32Array {
  // Copy: the Buffer may be a view into a larger pool, not aligned for floats.
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}
