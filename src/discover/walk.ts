// Discovery: walk the audited paths, honour .gitignore and config excludes,
// skip what cannot be source code, and say why for every skipped file.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore from 'ignore';
import { isTestPath, languageOf, type LanguageInfo } from './language.js';

/** Directories that hold build output, dependencies or vendored code. */
const MANIFEST = /^(Cargo\.toml|package\.json)$/;

const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'target', 'vendor', 'third_party', 'third-party', '.venv', '__pycache__', '.next', '.turbo', '.cache', 'bower_components', 'coverage']);

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
}

export interface Discovery {
  files: DiscoveredFile[];
  skipped: SkippedFile[];
  /** Manifests found: Cargo.toml, package.json (absolute paths). */
  manifests: string[];
}

export async function discover(opts: DiscoverOptions): Promise<Discovery> {
  const root = resolve(opts.root);
  const out: Discovery = { files: [], skipped: [], manifests: [] };
  const userIgnore = ignore().add(opts.exclude ?? []);
  const includeOnly = opts.include && opts.include.length > 0 ? ignore().add(opts.include) : undefined;
  const rel = (abs: string): string => relative(root, abs).split(sep).join('/');
  let listed = 0;

  function visitFile(abs: string, relPath: string, st: { size: number; mtimeMs: number; ino: number }): void {
    const size = st.size;
    if (/(^|\/)(Cargo\.toml|package\.json)$/.test(relPath)) out.manifests.push(abs);
    const info = languageOf(relPath);
    if (!info) return;
    if (userIgnore.ignores(relPath)) return;
    if (includeOnly && !includeOnly.ignores(relPath)) return;
    if (/\.min\.[cm]?js$|[-.]bundle\.[cm]?js$/.test(relPath)) {
      out.skipped.push({ relPath, reason: 'minified or bundled file' });
      return;
    }
    if (size > opts.maxFileBytes) {
      out.skipped.push({ relPath, reason: `larger than ${formatBytes(opts.maxFileBytes)} (${formatBytes(size)})` });
      return;
    }
    out.files.push({ absPath: abs, relPath, size, mtimeMs: st.mtimeMs, ino: st.ino, info, isTestFile: isTestPath(relPath) });
  }

  // Synchronous on purpose: a directory listing or a stat costs a few
  // microseconds in the calling thread, several times that through the thread
  // pool. Symbolic links are never followed, so no directory is reached twice.
  async function visitDir(abs: string, relDir: string, rules: ScopedIgnore[]): Promise<void> {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      out.skipped.push({ relPath: relDir || '.', reason: `cannot list directory: ${errorCode(err)}` });
      return;
    }
    // Only ignore files this directory really has: no failed reads per directory.
    const local = readIgnoreFile(abs, new Set(entries.filter((e) => e.isFile()).map((e) => e.name)));
    const active = local ? [...rules, local.withBase(relDir)] : rules;
    const subdirs: { abs: string; relPath: string }[] = [];
    for (const entry of entries) {
      const name = entry.name;
      const relPath = relDir ? `${relDir}/${name}` : name;
      // Like git and ripgrep, symbolic links are not followed: a linked tree is
      // audited at its real path, and loops or links out of the root cannot happen.
      if (entry.isSymbolicLink()) {
        if (!active.some((r) => r.ignored(relPath, false))) out.skipped.push({ relPath, reason: 'symbolic link (not followed)' });
        continue;
      }
      const isDir = entry.isDirectory();
      if (isDir && ALWAYS_SKIPPED_DIRS.has(name)) continue;
      if (!isDir && !entry.isFile()) continue;
      // Only sources and manifests matter: other files are never stat'ed or matched.
      const manifest = !isDir && MANIFEST.test(name);
      if (!isDir && !manifest && !languageOf(name)) continue;
      if (active.some((r) => r.ignored(relPath, isDir))) continue;
      const child = join(abs, name);
      if (isDir) {
        if (!userIgnore.ignores(`${relPath}/`)) subdirs.push({ abs: child, relPath });
        continue;
      }
      let st: { size: number; mtimeMs: number; ino: number };
      try {
        st = statSync(child);
      } catch (err) {
        const hint = name.includes('\uFFFD') ? ' (file name is not valid UTF-8)' : '';
        if (!manifest) out.skipped.push({ relPath, reason: `cannot read: ${errorCode(err)}${hint}` });
        continue;
      }
      visitFile(child, relPath, st);
    }
    // Let timers and signals through now and then on very large trees.
    if (++listed % 256 === 0) await new Promise((r) => setImmediate(r));
    for (const d of subdirs) await visitDir(d.abs, d.relPath, active);
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
    if (target?.isDirectory()) await visitDir(abs, rel(abs), parentIgnores(root, abs));
    else if (target?.isFile()) visitFile(abs, rel(abs) || abs.split(sep).pop()!, target);
  }
  // Order everything for deterministic output; a file reached from two starting paths counts once.
  out.files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  out.files = out.files.filter((f, i, all) => i === 0 || f.relPath !== all[i - 1]!.relPath);
  out.skipped.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  out.manifests.sort();
  return out;
}

/** A .gitignore (and .ignore) as rules relative to the repository root. */
interface ScopedIgnore {
  ignored(relPath: string, isDir: boolean): boolean;
}

function readIgnoreFile(dir: string, present?: ReadonlySet<string>): { withBase(base: string): ScopedIgnore } | undefined {
  const texts: string[] = [];
  for (const name of ['.gitignore', '.ignore', '.leakauditignore']) {
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
  const ig = ignore().add(texts.join('\n'));
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
