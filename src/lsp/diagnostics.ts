// Findings and suppression problems as LSP diagnostics: one per unsuppressed
// finding, on its first line from its column to the end of the code; the
// evidence chain and the related locations as relatedInformation.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, DiagnosticRelatedInformation, Range } from 'vscode-languageserver/node';
import type { Finding, Priority } from '../analysis/finding.js';
import type { SuppressionProblem } from '../analysis/judge.js';

/** LSP DiagnosticSeverity: Error 1, Warning 2, Information 3. */
const SEVERITY: Record<Priority, 1 | 2 | 3> = { P0: 1, P1: 2, P2: 3 };
export const SOURCE = 'leakaudit';
/** The code of a diagnostic about a `leakaudit-ignore` comment itself. */
export const SUPPRESSION_CODE = 'leakaudit-ignore';

/** The lines of a file (1-based line n is index n - 1), from the editor's buffer or the disk. */
export type LinesOf = (relPath: string) => readonly string[] | undefined;

/** What the server keeps of a published finding: the diagnostic, and the finding for hover and code actions. */
export interface PublishedFinding {
  finding: Finding;
  diagnostic: Diagnostic;
}

export function uriOf(root: string, relPath: string): string {
  return pathToFileURL(join(root, relPath)).href;
}

/** From the finding's column (else the line's first code) to the end of the line's code. */
export function lineRange(lines: readonly string[] | undefined, line: number, startCol?: number): Range {
  const text = lines?.[line - 1];
  const zeroLine = Math.max(0, line - 1);
  if (text === undefined) return { start: { line: zeroLine, character: Math.max(0, (startCol ?? 1) - 1) }, end: { line: zeroLine + 1, character: 0 } };
  const firstCode = text.length - text.trimStart().length;
  const start = Math.min(Math.max((startCol ?? firstCode + 1) - 1, 0), text.length);
  const end = Math.max(text.trimEnd().length, start);
  return { start: { line: zeroLine, character: start }, end: { line: zeroLine, character: end } };
}

export function findingDiagnostic(root: string, finding: Finding, linesOf: LinesOf): Diagnostic {
  const { path, startLine, startCol } = finding.location;
  const related: DiagnosticRelatedInformation[] = [
    ...finding.evidence.map((step) => {
      const at = evidenceLocation(step, path, startLine);
      return { location: { uri: uriOf(root, at.path), range: lineRange(linesOf(at.path), at.line) }, message: step };
    }),
    ...finding.related.map((r) => ({ location: { uri: uriOf(root, r.path), range: lineRange(linesOf(r.path), r.line) }, message: r.message })),
  ];
  return {
    range: lineRange(linesOf(path), startLine, startCol),
    severity: SEVERITY[finding.priority],
    code: finding.ruleId,
    source: SOURCE,
    message: `${finding.message} (${finding.priority}, ${finding.confidence} confidence)`,
    ...(related.length > 0 ? { relatedInformation: related } : {}),
    data: { fingerprint: finding.fingerprint },
  };
}

export function suppressionDiagnostic(problem: SuppressionProblem, linesOf: LinesOf): Diagnostic {
  return { range: lineRange(linesOf(problem.path), problem.line), severity: 2, code: SUPPRESSION_CODE, source: SOURCE, message: problem.problem };
}

/**
 * Where an evidence step points: `(src/worker-loop.ts:3)` names a file and
 * line, `(line 16)` a line of the finding's file; a step naming neither is
 * about the finding's own line.
 */
export function evidenceLocation(step: string, path: string, line: number): { path: string; line: number } {
  const fileLine = /\(([^()\s:]+\.[A-Za-z0-9]+):(\d+)\)/.exec(step);
  if (fileLine) return { path: fileLine[1]!, line: Number(fileLine[2]) };
  const ownLine = /\(line (\d+)\)/.exec(step);
  if (ownLine) return { path, line: Number(ownLine[1]) };
  return { path, line };
}
