// Discovery: walk the audited paths, honour .gitignore and config excludes,
// skip what cannot be source code, and say why for every skipped file.
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import ignore from 'ignore';
import { isTestPath, languageOf, type LanguageInfo } from './language.js';

/** Directories that hold build output, dependencies or vendored code. */
const MANIFEST = /^(Cargo\.toml|package\.json)$/;
/** Subdirectories walked at once: enough to overlap I/O, few enough to stay far from the FD limit. */
const DIR_CONCURRENCY = 8;

const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'target', 'vendor', 'third_party', 'third-party', '.venv', '__pycache__', '.next', '.turbo', '.cache', 'bower_components', 'coverage']);

export interface DiscoveredFile {
  /** Absolute path. */
  absPath: string;
  /** Path relative to the audit root, forward slashes. */
  relPath: string;
  size: number;
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
  const seenDirs = new Set<string>();
  const rel = (abs: string): string => relative(root, abs).split(sep).join('/');

  function visitFile(abs: string, size: number): void {
    const relPath = rel(abs) || abs.split(sep).pop()!;
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
    out.files.push({ absPath: abs, relPath, size, info, isTestFile: isTestPath(relPath) });
  }

  async function visitDir(abs: string, rules: ScopedIgnore[]): Promise<void> {
    let real: string;
    try {
      real = await realpath(abs);
    } catch (err) {
      out.skipped.push({ relPath: rel(abs) || '.', reason: `cannot resolve directory: ${errorCode(err)}` });
      return;
    }
    if (seenDirs.has(real)) return; // a directory reached twice
    seenDirs.add(real);
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      out.skipped.push({ relPath: rel(abs) || '.', reason: `cannot list directory: ${errorCode(err)}` });
      return;
    }
    // Only ignore files this directory really has: no failed reads per directory.
    const local = await readIgnoreFile(abs, new Set(entries.filter((e) => e.isFile()).map((e) => e.name)));
    const active = local ? [...rules, local.withBase(rel(abs))] : rules;
    const subdirs: string[] = [];
    const sources: { path: string; relPath: string; name: string }[] = [];
    for (const entry of entries) {
      const child = join(abs, entry.name);
      const relPath = rel(child);
      // Like git and ripgrep, symbolic links are not followed: a linked tree is
      // audited at its real path, and loops or links out of the root cannot happen.
      if (entry.isSymbolicLink()) {
        if (!active.some((r) => r.ignored(relPath, false))) out.skipped.push({ relPath, reason: 'symbolic link (not followed)' });
        continue;
      }
      const isDir = entry.isDirectory();
      if (isDir && ALWAYS_SKIPPED_DIRS.has(entry.name)) continue;
      if (!isDir && !entry.isFile()) continue;
      // Only sources and manifests matter: other files are never stat'ed or matched.
      if (!isDir && !languageOf(relPath) && !MANIFEST.test(entry.name)) continue;
      if (active.some((r) => r.ignored(relPath, isDir))) continue;
      if (isDir && userIgnore.ignores(`${relPath}/`)) continue;
      if (isDir) subdirs.push(child);
      else sources.push({ path: child, relPath, name: entry.name });
    }
    // Stat this directory's files together; then the subdirectories, a few at a time.
    const stats = await Promise.all(sources.map((f) => stat(f.path).catch((err: unknown) => errorCode(err))));
    for (let i = 0; i < sources.length; i++) {
      const f = sources[i]!;
      const st = stats[i]!;
      if (typeof st === 'string') {
        const hint = f.name.includes('\uFFFD') ? ' (file name is not valid UTF-8)' : '';
        if (languageOf(f.relPath)) out.skipped.push({ relPath: f.relPath, reason: `cannot read: ${st}${hint}` });
      } else if (st.isFile()) visitFile(f.path, st.size);
    }
    for (let i = 0; i < subdirs.length; i += DIR_CONCURRENCY) {
      await Promise.all(subdirs.slice(i, i + DIR_CONCURRENCY).map((d) => visitDir(d, active)));
    }
  }

  for (const p of opts.paths) {
    const abs = resolve(p);
    if (!isInside(abs, root)) {
      // Report paths are relative to the root: a path outside it would print as ../..
      out.skipped.push({ relPath: p, reason: 'outside the audited root' });
      continue;
    }
    const st = await lstat(abs).catch(() => undefined);
    if (!st) {
      out.skipped.push({ relPath: p, reason: 'no such file or directory' });
      continue;
    }
    const real = await stat(abs).catch(() => undefined);
    if (real?.isDirectory()) await visitDir(abs, await parentIgnores(root, abs));
    else if (real?.isFile()) visitFile(abs, real.size);
  }
  // Directories are walked concurrently: order everything for deterministic output.
  out.files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  out.skipped.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  out.manifests.sort();
  return out;
}

/** A .gitignore (and .ignore) as rules relative to the repository root. */
interface ScopedIgnore {
  ignored(relPath: string, isDir: boolean): boolean;
}

async function readIgnoreFile(dir: string, present?: ReadonlySet<string>): Promise<{ withBase(base: string): ScopedIgnore } | undefined> {
  const texts: string[] = [];
  for (const name of ['.gitignore', '.ignore', '.leakauditignore']) {
    if (present && !present.has(name)) continue;
    const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
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
async function parentIgnores(root: string, start: string): Promise<ScopedIgnore[]> {
  const out: ScopedIgnore[] = [];
  if (!isInside(start, root) || start === root) return out;
  const parts = relative(root, start).split(sep);
  let dir = root;
  for (let i = 0; i < parts.length; i++) {
    const f = await readIgnoreFile(dir);
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
