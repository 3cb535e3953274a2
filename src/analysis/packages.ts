// A repository can hold several packages (Cargo crates, npm packages, or two
// example services side by side). Types, teardown methods and call graphs are
// resolved within a package, so two services that both define `ApiServer`
// never lend each other a Drop impl; the judgements are then merged.
import { readFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import type { FileFacts } from '../facts/types.js';
import type { ModelSet } from '../models/index.js';
import type { Rule } from '../rules/types.js';
import { compareFindings, judge, type JudgeOptions, type Judgement } from './judge.js';
import { buildProject } from './project.js';

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

/** Files grouped by the innermost package directory that contains them. */
export function partitionByPackage(files: readonly FileFacts[], dirs: readonly string[]): FileFacts[][] {
  return groupByPackage(files, (f) => f.path, dirs).map((g) => g.items);
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

export function judgePackages(root: string, files: readonly FileFacts[], dirs: readonly string[], models: ModelSet, rules: readonly Rule[], opts: JudgeOptions): Judgement {
  const merged: Judgement = { findings: [], notes: [], suppressionProblems: [] };
  for (const group of partitionByPackage(files, dirs)) {
    const j = judge(buildProject(root, group, models), rules, opts);
    merged.findings.push(...j.findings);
    merged.notes.push(...j.notes);
    merged.suppressionProblems.push(...j.suppressionProblems);
  }
  merged.findings.sort(compareFindings);
  merged.notes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return merged;
}
