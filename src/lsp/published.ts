// What the server last told the editor, per root: the diagnostics of every
// file with findings or suppression problems, and the findings behind them
// (for hover and code actions). A new audit of a root replaces its share:
// files that had diagnostics and have none now get an empty list, which
// clears them in the editor.
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { AuditResult } from '../engine/types.js';
import { findingDiagnostic, suppressionDiagnostic, uriOf, type LinesOf, type PublishedFinding } from './diagnostics.js';

export interface Publication {
  uri: string;
  diagnostics: Diagnostic[];
}

export class PublishedDiagnostics {
  /** Root -> the URIs it published diagnostics for. */
  private readonly byRoot = new Map<string, Set<string>>();
  /** File path -> its published findings. */
  private readonly findings = new Map<string, PublishedFinding[]>();

  /** The publications that bring the editor up to date with this audit of `root`. */
  update(root: string, result: Pick<AuditResult, 'findings' | 'suppressionProblems'>, linesOf: LinesOf): Publication[] {
    const diagnostics = new Map<string, Diagnostic[]>();
    const findings = new Map<string, PublishedFinding[]>();
    const add = (relPath: string, diagnostic: Diagnostic): void => {
      const uri = uriOf(root, relPath);
      const list = diagnostics.get(uri) ?? [];
      list.push(diagnostic);
      diagnostics.set(uri, list);
    };
    for (const finding of result.findings) {
      if (finding.suppressed) continue;
      const diagnostic = findingDiagnostic(root, finding, linesOf);
      add(finding.location.path, diagnostic);
      const path = fileURLToPath(uriOf(root, finding.location.path));
      const list = findings.get(path) ?? [];
      list.push({ finding, diagnostic });
      findings.set(path, list);
    }
    for (const problem of result.suppressionProblems) add(problem.path, suppressionDiagnostic(problem, linesOf));

    const before = this.byRoot.get(root) ?? new Set<string>();
    const out: Publication[] = [];
    for (const uri of before) {
      if (diagnostics.has(uri)) continue;
      out.push({ uri, diagnostics: [] });
      this.findings.delete(fileURLToPath(uri));
    }
    for (const [uri, list] of diagnostics) out.push({ uri, diagnostics: list });
    for (const [path, list] of findings) this.findings.set(path, list);
    for (const uri of diagnostics.keys()) if (!findings.has(fileURLToPath(uri))) this.findings.delete(fileURLToPath(uri));
    this.byRoot.set(root, new Set(diagnostics.keys()));
    return out;
  }

  findingsOf(path: string): readonly PublishedFinding[] {
    return this.findings.get(path) ?? [];
  }
}
