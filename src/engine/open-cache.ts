// The fact cache as one audit sees it: the tree snapshot of the audited tree
// (stamps, facts, package judgements), per-file entries by content, and the
// directory listings. Opened once per audit, before discovery.
import { readFileSync } from 'node:fs';
import type { DiscoveredFile } from '../discover/walk.js';
import { entryKey } from '../cache/cache-key.js';
import { rememberFingerprintsIn } from '../cache/extractor-fingerprint.js';
import { readChecked, writeChecked } from '../cache/checked-file.js';
import type { Listings } from '../discover/listings.js';
import { probeWritable, readEntry, sha256, sweepEntries } from '../cache/fact-cache.js';
import { pruneSnapshots, snapshotLocation, TreeSnapshot, writeSnapshot, type StampedFile, type StoredFacts, type StoredPackage } from '../cache/tree-snapshot.js';
import { refusal } from '../parse/decode.js';
import type { CacheTarget } from '../parse/extraction-job.js';
import type { FileOutcome } from '../parse/outcome.js';

/** The audited tree, for its snapshot in the cache: the root, the starting paths, and the shard (`i/N`) when sharded. */
export interface TreeScope {
  root: string;
  paths: string[];
  shard?: string;
}

export interface OpenCache {
  dir: string;
  warning?: string;
  /** Undefined when the directory cannot be written: entries are still read. */
  writeTarget?: CacheTarget;
  /**
   * The outcome without parsing: from the tree snapshot when the file's stamp
   * is unchanged (the file is not even read), else cached facts for its
   * content, or a refusal seen in the bytes read to hash it. `key` is the
   * cache key of the facts; no `outcome` means: extract it.
   */
  lookup(file: DiscoveredFile): { outcome?: FileOutcome; key?: string } | undefined;
  /** When all these files are unchanged since the snapshot: each file's cache key, or its refusal. */
  unchangedFiles(files: readonly DiscoveredFile[]): StampedFile[] | undefined;
  /** The result the snapshot holds for a package judged from exactly `key`. */
  storedPackage(dir: string, key: string): unknown;
  /** Facts by cache key, from the snapshot or the per-file entry. */
  storedFacts(key: string): StoredFacts | undefined;
  /** The last run's directory listings, when they were taken with the same excludes. */
  listings(excludes: readonly string[]): Listings | undefined;
  /** Stores this run's directory listings; returns an errno code on failure. */
  saveListings(excludes: readonly string[], listings: Listings): string | undefined;
  /** Counts files of a reused package as cache hits read from their stamps. */
  countUnread(files: number): void;
  /** Stores the tree snapshot; returns an errno code on failure. */
  saveSnapshot(files: readonly SnapshotFile[], packages: Record<string, StoredPackage>, takenAt: number): string | undefined;
  hits: number;
  /** Hits answered from the file's stamp alone, without reading it. */
  unread: number;
}

/** What the next snapshot records of one file. */
export interface SnapshotFile {
  file: DiscoveredFile;
  /** Cache key of its facts... */
  key?: string;
  /** ...or why its bytes were refused. Neither: not recorded (a timeout, a crash). */
  refused?: string;
  /** The facts, when this run has them in memory... */
  facts?: StoredFacts;
  /** ...and already serialised, when they were just written to their cache entry. */
  json?: string;
}

/**
 * Up to this many files are answered from their per-file entries rather than
 * the snapshot's facts file, and may be missing from it; above this many, the
 * facts file is rewritten.
 */
const FEW_FILES = 32;

/** Bump when the directory listings' layout changes. */
const LISTINGS_FORMAT = 'LAD2';

/** `fresh`: the directory did not exist when the run began, so it holds nothing to look up. */
export function openCache(dir: string, prefix: string, tree: TreeScope | undefined, fresh: boolean): OpenCache {
  // Whether the directory can be written is found out when something is to be written: a warm run writes nothing.
  let probed: { problem: string | undefined } | undefined;
  const writeProblem = (): string | undefined => (probed ??= { problem: probeWritable(dir) }).problem;
  rememberFingerprintsIn(dir);
  const location = tree ? snapshotLocation(dir, prefix, tree.root, tree.shard ? [...tree.paths, `shard ${tree.shard}`] : tree.paths) : undefined;
  const snapshot = location ? TreeSnapshot.load(location) : TreeSnapshot.empty();
  // A few files are cheaper to answer from their own entries than by reading every file's facts.
  let entryReads = 0;
  // The facts file is read only for a key the index says it holds.
  const fromSnapshot = (key: string): StoredFacts | undefined => (snapshot.factKeys.has(key) ? snapshot.facts(key) : undefined);
  const storedFacts = (key: string): StoredFacts | undefined =>
    entryReads++ < FEW_FILES ? (readEntry(dir, key) ?? fromSnapshot(key)) : (fromSnapshot(key) ?? readEntry(dir, key));
  return {
    dir,
    get warning() {
      const problem = writeProblem();
      return problem ? `cannot write the fact cache in ${dir} (${problem}); running without it` : undefined;
    },
    get writeTarget() {
      return writeProblem() ? undefined : { dir, prefix };
    },
    hits: 0,
    unread: 0,
    lookup(file) {
      const same = snapshot.unchanged(file.relPath, file);
      if (same?.refused !== undefined) return { outcome: { ok: false, relPath: file.relPath, reason: same.refused, refused: true } };
      const stored = same?.key !== undefined ? storedFacts(same.key) : undefined;
      if (same?.key !== undefined && stored) {
        this.hits++;
        this.unread++;
        return { outcome: stored.note ? { ok: true, facts: stored.facts, note: stored.note } : { ok: true, facts: stored.facts }, key: same.key };
      }
      // A first run: no entry to find, so no file is read and hashed here (the workers do both anyway).
      if (fresh) return undefined;
      let bytes: Buffer;
      try {
        bytes = readFileSync(file.absPath);
      } catch {
        return undefined; // extraction reports the read error
      }
      const refused = refusal(bytes);
      if (refused) return { outcome: { ok: false, relPath: file.relPath, reason: refused, refused: true } };
      const key = entryKey(prefix, file, sha256(bytes));
      const entry = storedFacts(key);
      if (!entry) return { key };
      this.hits++;
      return { outcome: entry.note ? { ok: true, facts: entry.facts, note: entry.note } : { ok: true, facts: entry.facts }, key };
    },
    unchangedFiles(files) {
      const out: StampedFile[] = [];
      for (const file of files) {
        const same = snapshot.unchanged(file.relPath, file);
        if (!same) return undefined;
        out.push(same);
      }
      return out;
    },
    storedPackage: (pkg, key) => snapshot.packageResult(pkg, key),
    listings(excludes) {
      if (!location) return undefined;
      const file = readChecked(location.listings, LISTINGS_FORMAT, location.id);
      if (!file || file.fields[0] !== sha256(JSON.stringify(excludes))) return undefined;
      try {
        const listings = JSON.parse(file.body.toString('utf8')) as Listings;
        return listings && typeof listings.takenAt === 'number' && listings.dirs && listings.above ? listings : undefined;
      } catch {
        return undefined;
      }
    },
    saveListings(excludes, listings) {
      if (!location || writeProblem()) return undefined;
      try {
        writeChecked(location.listings, LISTINGS_FORMAT, location.id, [sha256(JSON.stringify(excludes))], Buffer.from(JSON.stringify(listings)));
        return undefined;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code ?? String(err);
      }
    },
    storedFacts,
    countUnread(n) {
      this.hits += n;
      this.unread += n;
    },
    saveSnapshot(files, packages, takenAt) {
      if (!location || writeProblem()) return undefined;
      const known = snapshot.factKeys;
      // A few changed files do not justify rewriting every file's facts: their per-file entries answer for them.
      const outside = files.filter((f) => f.key !== undefined && !known.has(f.key)).length;
      const keepFacts = snapshot.factsDigest !== undefined && outside <= FEW_FILES;
      const stamps: Record<string, StampedFile> = {};
      for (const f of files) {
        const stamp = { size: f.file.size, mtimeMs: f.file.mtimeMs, ino: f.file.ino };
        if (f.key !== undefined) {
          const out = keepFacts ? !known.has(f.key) : !f.facts && !known.has(f.key);
          stamps[f.file.relPath] = { ...stamp, key: f.key, ...(out ? { outside: true as const } : {}) };
        } else if (f.refused !== undefined) stamps[f.file.relPath] = { ...stamp, refused: f.refused };
      }
      const facts = keepFacts ? undefined : new Map(files.filter((f) => f.key !== undefined).map((f) => [f.key!, { ...(f.facts ? { stored: f.facts } : {}), ...(f.json !== undefined ? { json: f.json } : {}) }]));
      try {
        writeSnapshot(location, { takenAt, stamps, packages, ...(facts ? { facts } : {}) }, snapshot);
        pruneSnapshots(location);
        sweepEntries(dir);
        return undefined;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code ?? String(err);
      }
    },
  };
}
