// Exact methodology counts: call sites and files per API, code only (comments,
// strings and `use` lines excluded), production and test code apart.
import type { FileFacts } from '../facts/types.js';

export interface ApiCount {
  api: string;
  sites: number;
  files: number;
  testSites: number;
  testFiles: number;
  /** Production and test together; files counted once (a file can hold both). */
  allSites: number;
  allFiles: number;
}

export function countApis(files: readonly FileFacts[]): ApiCount[] {
  const map = new Map<string, { sites: number; files: Set<string>; testSites: number; testFiles: Set<string> }>();
  for (const file of files) {
    for (const use of file.uses) {
      let c = map.get(use.api);
      if (!c) {
        c = { sites: 0, files: new Set(), testSites: 0, testFiles: new Set() };
        map.set(use.api, c);
      }
      if (use.isTest || file.isTestFile) {
        c.testSites++;
        c.testFiles.add(file.path);
      } else {
        c.sites++;
        c.files.add(file.path);
      }
    }
  }
  return [...map.entries()]
    .map(([api, c]) => ({
      api,
      sites: c.sites,
      files: c.files.size,
      testSites: c.testSites,
      testFiles: c.testFiles.size,
      allSites: c.sites + c.testSites,
      allFiles: new Set([...c.files, ...c.testFiles]).size,
    }))
    .sort(byUse);
}

function byUse(a: ApiCount, b: ApiCount): number {
  return b.sites + b.testSites - (a.sites + a.testSites) || (a.api < b.api ? -1 : 1);
}

/** Counts of disjoint file sets (packages) as one: every field sums, since no file is in two sets. */
export function mergeCounts(parts: readonly (readonly ApiCount[])[]): ApiCount[] {
  const map = new Map<string, ApiCount>();
  for (const part of parts) {
    for (const c of part) {
      const m = map.get(c.api);
      if (!m) map.set(c.api, { ...c });
      else {
        m.sites += c.sites;
        m.files += c.files;
        m.testSites += c.testSites;
        m.testFiles += c.testFiles;
        m.allSites += c.allSites;
        m.allFiles += c.allFiles;
      }
    }
  }
  return [...map.values()].sort(byUse);
}
