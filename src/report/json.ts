// JSON report, schema version 1: stable field names, paths relative to the
// root, deterministic order. Additive changes only within a version.
import type { AuditResult } from '../engine/types.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { countsByPriority } from './summary.js';

export const JSON_SCHEMA_VERSION = 1;

export function toJsonReport(result: AuditResult): object {
  const active = result.findings.filter((f) => !f.suppressed);
  const byRule: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  for (const f of active) {
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  }
  const notes: Record<string, Record<string, number>> = {};
  for (const n of result.notes) {
    notes[n.ruleId] ??= {};
    notes[n.ruleId]![n.counter] = (notes[n.ruleId]![n.counter] ?? 0) + 1;
  }
  return {
    version: JSON_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: VERSION, modelsVersion: result.models.version },
    root: result.root,
    // A shard's report (`--shard i/N`): `leakaudit merge` combines the N of them into the whole run's.
    ...(result.shard ? { shard: result.shard } : {}),
    stats: {
      files: result.filesScanned,
      bytes: result.bytesScanned,
      skipped: result.skipped.length,
      partiallyParsed: result.partial.length,
      durationMs: result.durationMs,
      counts: {
        findings: active.length,
        suppressed: result.findings.length - active.length,
        byPriority: countsByPriority(active),
        byRule,
        byKind,
      },
      apis: result.counts,
      notCounted: notes,
    },
    skipped: result.skipped.map((s) => ({ path: s.relPath, reason: s.reason })),
    partial: result.partial,
    suppressionProblems: result.suppressionProblems,
    // What the rules checked and found fine, one entry per site (stats.notCounted counts them).
    notes: result.notes,
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      messageId: f.messageId,
      kind: f.kind,
      language: f.language,
      severity: f.severity,
      priority: f.priority,
      confidence: f.confidence,
      location: f.location,
      symbol: f.symbol,
      api: f.api,
      snippet: f.snippet,
      message: f.message,
      evidence: f.evidence,
      growth: f.growth,
      impact: f.impact,
      remediation: f.remediation,
      related: f.related,
      ...(f.lifetime ? { lifetime: f.lifetime } : {}),
      fingerprint: f.fingerprint,
      ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    })),
  };
}

export function renderJson(result: AuditResult): string {
  return `${JSON.stringify(toJsonReport(result), null, 2)}\n`;
}
