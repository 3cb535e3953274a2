// Links a runtime survivor to the static finding at the same file:line, from
// a leakaudit JSON report (a path or the parsed object) or from an audit run
// on the spot (memoised per process: one audit serves every check).
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

export interface StaticFinding {
  ruleId: string;
  fingerprint: string;
  priority: string;
  message: string;
  path: string;
  startLine: number;
  endLine: number;
}

/** The parts of a leakaudit JSON report (schema v1) used here. */
export interface JsonReportLike {
  root?: string;
  findings: Array<{
    ruleId: string;
    fingerprint: string;
    priority: string;
    message: string;
    location: { path: string; startLine: number; endLine: number };
    suppressed?: unknown;
  }>;
}

export type FindingSource = { report: string | JsonReportLike } | { audit: string | string[] };

const audits = new Map<string, Promise<StaticFinding[]>>();

export async function loadFindings(source: FindingSource): Promise<StaticFinding[]> {
  if ('report' in source) {
    const report = typeof source.report === 'string' ? await readReport(source.report) : source.report;
    return fromReport(report, typeof source.report === 'string' ? undefined : process.cwd());
  }
  const paths = Array.isArray(source.audit) ? source.audit : [source.audit];
  const key = paths.map((p) => resolve(p)).join('\0');
  let pending = audits.get(key);
  if (!pending) {
    pending = runStaticAudit(paths);
    audits.set(key, pending);
  }
  return pending;
}

async function runStaticAudit(paths: string[]): Promise<StaticFinding[]> {
  // Loaded only when asked for: the parser is heavy and most checks never need it.
  const { runAudit } = await import('../../pipeline/run-audit.js');
  // Report paths are relative to the root; a single file's root is its directory.
  const single = paths.length === 1 ? resolve(paths[0]!) : undefined;
  const root = single ? ((await stat(single).catch(() => undefined))?.isFile() ? dirname(single) : single) : process.cwd();
  const result = await runAudit({ paths, root });
  return result.findings
    .filter((f) => !f.suppressed)
    .map((f) => ({
      ruleId: f.ruleId,
      fingerprint: f.fingerprint,
      priority: f.priority,
      message: f.message,
      path: resolve(result.root, f.location.path),
      startLine: f.location.startLine,
      endLine: f.location.endLine,
    }));
}

async function readReport(path: string): Promise<JsonReportLike> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`leakaudit/testing: cannot read the leakaudit report ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const report = JSON.parse(text) as JsonReportLike;
    if (!Array.isArray(report.findings)) throw new Error('no findings array');
    return report;
  } catch (err) {
    throw new Error(`leakaudit/testing: ${path} is not a leakaudit JSON report (${(err as Error).message})`);
  }
}

function fromReport(report: JsonReportLike, fallbackRoot: string | undefined): StaticFinding[] {
  const root = report.root ?? fallbackRoot ?? process.cwd();
  return report.findings
    .filter((f) => !f.suppressed)
    .map((f) => ({
      ruleId: f.ruleId,
      fingerprint: f.fingerprint,
      priority: f.priority,
      message: f.message,
      path: isAbsolute(f.location.path) ? f.location.path : resolve(root, f.location.path),
      startLine: f.location.startLine,
      endLine: f.location.endLine,
    }));
}

/** The finding covering file:line; when the report came from elsewhere (another checkout), a path-suffix match. */
export function findingAt(findings: readonly StaticFinding[], file: string, line: number): StaticFinding | undefined {
  const covering = findings.filter((f) => f.startLine <= line && line <= f.endLine);
  return covering.find((f) => f.path === file) ?? covering.find((f) => sameTail(f.path, file));
}

function sameTail(a: string, b: string): boolean {
  const pa = a.split('/').filter(Boolean);
  const pb = b.split('/').filter(Boolean);
  const n = Math.min(pa.length, pb.length, 3);
  return n >= 2 && pa.slice(-n).join('/') === pb.slice(-n).join('/');
}
