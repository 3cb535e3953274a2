// A file's or directory's stamp: size, modification time and inode. The
// caches trust an unchanged stamp instead of reading content, as git's index
// does, except for a stamp too close to the moment it was recorded ("racy
// git"): it could change again within the file system's timestamp granularity.
import { statSync } from 'node:fs';

export interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Modification times this close to the moment a stamp was recorded are not trusted. */
export const RACY_MS = 2_000;

export function sameStamp(a: Stamp | undefined, b: Stamp | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** Whether a stamp recorded at `recordedAt` may be trusted later. */
export function settled(stamp: Pick<Stamp, 'mtimeMs'>, recordedAt: number): boolean {
  return stamp.mtimeMs < recordedAt - RACY_MS;
}

/** The stamp of a path, or undefined when it cannot be stat'ed. */
export function stampOf(path: string): Stamp | undefined {
  try {
    const st = statSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return undefined;
  }
}
