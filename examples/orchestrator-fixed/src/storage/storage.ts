// One SQLite connection for the whole service: opened at startup, shared by the
// stores, closed at shutdown. better-sqlite3 is synchronous, so a single
// connection serves every request in turn: this is its pool.
import Database from 'better-sqlite3';
import { MemoryStore, type Memory } from './memories.js';
import { VectorStorage } from './vectors.js';

export class Storage {
  readonly memories: MemoryStore;
  readonly vectors: VectorStorage;
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.memories = new MemoryStore(this.db);
    this.vectors = new VectorStorage(this.db);
  }

  /** Stores a memory and its embedding together: both or neither. */
  saveMemory(memory: Memory, embedding: Float32Array): void {
    this.db.transaction(() => {
      this.memories.insert(memory);
      this.vectors.storeVector(memory.id, embedding);
    })();
  }

  close(): void {
    this.db.close();
  }
}
