// The tree snapshot: what the last run saw of one audited tree. The index
// holds each file's size, modification time and inode with the cache key of
// its facts (or the reason it was refused), and each package's judged result;
// the facts file holds the facts, one line per file. A warm run answers an
// unchanged file from its stamp without reading it (as git's index does); a
// package none of whose files changed keeps its judged result without a fact
// being loaded. The per-file entries (fact-cache.ts) stay the ground truth: a
// snapshot that is missing, stale, truncated or corrupt only costs speed.
//
// A file whose modification time is too close to the moment the snapshot was
// taken is never trusted by its stamp alone ("racy git"): it could have
// changed again within the file system's timestamp granularity.
import { createHash } from 'node:crypto';
import { readChecked, sha256, writeChecked } from './checked-file.js';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FileFacts } from '../facts/types.js';
import { sameStamp, settled, type Stamp } from '../discover/stamp.js';

/** Bump when the layout changes. */
const FORMAT = 'LAS5';
const NEWLINE = Buffer.from('\n');
/** The index's facts digest when there is no facts file. */
const NO_FACTS = '-';

/** One file in the snapshot: the cache key of its facts, or why it was refused (binary, not text). */
export type StampedFile = Stamp &
  (
    | {
        key: string;
        refused?: undefined;
        /** Its facts are not in the facts file (a file changed since it was written): read its per-file entry. */
        outside?: true;
      }
    | { key?: undefined; refused: string; outside?: undefined }
  );

export interface StoredFacts {
  facts: FileFacts;
  note?: string;
}

/** A package's judged result, valid for exactly this `key` (its files' facts and the judge's inputs). */
export interface StoredPackage {
  key: string;
  value: unknown;
}

/** Sections are parsed only when needed: a warm run with nothing changed never parses the facts. */
interface Sections {
  takenAt: number;
  stamps: Record<string, StampedFile>;
  /** Judged results by package directory. */
  packages: Record<string, StoredPackage>;
}

export class TreeSnapshot {
  /** Each stored file's facts as the JSON bytes they were written as, parsed on demand. */
  private factLines: Map<string, { raw: Buffer; parsed?: StoredFacts }> | undefined;

  private constructor(
    private readonly takenAt: number,
    private readonly stamps: Record<string, StampedFile>,
    /** The facts file and the digest it must have: read only when a fact is asked for. */
    private readonly factsFile: { path: string; digest: string } | undefined,
    private readonly rawPackages: string | undefined,
  ) {}

  private parsedPackages: Record<string, StoredPackage> | undefined;

  static empty(): TreeSnapshot {
    return new TreeSnapshot(0, {}, undefined, undefined);
  }

  /** The snapshot stored for this tree, or an empty one when there is none or it cannot be trusted. */
  static load(location: SnapshotLocation): TreeSnapshot {
    const index = readChecked(location.index, FORMAT, location.id);
    if (!index || index.fields.length !== 3) return TreeSnapshot.empty();
    const [stampsLength, resultLength, factsDigest] = index.fields as [string, string, string];
    const sizes = [Number(stampsLength), Number(resultLength)];
    if (sizes.some((n) => !Number.isInteger(n) || n < 0) || sizes[0]! + sizes[1]! !== index.body.length) return TreeSnapshot.empty();
    try {
      const head = JSON.parse(index.body.subarray(0, sizes[0]).toString('utf8')) as Pick<Sections, 'takenAt' | 'stamps'>;
      if (!head || typeof head.takenAt !== 'number' || !head.stamps || typeof head.stamps !== 'object') return TreeSnapshot.empty();
      const packages = sizes[1]! > 0 ? index.body.subarray(sizes[0]).toString('utf8') : undefined;
      return new TreeSnapshot(head.takenAt, head.stamps, { path: location.facts, digest: factsDigest }, packages);
    } catch {
      return TreeSnapshot.empty();
    }
  }

  /** The stamped file when its stamp is unchanged (and not too recent to trust). */
  unchanged(relPath: string, stamp: Stamp): StampedFile | undefined {
    const entry = Object.hasOwn(this.stamps, relPath) ? this.stamps[relPath] : undefined;
    return sameStamp(entry, stamp) && settled(stamp, this.takenAt) ? entry : undefined;
  }

  /** The stored facts for a cache key (reads the facts file on first use; a mismatched one counts as empty). */
  facts(key: string): StoredFacts | undefined {
    const line = this.lines().get(key);
    if (!line) return undefined;
    if (!line.parsed) {
      try {
        line.parsed = JSON.parse(line.raw.toString('utf8')) as StoredFacts;
      } catch {
        this.factLines!.delete(key);
        return undefined;
      }
    }
    return line.parsed;
  }

  /** The stored JSON of a file's facts: a rewrite copies it instead of serialising the facts again. */
  rawFacts(key: string): Buffer | undefined {
    return this.lines().get(key)?.raw;
  }

  /** The facts file: one `key TAB json` line per file. */
  private lines(): Map<string, { raw: Buffer; parsed?: StoredFacts }> {
    if (this.factLines) return this.factLines;
    this.factLines = new Map();
    const file = this.factsFile ? readChecked(this.factsFile.path, FORMAT, this.factsFile.digest, true) : undefined;
    if (!file) return this.factLines;
    const body = file.body;
    for (let start = 0; start < body.length; ) {
      let end = body.indexOf(0x0a, start);
      if (end < 0) end = body.length;
      const tab = body.indexOf(0x09, start);
      if (tab > start && tab < end) this.factLines.set(body.toString('latin1', start, tab), { raw: body.subarray(tab + 1, end) });
      start = end + 1;
    }
    return this.factLines;
  }

  /** The stored result of a package when it was judged from exactly `key`. */
  packageResult(dir: string, key: string): unknown {
    if (!this.parsedPackages) {
      try {
        this.parsedPackages = this.rawPackages ? (JSON.parse(this.rawPackages) as Record<string, StoredPackage>) : {};
      } catch {
        this.parsedPackages = {};
      }
    }
    const stored = Object.hasOwn(this.parsedPackages, dir) ? this.parsedPackages[dir] : undefined;
    return stored && stored.key === key ? stored.value : undefined;
  }

  /** The digest of the facts file this snapshot names, if it names one. */
  get factsDigest(): string | undefined {
    return this.factsFile && this.factsFile.digest !== NO_FACTS ? this.factsFile.digest : undefined;
  }

  /** Keys the facts file holds, by the index alone (the facts file is not read). */
  get factKeys(): ReadonlySet<string> {
    this.keysInFacts ??= new Set(Object.values(this.stamps).flatMap((s) => (s.key !== undefined && !s.outside ? [s.key] : [])));
    return this.keysInFacts;
  }

  private keysInFacts: Set<string> | undefined;

}

export interface SnapshotLocation {
  id: string;
  /** Stamps and the stored result: small, read by every run. */
  index: string;
  /** The facts: read only when a file changed. */
  facts: string;
  /** The directory listings of the last discovery. */
  listings: string;
}

/** Where the snapshot of one audited tree lives: one per root and set of starting paths (a shard adds its own name to them). */
export function snapshotLocation(cacheDir: string, runPrefix: string, root: string, paths: readonly string[]): SnapshotLocation {
  const id = createHash('sha256').update(`${runPrefix}\0${root}\0${[...paths].sort().join('\0')}`).digest('hex');
  const base = join(cacheDir, 'trees', id.slice(0, 32));
  return { id, index: `${base}.index`, facts: `${base}.facts`, listings: `${base}.dirs` };
}

/**
 * Writes a snapshot: the facts file first, then the index naming the facts'
 * digest, each atomically (temp file + rename). A reader that meets a facts
 * file from another writer sees the digest differ and falls back to the
 * per-file entries. `facts` undefined keeps the facts file `previous` names
 * (files whose facts it lacks are answered from their per-file entries).
 * Throws on I/O errors.
 */
export function writeSnapshot(location: SnapshotLocation, sections: Sections & { facts?: Map<string, { stored?: StoredFacts; json?: string }> }, previous: TreeSnapshot): void {
  let factsDigest = previous.factsDigest ?? NO_FACTS;
  if (sections.facts) {
    const lines: Buffer[] = [];
    for (const [key, { stored, json }] of sections.facts) {
      // The text already at hand (last snapshot, fresh cache entry) before serialising again.
      const text = json ?? (stored ? JSON.stringify(stored) : undefined);
      const raw = previous.rawFacts(key) ?? (text !== undefined ? Buffer.from(text, 'utf8') : undefined);
      if (raw) lines.push(Buffer.from(`${key}\t`, 'latin1'), raw, NEWLINE);
    }
    const facts = Buffer.concat(lines);
    factsDigest = sha256(facts);
    writeChecked(location.facts, FORMAT, factsDigest, [], facts);
  }
  const stamps = Buffer.from(JSON.stringify({ takenAt: sections.takenAt, stamps: sections.stamps }), 'utf8');
  const packages = Buffer.from(JSON.stringify(sections.packages), 'utf8');
  writeChecked(location.index, FORMAT, location.id, [String(stamps.length), String(packages.length), factsDigest], Buffer.concat([stamps, packages]));
}

/** Snapshots kept per cache directory: one per audited tree and leakaudit version; the least recently written go. */
const KEEP_SNAPSHOTS = 16;

/**
 * Removes the files of all but the most recently written snapshots (each code
 * or model change starts new ones). Best effort: a file another run removes
 * first, or cannot be removed, is left to the next run.
 */
export function pruneSnapshots(location: SnapshotLocation): void {
  const dir = dirname(location.index);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const newest = new Map<string, number>();
  for (const name of names) {
    const id = name.slice(0, name.indexOf('.'));
    try {
      newest.set(id, Math.max(newest.get(id) ?? 0, statSync(join(dir, name)).mtimeMs));
    } catch {
      /* gone already */
    }
  }
  if (newest.size <= KEEP_SNAPSHOTS) return;
  const keep = new Set([...newest].sort((a, b) => b[1] - a[1]).slice(0, KEEP_SNAPSHOTS).map(([id]) => id));
  keep.add(basename(location.index).slice(0, basename(location.index).indexOf('.')));
  for (const name of names) {
    if (keep.has(name.slice(0, name.indexOf('.')))) continue;
    rmSync(join(dir, name), { force: true });
  }
}
