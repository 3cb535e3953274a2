// What discovery decided about each directory, kept so the next run can skip
// listing a directory that has not changed (as git's untracked cache does). A
// directory's modification time changes when an entry is added, removed or
// renamed, but not when a file's content changes: files are still stat'ed
// every run. The decisions also depend on the ignore files in force, so each
// listing records the stamps of the directory's own ignore files, and a
// directory whose ignore files changed is listed again with its whole subtree.
import { sameStamp, type Stamp } from './stamp.js';

export type { Stamp };

export interface DirListing {
  mtimeMs: number;
  ino: number;
  /** The directory's ignore files (.gitignore, .ignore, .leakauditignore) and their stamps. */
  ignoreFiles: Record<string, Stamp>;
  /** Subdirectories to walk (ignored and always-skipped ones left out). */
  subdirs: string[];
  /** Sources and manifests to stat. */
  files: string[];
  /** Symbolic links reported as skipped. */
  links: string[];
  /** Dependency directories skipped although no ignore file excludes them (committed: perhaps the project's own code). */
  unignoredDependencies?: string[];
}

export interface Listings {
  /** When the directories were stat'ed: a listing modified this close to it is not trusted. */
  takenAt: number;
  dirs: Record<string, DirListing>;
  /** For each starting directory, the ignore files between the root and it (by path), with their stamps. */
  above: Record<string, Record<string, Stamp>>;
}

/** Same ignore files with the same stamps. */
export function sameIgnoreFiles(a: Record<string, Stamp>, b: Record<string, Stamp>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((n) => sameStamp(a[n], b[n]));
}
