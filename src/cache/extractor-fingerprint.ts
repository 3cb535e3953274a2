// The "frontend version" part of a cache key, computed rather than declared:
// a hash of the code that turns bytes into facts (src/frontends, src/parse,
// the fact types) and of the parser and grammar package versions. A frontend
// change nobody remembered to announce still invalidates every cached fact.
//
// Hashing the code reads ~60 files, a noticeable part of a warm run; with a
// cache directory, the hash is remembered against each file's size,
// modification time and inode, and recomputed when any of them differs.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parserVersions } from '../parse/grammar-files.js';

/** Directories (relative to src/ or dist/) whose code decides what a file's facts are (discovery: which files, which language). */
const EXTRACTOR_DIRS = ['discover', 'frontends', 'parse', 'facts'];

/** ...and whose code decides what a judgement is, given the facts. */
const ANALYSIS_DIRS = ['analysis', 'rules', 'facts'];

/** Code changed this recently may change again within the file system's timestamp granularity. */
const RACY_MS = 2_000;

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
  const files = dirs.flatMap((dir) => codeFiles(join(base, dir)));
  const remembered = rememberIn ? recall(rememberIn, files) : undefined;
  if (remembered?.value) return remembered.value;
  const hash = createHash('sha256').update(seed());
  for (const file of files) hash.update(`\0${file.slice(base.length)}\0`).update(readFileSync(file));
  const value = hash.digest('hex').slice(0, 16);
  if (remembered?.store) remembered.store(value);
  return value;
}

/** The fingerprint remembered for these files as they are now, or how to remember it. */
function recall(cacheDir: string, files: readonly string[]): { value?: string; store?: (value: string) => void } {
  const signature = createHash('sha256');
  const now = Date.now();
  let racy = false;
  for (const file of files) {
    try {
      const st = statSync(file);
      signature.update(`${file}\0${st.size}\0${st.mtimeMs}\0${st.ino}\n`);
      if (st.mtimeMs >= now - RACY_MS) racy = true;
    } catch {
      return {};
    }
  }
  const key = signature.digest('hex');
  const path = join(cacheDir, `fingerprint-${key.slice(0, 32)}`);
  try {
    const [storedKey, value] = readFileSync(path, 'latin1').split(' ');
    if (storedKey === key && value && /^[0-9a-f]{16}$/.test(value)) return { value };
  } catch {
    /* not remembered yet */
  }
  if (racy) return {};
  return {
    store(value) {
      const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        writeFileSync(tmp, `${key} ${value}`);
        renameSync(tmp, path);
      } catch {
        /* an unwritable cache only costs the hashing next time */
      }
    },
  };
}

/** Source or compiled code, without tests, type declarations and source maps. */
function codeFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.[cm]?[jt]s$/.test(n) && !/\.d\.[cm]?ts$|\.test\.[cm]?[jt]s$|(^|[\\/])fixtures[\\/]/.test(n))
    .sort()
    .map((n) => join(dir, n));
}
