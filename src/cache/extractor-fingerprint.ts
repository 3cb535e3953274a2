// The "frontend version" part of a cache key, computed rather than declared:
// a hash of the code that turns bytes into facts (src/frontends, src/parse,
// the fact types) and of the parser and grammar package versions. A frontend
// change nobody remembered to announce still invalidates every cached fact.
//
// Hashing the code reads ~60 files, a noticeable part of a warm run; with a
// cache directory, the hash is remembered against the size, modification
// time and inode of each file and directory it came from, and recomputed
// when any of them differs.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync, type Dirent } from 'node:fs';
import { sameStamp, settled, stampOf, type Stamp } from '../discover/stamp.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parserVersions } from '../parse/grammar-files.js';

/** Directories (relative to src/ or dist/) whose code decides what a file's facts are (discovery: which files, which language). */
const EXTRACTOR_DIRS = ['discover', 'frontends', 'parse', 'facts'];

/** ...and whose code decides what a judgement is, given the facts (the engine assembles what is stored). */
const ANALYSIS_DIRS = ['analysis', 'rules', 'facts', 'engine'];


let memo: string | undefined;
let analysisMemo: string | undefined;
let rememberIn: string | undefined;

/** Lets fingerprints be remembered in this cache directory across runs. */
export function rememberFingerprintsIn(cacheDir: string): void {
  rememberIn = cacheDir;
}

export function extractorFingerprint(): string {
  memo ??= fingerprint(EXTRACTOR_DIRS, () => parserVersions());
  return memo;
}

/** The same for the code after extraction: a stored judgement is reused only by the code that judged it. */
export function analysisFingerprint(): string {
  analysisMemo ??= fingerprint(ANALYSIS_DIRS, () => '');
  return analysisMemo;
}

function fingerprint(dirs: readonly string[], seed: () => string): string {
  const base = join(dirname(fileURLToPath(import.meta.url)), '..');
  const roots = dirs.map((dir) => join(base, dir));
  const memoPath = rememberIn ? join(rememberIn, `fingerprint-${createHash('sha256').update(roots.join('\0')).digest('hex').slice(0, 24)}.json`) : undefined;
  const remembered = memoPath ? recall(memoPath) : undefined;
  if (remembered) return remembered;
  const listed = roots.map((dir) => codeFiles(dir));
  const hash = createHash('sha256').update(seed());
  for (const file of listed.flatMap((l) => l.files)) hash.update(`\0${file.slice(base.length)}\0`).update(readFileSync(file));
  const value = hash.digest('hex').slice(0, 16);
  if (memoPath) remember(memoPath, value, [...roots, ...listed.flatMap((l) => l.dirs)], listed.flatMap((l) => l.files));
  return value;
}

/** What a remembered fingerprint was computed from: every directory and file, with their stamps. */
interface Remembered {
  value: string;
  stamps: Record<string, Stamp>;
}

/**
 * The remembered fingerprint, when no directory or file it was computed from
 * changed (a file added or removed changes its directory's stamp).
 */
function recall(memoPath: string): string | undefined {
  let stored: Remembered;
  try {
    stored = JSON.parse(readFileSync(memoPath, 'utf8')) as Remembered;
  } catch {
    return undefined;
  }
  if (!stored || typeof stored.value !== 'string' || !/^[0-9a-f]{16}$/.test(stored.value) || !stored.stamps) return undefined;
  for (const [path, stamp] of Object.entries(stored.stamps)) if (!sameStamp(stampOf(path), stamp)) return undefined;
  return stored.value;
}

function remember(memoPath: string, value: string, dirs: readonly string[], files: readonly string[]): void {
  const stamps: Record<string, Stamp> = {};
  const now = Date.now();
  for (const path of [...dirs, ...files]) {
    const stamp = stampOf(path);
    // Code changed this recently may change again unseen: do not remember against it.
    if (!stamp || !settled(stamp, now)) return;
    stamps[path] = stamp;
  }
  const tmp = `${memoPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ value, stamps } satisfies Remembered));
    renameSync(tmp, memoPath);
  } catch {
    /* an unwritable cache only costs the hashing next time */
  }
}

/** Source or compiled code, without tests, type declarations and source maps; and the directories listed. */
function codeFiles(dir: string): { files: string[]; dirs: string[] } {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return { files: [], dirs: [] };
  }
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of entries) {
    const path = join(e.parentPath ?? e.path, e.name);
    const rel = path.slice(dir.length + 1);
    if (e.isDirectory()) dirs.push(path);
    else if (/\.[cm]?[jt]s$/.test(e.name) && !/\.d\.[cm]?ts$|\.test\.[cm]?[jt]s$/.test(e.name) && !/(^|[\\/])fixtures[\\/]/.test(rel)) files.push(path);
  }
  return { files: files.sort(), dirs: dirs.sort() };
}
