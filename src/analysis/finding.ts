// A finding: what leaks, where, why, how fast it grows, what it costs, how to fix it.
import type { Language, ResourceKind } from '../facts/types.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type Priority = 'P0' | 'P1' | 'P2';
export type Confidence = 'high' | 'medium' | 'low';

export const PRIORITIES: readonly Priority[] = ['P0', 'P1', 'P2'];

export interface FindingLocation {
  path: string;
  startLine: number;
  endLine: number;
  startCol: number;
}

export interface RelatedLocation {
  path: string;
  line: number;
  message: string;
}

export interface Finding {
  ruleId: string;
  /** Message id within the rule (stable, for tests and SARIF). */
  messageId: string;
  kind: ResourceKind | 'storage';
  language: Language;
  severity: Severity;
  priority: Priority;
  confidence: Confidence;
  location: FindingLocation;
  /** `Type::method` or `function`. */
  symbol: string;
  /** The API as written: `tokio::spawn`. */
  api: string;
  snippet: string;
  message: string;
  /** Why it leaks, step by step. */
  evidence: string[];
  /** How the leak grows: "+1 task per call of `ApiServer::serve()`". */
  growth: string;
  /** What each leaked resource costs, with numbers right for the resource. */
  impact: string;
  remediation: string;
  /** Stable across unrelated edits: rule, path, symbol, api, normalised snippet, occurrence. */
  fingerprint: string;
  related: RelatedLocation[];
  /**
   * `process`: the resource is made once (from the entry point, module scope or behind a
   * run-once guard) and lives exactly as long as the process. Information, not a finding to
   * act on: reports fold these into one line unless asked to list them, SARIF gives them level
   * `note`, and they never fail a run.
   */
  lifetime?: 'process';
  /** Set when an inline suppression or baseline covers the finding. */
  suppressed?: { by: 'inline' | 'baseline'; reason: string };
}

export const SEVERITY_FOR: Record<Priority, Severity> = { P0: 'critical', P1: 'high', P2: 'medium' };

export function comparePriority(a: Priority, b: Priority): number {
  return PRIORITIES.indexOf(a) - PRIORITIES.indexOf(b);
}

/** Findings that can fail a run or need action: not suppressed, not a process-lifetime resource. */
export function actionable(f: Finding): boolean {
  return !f.suppressed && f.lifetime !== 'process';
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

/** Whether a finding's confidence is `min` or better. */
export function confidentEnough(c: Confidence, min: Confidence): boolean {
  return CONFIDENCE_RANK[c] <= CONFIDENCE_RANK[min];
}

export function atOrAbove(p: Priority, threshold: Priority): boolean {
  return comparePriority(p, threshold) <= 0;
}
