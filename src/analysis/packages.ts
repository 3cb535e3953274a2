// A repository can hold several packages (Cargo crates, npm packages, or two
// example services side by side). Types, teardown methods and call graphs are
// resolved within a package, so two services that both define `ApiServer`
// never lend each other a Drop impl; each package is judged on its own
// (engine/judge-units.ts), and one whose files did not change keeps its result.
import { readFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';

/** Directories (relative to the root, '' for the root) of manifests that define a package. */
export function packageDirs(root: string, manifestPaths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const path of manifestPaths) {
    if (path.endsWith('Cargo.toml')) {
      let text = '';
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      // A workspace-only manifest groups crates; it is not a package itself.
      if (!/^\s*\[package\]/m.test(text)) continue;
    }
    dirs.add(relative(root, dirname(path)).split(sep).join('/'));
  }
  return [...dirs];
}

/** Items grouped by the innermost package directory holding their path, in directory order. */
export function groupByPackage<T>(items: readonly T[], pathOf: (item: T) => string, dirs: readonly string[]): { dir: string; items: T[] }[] {
  const sorted = [...dirs].sort((a, b) => b.length - a.length);
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const path = pathOf(item);
    const dir = sorted.find((d) => d === '' || path.startsWith(`${d}/`)) ?? '';
    const list = groups.get(dir) ?? [];
    list.push(item);
    groups.set(dir, list);
  }
  return [...groups.keys()].sort().map((dir) => ({ dir, items: groups.get(dir)! }));
}
