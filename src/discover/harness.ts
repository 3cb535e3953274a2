// End-to-end and browser-test harnesses: a directory that holds a Playwright or
// Cypress configuration is test code (its specs, fixtures, page objects and the
// servers and databases it starts for them), and so is the test directory the
// configuration names. The audit root itself, a package (its own package.json)
// or a directory that also holds the application (`src/`, `app/`, `lib/`) keeps
// its tests beside its code: only the named test directory counts there.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

const HARNESS_CONFIG = /^(playwright|cypress)\.config\.[cm]?[jt]s$/;
const APPLICATION_DIRS = /^(src|app|lib|server|client|packages|apps|pages|node|static)$/;
const PACKAGE_MANIFEST = /^(package\.json|Cargo\.toml|deno\.jsonc?)$/;

/** Directories (relative to the root, no trailing slash) that a harness configuration in `relDir` makes test code. */
export function harnessTestDirs(absDir: string, relDir: string, files: readonly string[], subdirs: readonly string[]): string[] {
  const configs = files.filter((f) => HARNESS_CONFIG.test(f));
  if (configs.length === 0) return [];
  const out: string[] = [];
  // A package (its own package.json) keeps its code beside the configuration: only the named testDir is tests.
  const isPackage = files.some((f) => PACKAGE_MANIFEST.test(f));
  if (relDir !== '' && !isPackage && !subdirs.some((d) => APPLICATION_DIRS.test(d))) out.push(relDir);
  for (const config of configs) {
    let text: string;
    try {
      text = readFileSync(`${absDir}/${config}`, 'utf8');
    } catch {
      continue;
    }
    // `testDir: './tests/e2e'` (Playwright): a path relative to the configuration.
    const m = /\btestDir\s*:\s*['"`]([^'"`$]+)['"`]/.exec(text);
    if (!m) continue;
    const dir = posix.normalize(posix.join(relDir, m[1]!)).replace(/\/+$/, '');
    if (dir !== '.' && dir !== '' && !dir.startsWith('..')) out.push(dir);
  }
  return out;
}

/** Is `relPath` inside one of `dirs`? */
export function insideAny(relPath: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => relPath.startsWith(`${d}/`));
}
