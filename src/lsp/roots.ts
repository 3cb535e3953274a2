// Which tree a file is audited with: the innermost workspace folder holding it;
// for a file outside every folder (or an editor that names none), the nearest
// directory above it with a package manifest or a git work tree, else its own
// directory. Types and call graphs resolve within a package, so the package
// is the least a file can be judged with.
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep, isAbsolute } from 'node:path';

const TREE_MARKERS = ['package.json', 'Cargo.toml', '.git'];

export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export function rootFor(file: string, folders: readonly string[]): string {
  const holding = folders.filter((f) => isInside(file, f)).sort((a, b) => b.length - a.length);
  if (holding.length > 0) return holding[0]!;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (TREE_MARKERS.some((m) => existsSync(join(dir, m)))) return dir;
    if (dirname(dir) === dir) return dirname(file);
  }
}
