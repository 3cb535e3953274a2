// `leakaudit merge`: the JSON reports of the N shards of one audit (`--shard
// i/N`) as the whole run's result. Units never share a file, so findings,
// notes and lists concatenate and re-sort exactly as the single run sorts its
// units' results, and counts sum. Reports of another leakaudit version, of
// another tree, or a set with a shard missing or twice, are refused.
import { readFileSync } from 'node:fs';
import { mergeCounts, type ApiCount } from '../analysis/counts.js';
import type { Finding } from '../analysis/finding.js';
import { compareFindings, type SuppressionProblem } from '../analysis/judge.js';
import { createModelSet, loadBuiltinModels } from '../models/index.js';
import type { RuleNote } from '../rules/types.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { sortByKey } from '../engine/package-results.js';
import type { AuditResult } from '../engine/types.js';
import type { Shard } from '../engine/shards.js';

/** A shard report that cannot be merged: the CLI prints the message as one line and exits 2. */
export class ShardReportError extends Error {
  override readonly name = 'ShardReportError';
}

/** The fields of a JSON report (schema version 1) that a merge reads. */
interface ShardReport {
  version: number;
  tool: { name: string; version: string; modelsVersion: string };
  root: string;
  shard?: Shard;
  stats: { files: number; bytes: number; durationMs: number; apis: ApiCount[] };
  skipped: { path: string; reason: string }[];
  partial: { path: string; errors: number }[];
  suppressionProblems: SuppressionProblem[];
  notes?: RuleNote[];
  findings: Finding[];
}

export function readShardReport(path: string): ShardReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ShardReportError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ShardReportError(`${path}: not JSON (write shard reports with -f json)`);
  }
  const report = value as Partial<ShardReport> | null;
  if (typeof report !== 'object' || report === null || report.version !== 1 || report.tool?.name !== TOOL_NAME || !Array.isArray(report.findings)) {
    throw new ShardReportError(`${path}: not a leakaudit JSON report (version 1)`);
  }
  if (report.tool.version !== VERSION) throw new ShardReportError(`${path}: written by leakaudit ${report.tool.version}; merge with the same version (this is ${VERSION})`);
  if (!report.shard || !Array.isArray(report.notes)) throw new ShardReportError(`${path}: not a shard report (audit with --shard i/N -f json)`);
  return report as ShardReport;
}

export function mergeShardReports(reports: readonly { path: string; report: ShardReport }[]): AuditResult {
  if (reports.length === 0) throw new ShardReportError('no shard reports to merge');
  const first = reports[0]!.report;
  const count = first.shard!.count;
  const seen = new Map<number, string>();
  for (const { path, report } of reports) {
    const { index, count: n } = report.shard!;
    if (n !== count) throw new ShardReportError(`${path} is shard ${index}/${n}, ${reports[0]!.path} is of ${count} shards`);
    if (seen.has(index)) throw new ShardReportError(`${path} and ${seen.get(index)} are both shard ${index}/${count}`);
    seen.set(index, path);
    if (report.root !== first.root) throw new ShardReportError(`${path} audited ${report.root}, ${reports[0]!.path} audited ${first.root}`);
    if (report.tool.modelsVersion !== first.tool.modelsVersion) throw new ShardReportError(`${path} was audited with other resource models than ${reports[0]!.path} (a different config?)`);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new ShardReportError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);

  const all = reports.map((r) => r.report);
  // The renderers read only the models' version; the shards were judged with these models.
  const models = { ...createModelSet(loadBuiltinModels()), version: first.tool.modelsVersion };
  return {
    root: first.root,
    findings: all.flatMap((r) => r.findings).sort(compareFindings),
    notes: all.flatMap((r) => r.notes!).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line)),
    suppressionProblems: sortByKey(all.flatMap((r) => r.suppressionProblems), (p) => p.path),
    filesScanned: all.reduce((n, r) => n + r.stats.files, 0),
    bytesScanned: all.reduce((n, r) => n + r.stats.bytes, 0),
    partial: sortByKey(all.flatMap((r) => r.partial), (p) => p.path),
    decodeNotes: [],
    counts: mergeCounts(all.map((r) => r.stats.apis)),
    skipped: sortByKey(all.flatMap((r) => r.skipped.map((s) => ({ relPath: s.path, reason: s.reason }))), (s) => s.relPath),
    models,
    files: [],
    // The shards ran side by side: the merged run took as long as the slowest.
    durationMs: Math.max(...all.map((r) => r.stats.durationMs)),
    extraction: { parsed: 0, workers: 0, timings: { discoverMs: 0, extractMs: 0, analyseMs: 0 } },
    warnings: [],
  };
}
