// Runs the rules over the project, then makes findings stable: severity from
// priority, fingerprints that survive unrelated edits, inline suppressions,
// deterministic order.
import { createHash } from 'node:crypto';
import type { Rule, RuleNote } from '../rules/types.js';
import type { Project } from './project.js';
import { capExampleCode } from './example-code.js';
import { SEVERITY_FOR, comparePriority, type Finding } from './finding.js';

export interface SuppressionProblem {
  path: string;
  line: number;
  problem: string;
}

export interface Judgement {
  findings: Finding[];
  notes: RuleNote[];
  suppressionProblems: SuppressionProblem[];
}

export interface JudgeOptions {
  /** Rule ids switched off by config. */
  disabled?: ReadonlySet<string>;
  /** Priority overrides by rule id. */
  priorities?: ReadonlyMap<string, Finding['priority']>;
}

export function judge(project: Project, rules: readonly Rule[], opts: JudgeOptions = {}): Judgement {
  const findings: Finding[] = [];
  const notes: RuleNote[] = [];
  for (const rule of rules) {
    if (opts.disabled?.has(rule.meta.id)) continue;
    rule.check({
      project,
      report: (draft) => {
        const { priority, evidence } = capExampleCode({ ...draft, priority: opts.priorities?.get(rule.meta.id) ?? draft.priority });
        findings.push({ ...draft, priority, evidence, severity: SEVERITY_FOR[priority], fingerprint: '' });
      },
      note: (note) => notes.push({ ruleId: rule.meta.id, ...note }),
    });
  }
  assignFingerprints(findings);
  const known = new Set(rules.map((r) => r.meta.id));
  const suppressionProblems = applySuppressions(project, findings, known, opts.disabled);
  findings.sort(compareFindings);
  notes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return { findings, notes, suppressionProblems };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    comparePriority(a.priority, b.priority) ||
    (a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : 0) ||
    a.location.startLine - b.location.startLine ||
    a.location.startCol - b.location.startCol ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}

/**
 * Fingerprint = rule + path + enclosing symbol + API + normalised snippet, plus
 * an occurrence index among identical keys (ordered by line). Line numbers are
 * left out so inserting code above a finding does not change it.
 */
function assignFingerprints(findings: Finding[]): void {
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = [f.ruleId, f.location.path, f.symbol, f.api, f.snippet.replace(/\s+/g, '')].join('\u0000');
    const list = byKey.get(key) ?? [];
    list.push(f);
    byKey.set(key, list);
  }
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.location.startLine - b.location.startLine);
    list.forEach((f, i) => {
      f.fingerprint = createHash('sha256').update(`${key}\u0000${i}`).digest('hex').slice(0, 32);
    });
  }
}

/**
 * A suppression covers the findings of its rules that start on its target
 * line. Problems reported: unknown rule ids, a missing rule id or reason (the
 * suppression is then not applied), and a suppression that covers nothing
 * (stale after a fix or a move), unless its rule is switched off.
 */
function applySuppressions(project: Project, findings: Finding[], known: ReadonlySet<string>, disabled: ReadonlySet<string> | undefined): SuppressionProblem[] {
  const problems: SuppressionProblem[] = [];
  const byPath = new Map(project.files.map((f) => [f.path, f]));
  for (const file of project.files) {
    for (const s of file.suppressions) {
      for (const id of s.ruleIds) {
        if (!known.has(id)) problems.push({ path: file.path, line: s.commentLine, problem: `unknown rule id \`${id}\` in leakaudit-ignore` });
      }
      if (s.ruleIds.length === 0) problems.push({ path: file.path, line: s.commentLine, problem: 'leakaudit-ignore needs a rule id: `leakaudit-ignore[rule-id]: reason`' });
      if (!s.reason) problems.push({ path: file.path, line: s.commentLine, problem: 'leakaudit-ignore needs a reason after the colon; the suppression is not applied' });
    }
  }
  const used = new Set<object>();
  for (const f of findings) {
    const s = byPath.get(f.location.path)?.suppressions.find((x) => x.reason && x.ruleIds.includes(f.ruleId) && x.line === f.location.startLine);
    if (!s) continue;
    f.suppressed = { by: 'inline', reason: s.reason };
    used.add(s);
  }
  for (const file of project.files) {
    for (const s of file.suppressions) {
      const live = s.ruleIds.filter((id) => known.has(id) && !disabled?.has(id));
      if (used.has(s) || !s.reason || live.length === 0) continue;
      problems.push({ path: file.path, line: s.commentLine, problem: `leakaudit-ignore[${live.join(', ')}] suppresses nothing on line ${s.line}; remove it` });
    }
  }
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return problems;
}
