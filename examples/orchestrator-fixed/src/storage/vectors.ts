// Embedding vectors by memory id, on the shared connection.
import type Database from 'better-sqlite3';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS vectors (
    memory_id  TEXT PRIMARY KEY,
    dimensions INTEGER NOT NULL,
    embedding  BLOB NOT NULL
  )`;

export class VectorStorage {
  private readonly upsert: Database.Statement<[string, number, Buffer]>;
  private readonly select: Database.Statement<[string], { embedding: Buffer }>;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    this.upsert = db.prepare('INSERT OR REPLACE INTO vectors (memory_id, dimensions, embedding) VALUES (?, ?, ?)');
    this.select = db.prepare('SELECT embedding FROM vectors WHERE memory_id = ?');
  }

  storeVector(memoryId: string, vector: Float32Array): void {
    this.upsert.run(memoryId, vector.length, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
  }

  getVector(memoryId: string): Float32Array | undefined {
    const row = this.select.get(memoryId);
    return row && toVector(row.embedding);
  }
}

function toVector(blob: Buffer): Float32Array {
  // Copy: the Buffer may be a view into a larger pool, not aligned for floats.
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}
