// The "frontend version" part of a cache key, computed rather than declared:
// a hash of the code that turns bytes into facts (src/frontends, src/parse,
// the fact types) and of the parser and grammar package versions. A frontend
// change nobody remembered to announce still invalidates every cached fact.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parserVersions } from '../parse/grammar-files.js';

/** Directories (relative to src/ or dist/) whose code decides what a file's facts are. */
const EXTRACTOR_DIRS = ['frontends', 'parse', 'facts'];

/** ...and whose code decides what a judgement is, given the facts. */
const ANALYSIS_DIRS = ['analysis', 'rules', 'facts'];

let memo: string | undefined;
let analysisMemo: string | undefined;

export function extractorFingerprint(): string {
  memo ??= fingerprint(EXTRACTOR_DIRS, parserVersions());
  return memo;
}

/** The same for the code after extraction: a stored result is reused only by the code that judged it. */
export function analysisFingerprint(): string {
  analysisMemo ??= fingerprint(ANALYSIS_DIRS, '');
  return analysisMemo;
}

function fingerprint(dirs: readonly string[], seed: string): string {
  const base = join(dirname(fileURLToPath(import.meta.url)), '..');
  const hash = createHash('sha256').update(seed);
  for (const dir of dirs) {
    for (const file of codeFiles(join(base, dir))) {
      hash.update(`\0${file.slice(base.length)}\0`).update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
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
