// Discovery: walk the audited paths, honour .gitignore and config excludes,
// skip what cannot be source code, and say why for every skipped file.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { Ignore } from 'ignore';
import { isTestPath, languageOf, type LanguageInfo } from './language.js';
import { harnessTestDirs, insideAny } from './harness.js';
import { sameIgnoreFiles, type DirListing, type Listings } from './listings.js';
import { settled, stampOf, type Stamp } from './stamp.js';

/** Directories that hold build output, dependencies or vendored code. */
const MANIFEST = /^(Cargo\.toml|package\.json|pyproject\.toml|setup\.py|setup\.cfg|go\.mod)$/;

/** Of those, the ones that hold other people's code: worth a note when the project commits one (see `unignoredDependencies`). */
const DEPENDENCY_DIRS = new Set(['node_modules', 'vendor', 'third_party', 'third-party', 'bower_components']);

const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'target', 'vendor', 'third_party', 'third-party', '.venv', '__pycache__', '.next', '.turbo', '.cache', 'bower_components', 'coverage']);

/**
 * A library directory of a web app's static assets (`public/plugins/jQueryUI`, `static/lib/..`,
 * `assets/libs/..`): where copies of browser libraries are dropped, as `vendor/` holds them elsewhere.
 */
const LIBRARY_ASSET_DIR = /(^|\/)(public|static|assets|www|wwwroot|webroot)\/(.+\/)?(plugins|lib|libs|vendors|external|externals)(\/|$)/;

function libraryAssetDir(relDir: string): boolean {
  return LIBRARY_ASSET_DIR.test(relDir);
}

const VENDORED_COPY = 'vendored library (a script beside its own minified build in a static-asset library directory)';

/**
 * `jquery-ui.js` beside `jquery-ui.min.js`: a library as its authors distribute it, copied into the
 * tree with its minified build. Code of the project itself is not shipped so in such a directory.
 */
function besideMinifiedBuild(files: readonly string[]): (relPath: string) => boolean {
  const names = new Set(files);
  return (relPath) => {
    const m = /([^/]+)\.([cm]?js)$/.exec(relPath);
    return !!m && !m[1]!.endsWith('.min') && names.has(`${m[1]}.min.${m[2]}`);
  };
}

export interface DiscoveredFile {
  /** Absolute path. */
  absPath: string;
  /** Path relative to the audit root, forward slashes. */
  relPath: string;
  size: number;
  /** Modification time and inode at discovery: an unchanged stamp lets a warm run skip reading the file. */
  mtimeMs: number;
  ino: number;
  info: LanguageInfo;
  isTestFile: boolean;
}

export interface SkippedFile {
  relPath: string;
  reason: string;
}

export interface DiscoverOptions {
  root: string;
  paths: string[];
  maxFileBytes: number;
  exclude?: string[];
  include?: string[];
  /** The last run's directory listings: unchanged directories are not listed again. */
  listings?: Listings;
}

export interface Discovery {
  files: DiscoveredFile[];
  skipped: SkippedFile[];
  /** Manifests found: Cargo.toml, package.json, pyproject.toml, setup.py, setup.cfg, go.mod (absolute paths). */
  manifests: string[];
  /** This run's directory listings, for the next run. */
  listings: Listings;
  /** Directories listed afresh (not answered by the last listings). */
  relisted: number;
  /**
   * Dependency directories (node_modules, vendor...) skipped although no ignore file
   * excludes them: committed, so perhaps the project's own code (Node-RED keeps its
   * packages in packages/node_modules). Naming one as a path audits it.
   */
  unignoredDependencies: string[];
}

export async function discover(opts: DiscoverOptions): Promise<Discovery> {
  const root = resolve(opts.root);
  const takenAt = Date.now();
  const out: Discovery = { files: [], skipped: [], manifests: [], listings: { takenAt, dirs: {}, above: {} }, relisted: 0, unignoredDependencies: [] };
  const previous = opts.listings;
  const userIgnore = opts.exclude && opts.exclude.length > 0 ? newIgnore().add(opts.exclude) : undefined;
  const includeOnly = opts.include && opts.include.length > 0 ? newIgnore().add(opts.include) : undefined;
  const rel = (abs: string): string => relative(root, abs).split(sep).join('/');
  let listed = 0;
  /** Directories a Playwright or Cypress configuration makes test code (see harness.ts). */
  const harnessDirs: string[] = [];

  function visitFile(abs: string, relPath: string, st: { size: number; mtimeMs: number; ino: number }, vendored?: (relPath: string) => boolean): void {
    const size = st.size;
    if (/(^|\/)(Cargo\.toml|package\.json|pyproject\.toml|setup\.py|setup\.cfg|go\.mod)$/.test(relPath)) out.manifests.push(abs);
    const info = languageOf(relPath);
    if (!info) return;
    if (userIgnore?.ignores(relPath)) return;
    if (includeOnly && !includeOnly.ignores(relPath)) return;
    if (/\.min\.[cm]?js$|[-.]bundle\.[cm]?js$/.test(relPath)) {
      out.skipped.push({ relPath, reason: 'minified or bundled file' });
      return;
    }
    if (vendored?.(relPath)) {
      out.skipped.push({ relPath, reason: VENDORED_COPY });
      return;
    }
    if (size > opts.maxFileBytes) {
      out.skipped.push({ relPath, reason: `larger than ${formatBytes(opts.maxFileBytes)} (${formatBytes(size)})` });
      return;
    }
    out.files.push({ absPath: abs, relPath, size, mtimeMs: st.mtimeMs, ino: st.ino, info, isTestFile: isTestPath(relPath) || (harnessDirs.length > 0 && insideAny(relPath, harnessDirs)) });
  }

  // Synchronous on purpose: a directory listing or a stat costs a few
  // microseconds in the calling thread, several times that through the thread
  // pool. Symbolic links are never followed, so no directory is reached twice.
  // `rules` is asked for only when the directory (or one below it) must be
  // listed: an unchanged tree never reads an ignore file. `trusted`: the
  // ignore files above are the same as when the last listings were taken.
  async function visitDir(abs: string, relDir: string, rules: () => ScopedIgnore[], trusted: boolean): Promise<void> {
    const listing = listDir(abs, relDir, rules, trusted);
    if (!listing) return;
    out.listings.dirs[relDir] = listing.entry;
    // Plain concatenation: `abs` is already normalised, and path.join costs more than the stat on big trees.
    const dirPrefix = abs.endsWith(sep) ? abs : `${abs}${sep}`;
    const at = (name: string): { abs: string; relPath: string } => ({ abs: `${dirPrefix}${name}`, relPath: relDir ? `${relDir}/${name}` : name });
    harnessDirs.push(...harnessTestDirs(abs, relDir, listing.entry.files, listing.entry.subdirs));
    for (const name of listing.entry.links) out.skipped.push({ relPath: at(name).relPath, reason: 'symbolic link (not followed)' });
    for (const name of listing.entry.unignoredDependencies ?? []) out.unignoredDependencies.push(at(name).relPath);
    const vendored = libraryAssetDir(relDir) ? besideMinifiedBuild(listing.entry.files) : undefined;
    for (const name of listing.entry.files) {
      const { abs: child, relPath } = at(name);
      let st: Stamp;
      try {
        st = statSync(child);
      } catch (err) {
        const hint = name.includes('\uFFFD') ? ' (file name is not valid UTF-8)' : '';
        if (!MANIFEST.test(name)) out.skipped.push({ relPath, reason: `cannot read: ${errorCode(err)}${hint}` });
        continue;
      }
      visitFile(child, relPath, st, vendored);
    }
    // Let timers and signals through now and then on very large trees.
    if (++listed % 256 === 0) await new Promise((r) => setImmediate(r));
    let local: ScopedIgnore[] | undefined;
    const inner = (): ScopedIgnore[] => {
      if (!local) {
        const own = readIgnoreFile(abs, new Set(Object.keys(listing.entry.ignoreFiles)));
        local = own ? [...rules(), own.withBase(relDir)] : rules();
      }
      return local;
    };
    for (const name of listing.entry.subdirs) {
      const d = at(name);
      await visitDir(d.abs, d.relPath, inner, listing.trustChildren);
    }
  }

  /** The directory's listing: the last run's when nothing it depends on changed, else a fresh one. */
  function listDir(abs: string, relDir: string, rules: () => ScopedIgnore[], trusted: boolean): { entry: DirListing; trustChildren: boolean } | undefined {
    const cached = trusted ? previous?.dirs[relDir] : undefined;
    let dirStamp: Stamp | undefined;
    if (cached) {
      try {
        dirStamp = statSync(abs);
      } catch {
        dirStamp = undefined;
      }
      if (dirStamp && dirStamp.mtimeMs === cached.mtimeMs && dirStamp.ino === cached.ino && settled(cached, previous!.takenAt)) {
        if (sameIgnoreFiles(cached.ignoreFiles, ignoreStamps(abs, Object.keys(cached.ignoreFiles)))) return { entry: cached, trustChildren: true };
      }
    }
    out.relisted++;
    let entries;
    try {
      dirStamp ??= statSync(abs);
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      out.skipped.push({ relPath: relDir || '.', reason: `cannot list directory: ${errorCode(err)}` });
      return undefined;
    }
    const ignoreNames = entries.filter((e) => e.isFile() && IGNORE_FILES.includes(e.name)).map((e) => e.name);
    const ignoreFiles = ignoreStamps(abs, ignoreNames);
    // Only ignore files this directory really has: no failed reads per directory.
    const own = readIgnoreFile(abs, new Set(ignoreNames));
    const active = own ? [...rules(), own.withBase(relDir)] : rules();
    const entry: DirListing = { mtimeMs: dirStamp.mtimeMs, ino: dirStamp.ino, ignoreFiles, subdirs: [], files: [], links: [] };
    for (const e of entries) {
      const name = e.name;
      const relPath = relDir ? `${relDir}/${name}` : name;
      // Like git and ripgrep, symbolic links are not followed: a linked tree is
      // audited at its real path, and loops or links out of the root cannot happen.
      if (e.isSymbolicLink()) {
        if (!active.some((r) => r.ignored(relPath, false))) entry.links.push(name);
        continue;
      }
      const isDir = e.isDirectory();
      if (isDir && ALWAYS_SKIPPED_DIRS.has(name)) {
        if (DEPENDENCY_DIRS.has(name) && !active.some((r) => r.ignored(relPath, true))) (entry.unignoredDependencies ??= []).push(name);
        continue;
      }
      if (!isDir && !e.isFile()) continue;
      // Only sources and manifests matter: other files are never stat'ed or matched.
      if (!isDir && !MANIFEST.test(name) && !languageOf(name)) continue;
      if (active.some((r) => r.ignored(relPath, isDir))) continue;
      if (isDir) {
        if (!userIgnore?.ignores(`${relPath}/`)) entry.subdirs.push(name);
      } else entry.files.push(name);
    }
    // The ignore files below were read under this directory's: if those changed, nothing below can be trusted.
    return { entry, trustChildren: trusted && cached !== undefined && sameIgnoreFiles(cached.ignoreFiles, ignoreFiles) };
  }

  const seenStarts = new Set<string>();
  for (const p of opts.paths) {
    const abs = resolve(p);
    if (!isInside(abs, root)) {
      // Report paths are relative to the root: a path outside it would print as ../..
      out.skipped.push({ relPath: p, reason: 'outside the audited root' });
      continue;
    }
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st) {
      out.skipped.push({ relPath: p, reason: 'no such file or directory' });
      continue;
    }
    // The same tree named twice (`src src/`) is walked once; nested starts are deduplicated below.
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (err) {
      out.skipped.push({ relPath: p, reason: `cannot resolve: ${errorCode(err)}` });
      continue;
    }
    if (seenStarts.has(real)) continue;
    seenStarts.add(real);
    const target = statSync(abs, { throwIfNoEntry: false });
    if (target?.isDirectory()) {
      // Ignore files between the root and a start below it apply too: their stamps decide whether the listings stand.
      const aboveStamps = ignoreFilesAbove(root, abs);
      out.listings.above[rel(abs)] = aboveStamps;
      const previousAbove = previous?.above[rel(abs)];
      let above: ScopedIgnore[] | undefined;
      await visitDir(abs, rel(abs), () => (above ??= parentIgnores(root, abs)), previousAbove !== undefined && sameIgnoreFiles(previousAbove, aboveStamps));
    }
    else if (target?.isFile()) visitFile(abs, rel(abs) || abs.split(sep).pop()!, target);
  }
  // Order everything for deterministic output; a file reached from two starting paths counts once.
  out.files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  out.files = out.files.filter((f, i, all) => i === 0 || f.relPath !== all[i - 1]!.relPath);
  out.skipped.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  out.manifests.sort();
  out.unignoredDependencies.sort();
  return out;
}

/** A .gitignore (and .ignore) as rules relative to the repository root. */
interface ScopedIgnore {
  ignored(relPath: string, isDir: boolean): boolean;
}

let ignoreFactory: (() => Ignore) | undefined;

/**
 * A gitignore matcher. The library loads on first use: a warm run whose
 * directories are all unchanged never matches a path against ignore rules.
 */
function newIgnore(): Ignore {
  ignoreFactory ??= createRequire(import.meta.url)('ignore') as () => Ignore;
  return ignoreFactory();
}

const IGNORE_FILES = ['.gitignore', '.ignore', '.leakauditignore'];

function ignoreStamps(dir: string, names: readonly string[]): Record<string, Stamp> {
  const stamps: Record<string, Stamp> = {};
  for (const name of names) {
    // A vanished file has no stamp: the stamps then differ from the listing's, and the directory is listed again.
    const stamp = stampOf(join(dir, name));
    if (stamp) stamps[name] = stamp;
  }
  return stamps;
}

function readIgnoreFile(dir: string, present?: ReadonlySet<string>): { withBase(base: string): ScopedIgnore } | undefined {
  const texts: string[] = [];
  for (const name of IGNORE_FILES) {
    if (present && !present.has(name)) continue;
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch {
      text = undefined;
    }
    if (text) texts.push(text);
  }
  if (texts.length === 0) return undefined;
  const ig = newIgnore().add(texts.join('\n'));
  return {
    withBase(base: string): ScopedIgnore {
      return {
        ignored(relPath: string, isDir: boolean): boolean {
          const inner = base ? (relPath.startsWith(`${base}/`) ? relPath.slice(base.length + 1) : undefined) : relPath;
          if (inner === undefined || inner === '') return false;
          return ig.ignores(isDir ? `${inner}/` : inner);
        },
      };
    },
  };
}

/** Stamps of the ignore files in the directories from the root down to (not including) `start`, by path. */
function ignoreFilesAbove(root: string, start: string): Record<string, Stamp> {
  const stamps: Record<string, Stamp> = {};
  if (!isInside(start, root) || start === root) return stamps;
  const parts = relative(root, start).split(sep);
  let dir = root;
  for (let i = 0; i < parts.length; i++) {
    for (const [name, stamp] of Object.entries(ignoreStamps(dir, IGNORE_FILES))) stamps[join(dir, name)] = stamp;
    dir = join(dir, parts[i]!);
  }
  return stamps;
}

/** .gitignore files between the root and a starting directory below it. */
function parentIgnores(root: string, start: string): ScopedIgnore[] {
  const out: ScopedIgnore[] = [];
  if (!isInside(start, root) || start === root) return out;
  const parts = relative(root, start).split(sep);
  let dir = root;
  for (let i = 0; i < parts.length; i++) {
    const f = readIgnoreFile(dir);
    if (f) out.push(f.withBase(relative(root, dir).split(sep).join('/')));
    dir = join(dir, parts[i]!);
  }
  return out;
}

function isInside(path: string, root: string): boolean {
  const r = relative(root, path);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && !/^[a-zA-Z]:/.test(r));
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} B`;
}
