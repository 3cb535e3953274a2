// Cache files that detect their own truncation and corruption: one header
// line (format, id, digest of the body, extra fields), then the body; written
// to a temporary file and renamed into place, so a reader never sees half.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** Temporary files this thread has written: with the pid and thread id, a name no other writer uses. */
let written = 0;

/** A file of one header line (`FORMAT id digest fields...`) and a body the digest covers. */
export function writeChecked(path: string, format: string, id: string, fields: string[], body: Buffer): void {
  const header = Buffer.from(`${[format, id, sha256(body), ...fields].join(' ')}\n`, 'latin1');
  // Unique among processes (pid) and their threads: no random bytes needed (they cost a syscall per file).
  const tmp = `${path}.${process.pid}.${threadId}.${++written}.tmp`;
  try {
    let fd: number;
    try {
      fd = openSync(tmp, 'w');
    } catch (err) {
      // The directory is made on first need, not checked before every write.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(join(path, '..'), { recursive: true });
      fd = openSync(tmp, 'w');
    }
    try {
      writeSync(fd, Buffer.concat([header, body]));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The body and extra header fields of a checked file, or undefined when it is
 * missing, for another id, truncated or corrupt. With `idIsDigest`, the id
 * expected is the body's digest itself.
 */
export function readChecked(path: string, format: string, id: string, idIsDigest = false): { body: Buffer; fields: string[] } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return undefined;
  const [storedFormat, storedId, sum, ...fields] = bytes.subarray(0, newline).toString('latin1').split(' ');
  const body = bytes.subarray(newline + 1);
  if (storedFormat !== format || storedId !== id || (idIsDigest && sum !== id) || sha256(body) !== sum) return undefined;
  return { body, fields };
}

/** Hex SHA-256 (hardware-accelerated on current x86 and ARM: about 1.5 GB/s). */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
