// What a rule is: metadata (one source for CLI docs, SARIF and reports) and a check.
import type { ResourceKind } from '../facts/types.js';
import type { Confidence, Finding, Priority } from '../analysis/finding.js';
import type { Project } from '../analysis/project.js';

export interface RuleMeta {
  /** kebab-case `<resource>-<defect>`: also the docs anchor, SARIF ruleId and suppression key. */
  id: string;
  /** One line: what the rule finds. */
  summary: string;
  /** Resource kinds this rule judges. */
  kinds: readonly (ResourceKind | 'storage')[];
  /** Highest priority the rule reports. */
  defaultPriority: Priority;
  /** How often its findings are right (SARIF `precision`). */
  precision: 'very-high' | 'high' | 'medium' | 'low';
  tags: readonly string[];
  /** Message ids -> message templates (documentation of what the rule can say). */
  messages: Readonly<Record<string, string>>;
}

/** A finding before the judge adds severity, fingerprint and suppression. */
export type FindingDraft = Omit<Finding, 'severity' | 'fingerprint' | 'suppressed'> & { confidence: Confidence };

/** What a rule tells the judge besides findings: counted, not reported. */
export interface RuleNote {
  ruleId: string;
  /** Counter name, e.g. `one-shot tasks`, `stoppable loops`. */
  counter: string;
  path: string;
  line: number;
  detail: string;
}

export interface RuleContext {
  project: Project;
  report(finding: FindingDraft): void;
  note(note: Omit<RuleNote, 'ruleId'>): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}
