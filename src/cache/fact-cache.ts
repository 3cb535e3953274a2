// The incremental fact cache: one file per (source content, path, extractor)
// entry. Entries are written to a temp file and renamed into place, so two
// runs sharing a directory never see half an entry; each entry carries its key
// and a checksum, so a truncated or corrupt one reads as a miss (re-extract,
// overwrite), never as stale or broken facts. Entries unwritten for two weeks
// are swept away.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readChecked, sha256, writeChecked } from './checked-file.js';
import { join } from 'node:path';
import type { FileFacts } from '../facts/types.js';

/** Bump when the entry layout changes. */
const FORMAT = 'LAF1';

/** What a cache entry holds: the facts of one file and its decode note. */
export interface CachedFacts {
  facts: FileFacts;
  note?: string;
}

export { sha256 };

/** Path of an entry: fanned out over 256 directories. */
function entryPath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key.slice(2)}.json`);
}

/** The entry for `key`, or undefined when absent, unreadable, truncated, corrupt or for another key. */
export function readEntry(dir: string, key: string): CachedFacts | undefined {
  const file = readChecked(entryPath(dir, key), FORMAT, key);
  if (!file) return undefined;
  try {
    const parsed = JSON.parse(file.body.toString('utf8')) as CachedFacts;
    return parsed && typeof parsed === 'object' && parsed.facts && typeof parsed.facts === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes an entry atomically (temp file + rename) and returns its JSON, which
 * the tree snapshot can store as it is. Throws on I/O errors; callers decide
 * how loud to be.
 */
export function writeEntry(dir: string, key: string, entry: CachedFacts): string {
  const json = JSON.stringify(entry);
  const body = Buffer.from(json, 'utf8');
  writeChecked(entryPath(dir, key), FORMAT, key, [String(body.length)], body);
  return json;
}

/**
 * Makes sure entries can be written under `dir`: creates it and writes, then
 * removes, a probe file. Returns the reason when it cannot.
 */
export function probeWritable(dir: string): string | undefined {
  const probe = join(dir, `.probe.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/** Entries not written for this long are removed: the tree snapshots hold the facts in use. */
export const ENTRY_MAX_AGE_MS = 14 * 24 * 3600 * 1000;
/** The sweep runs at most this often per cache directory (it stats every entry). */
const SWEEP_EVERY_MS = 24 * 3600 * 1000;

/**
 * Removes entries older than `maxAgeMs`, at most once a day per directory
 * (the time of the last sweep is the modification time of a marker file).
 * Every code or model change starts a new set of keys, so without this the
 * directory would only grow. An entry removed while still wanted costs one
 * re-extraction, never a wrong result. Best effort: errors are ignored.
 * Returns how many entries were removed.
 */
export function sweepEntries(dir: string, now = Date.now(), maxAgeMs = ENTRY_MAX_AGE_MS): number {
  const marker = join(dir, '.swept');
  try {
    if (statSync(marker).mtimeMs > now - SWEEP_EVERY_MS) return 0;
  } catch {
    /* never swept */
  }
  try {
    writeFileSync(marker, '');
  } catch {
    return 0;
  }
  let removed = 0;
  for (let i = 0; i < 256; i++) {
    const sub = join(dir, i.toString(16).padStart(2, '0'));
    let names: string[];
    try {
      names = readdirSync(sub);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(sub, name);
      try {
        if (statSync(path).mtimeMs < now - maxAgeMs) {
          rmSync(path, { force: true });
          removed++;
        }
      } catch {
        /* gone already */
      }
    }
  }
  return removed;
}
