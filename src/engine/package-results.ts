// One package's judgement, as stored in the tree snapshot for the next run:
// its findings with what the report needs of its files (counts, skipped and
// partially parsed files). Types, teardowns and call graphs resolve within a
// package, so a package none of whose files changed keeps its result; the
// results of all packages then merge into the run's.
import { createHash } from 'node:crypto';
import { countApis, mergeCounts, type ApiCount } from '../analysis/counts.js';
import { compareFindings, judge, type JudgeOptions, type Judgement } from '../analysis/judge.js';
import { buildProject } from '../analysis/project.js';
import { analysisFingerprint } from '../cache/extractor-fingerprint.js';
import type { StampedFile } from '../cache/tree-snapshot.js';
import type { DiscoveredFile, SkippedFile } from '../discover/walk.js';
import type { FileFacts } from '../facts/types.js';
import type { ModelSet } from '../models/index.js';
import type { FileOutcome } from '../parse/outcome.js';
import type { Rule } from '../rules/types.js';
import { VERSION } from '../version.js';

/** What the report says of the files judged: a package's share, or the whole run's. */
export interface ScanSummary extends Judgement {
  filesScanned: number;
  bytesScanned: number;
  /** Files parsed with syntax errors (facts may be partial). */
  partial: { path: string; errors: number }[];
  /** Files decoded with a note (UTF-16, invalid UTF-8). */
  decodeNotes: { path: string; note: string }[];
  counts: ApiCount[];
}

/** What one package was judged to, with what the report needs of its files: stored for the next run. */
export interface PackageResult extends ScanSummary {
  /** Files discovery found that extraction skipped (binary, timed out). */
  extractionSkipped: SkippedFile[];
}

export function judgePackage(
  root: string,
  files: { file: DiscoveredFile; outcome: FileOutcome }[],
  models: ModelSet,
  rules: readonly Rule[],
  options: JudgeOptions,
): PackageResult {
  const facts: FileFacts[] = [];
  const result: PackageResult = { findings: [], notes: [], suppressionProblems: [], filesScanned: 0, bytesScanned: 0, extractionSkipped: [], partial: [], decodeNotes: [], counts: [] };
  for (const { file, outcome } of files) {
    if (!outcome.ok) {
      result.extractionSkipped.push({ relPath: outcome.relPath, reason: outcome.reason });
      continue;
    }
    facts.push(outcome.facts);
    result.filesScanned++;
    result.bytesScanned += file.size;
    if (outcome.facts.parseErrors > 0) result.partial.push({ path: outcome.facts.path, errors: outcome.facts.parseErrors });
    if (outcome.note) result.decodeNotes.push({ path: file.relPath, note: outcome.note });
  }
  Object.assign(result, judge(buildProject(root, facts, models), rules, options));
  result.counts = countApis(facts);
  return result;
}

/** The packages' results as one: lists in path order, counts summed (packages never share a file). */
export function mergePackageResults(results: readonly PackageResult[]): Omit<PackageResult, 'extractionSkipped'> {
  const findings = results.flatMap((r) => r.findings).sort(compareFindings);
  const notes = results.flatMap((r) => r.notes).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return {
    findings,
    notes,
    // Path order, not package order: shard reports merge into the same list (each package's is in line order).
    suppressionProblems: sortByKey(results.flatMap((r) => r.suppressionProblems), (p) => p.path),
    filesScanned: results.reduce((n, r) => n + r.filesScanned, 0),
    bytesScanned: results.reduce((n, r) => n + r.bytesScanned, 0),
    partial: sortByKey(results.flatMap((r) => r.partial), (p) => p.path),
    decodeNotes: sortByKey(results.flatMap((r) => r.decodeNotes), (d) => d.path),
    counts: mergeCounts(results.map((r) => r.counts)),
  };
}

/** Everything a package's judgement depends on besides its files: the tool, the judging code, the models, the options. */
export function judgementBase(modelsVersion: string, options: JudgeOptions): string {
  return `${VERSION}\0${analysisFingerprint()}\0${modelsVersion}\0${[...(options.disabled ?? [])].sort().join(',')}\0${[...(options.priorities ?? new Map())].sort().join(';')}`;
}

/** The key of a package's judgement: the base, its directory, and each file's facts (by cache key) or refusal. */
export function packageKey(base: string, dir: string, files: readonly [string, StampedFile][]): string {
  const hash = createHash('sha256').update(`${base}\0${dir}\0`);
  for (const [path, stamp] of files) hash.update(`${path}\0${stamp.key ?? `refused ${stamp.refused}`}\n`);
  return hash.digest('hex');
}

export function sortByKey<T>(items: T[], key: (item: T) => string): T[] {
  return items.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}
