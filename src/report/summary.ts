// The audit's summary table and remediation plan, computed from findings.
import type { Finding, Priority } from '../analysis/finding.js';
import { comparePriority } from '../analysis/finding.js';
import type { AuditResult } from '../engine/types.js';

export interface SummaryRow {
  resource: string;
  ruleId: string;
  findings: number;
  files: number;
  cleanup: string;
  impact: string;
  priority: Priority;
}

const RESOURCE_LABEL: Record<string, string> = {
  'task-unstoppable': 'Spawned tasks / timers (long-lived, unstoppable)',
  'connection-per-operation': 'Connections: database, broker, RPC, socket (opened per operation)',
  'storage-dual-stack': 'Database client stacks (dual storage)',
  'actor-never-stopped': 'Actors / workers / processes (never stopped)',
  'channel-unbounded': 'Channels (unbounded)',
  'listener-never-removed': 'Listeners / subscriptions (never removed)',
  'connection-closed-only-on-success': 'Connections closed only on the success path',
  'handle-never-released': 'Handles only an explicit call releases (cancel functions, response bodies, tickers), never released',
};

export function activeFindings(result: Pick<AuditResult, 'findings'>): Finding[] {
  return result.findings.filter((f) => !f.suppressed);
}

/** Process-lifetime resources (made once, living as long as the process): reported as one line unless listed. */
export function processLifetime(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.lifetime === 'process');
}

/** One row per rule (at its findings' top priority), or with `byPriority` one per rule and priority. */
export function summaryRows(findings: readonly Finding[], opts: { byPriority?: boolean } = {}): SummaryRow[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = opts.byPriority ? `${f.ruleId}|${f.priority}` : f.ruleId;
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  const rows: SummaryRow[] = [];
  for (const list of groups.values()) {
    const top = [...list].sort((a, b) => comparePriority(a.priority, b.priority))[0]!;
    const ruleId = top.ruleId;
    rows.push({
      resource: RESOURCE_LABEL[ruleId] ?? ruleId,
      ruleId,
      findings: list.length,
      files: new Set(list.map((f) => f.location.path)).size,
      cleanup: cleanupOf(list),
      impact: top.severity,
      priority: top.priority,
    });
  }
  return rows.sort((a, b) => comparePriority(a.priority, b.priority) || b.findings - a.findings);
}

function cleanupOf(list: readonly Finding[]): string {
  const ids = new Set(list.map((f) => f.messageId));
  if (ids.has('churn') && ids.size === 1) return 'drop only (closes, never reused)';
  if (ids.has('fieldNeverReleased') && ids.size === 1) return 'stored, never released';
  if (ids.has('unbounded')) return 'n/a (unbounded queue)';
  if (ids.has('dual')) return 'separate stacks';
  return 'none';
}

export interface PlanItem {
  priority: Priority;
  ruleId: string;
  title: string;
  remediation: string;
  files: string[];
  count: number;
}

/** Remediation plan: one item per rule and priority, with the files to modify. */
export function remediationPlan(findings: readonly Finding[]): PlanItem[] {
  const map = new Map<string, PlanItem>();
  for (const f of findings) {
    const key = `${f.priority}|${f.ruleId}`;
    let item = map.get(key);
    if (!item) {
      item = { priority: f.priority, ruleId: f.ruleId, title: RESOURCE_LABEL[f.ruleId] ?? f.ruleId, remediation: f.remediation, files: [], count: 0 };
      map.set(key, item);
    }
    item.count++;
    if (!item.files.includes(f.location.path)) item.files.push(f.location.path);
  }
  return [...map.values()].sort((a, b) => comparePriority(a.priority, b.priority) || b.count - a.count);
}

export function countsByPriority(findings: readonly Finding[]): Record<Priority, number> {
  const out: Record<Priority, number> = { P0: 0, P1: 0, P2: 0 };
  for (const f of findings) out[f.priority]++;
  return out;
}
