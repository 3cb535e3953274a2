// Recognises SQLite databases whose file names do not say so, by the 16-byte
// header "SQLite format 3\0". Each path is read at most once; answers are cached.
import { open, stat } from 'node:fs/promises';

const HEADER = Buffer.from('SQLite format 3\u0000', 'latin1');
const MAX_CACHED = 4096;

export class SqliteSniffer {
  private readonly known = new Map<string, boolean>();

  /** Cached answer; `false` for paths not looked at yet (call `learn` first). */
  isSqlite(path: string): boolean {
    return this.known.get(path) ?? false;
  }

  /** Read the headers of paths not seen before. Never throws. */
  async learn(paths: Iterable<string>): Promise<void> {
    const fresh = [...new Set(paths)].filter((p) => !this.known.has(p));
    await Promise.all(fresh.map(async (path) => this.remember(path, await hasSqliteHeader(path))));
  }

  private remember(path: string, value: boolean): void {
    if (this.known.size >= MAX_CACHED) this.known.delete(this.known.keys().next().value as string);
    this.known.set(path, value);
  }
}

async function hasSqliteHeader(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    // Only regular files: opening a FIFO or a device could block or have side effects.
    if (!info.isFile() || info.size < 512) return false;
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.alloc(HEADER.length);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      return bytesRead === HEADER.length && buf.equals(HEADER);
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
