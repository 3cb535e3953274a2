// Narrowing a finished audit to what a CI gate should judge: write a baseline,
// hide what a baseline already knows, keep only files changed since a ref.
import type { AuditResult } from '../pipeline/run-audit.js';
import { baseDirOf } from '../report/source-file.js';
import { applyBaseline, createBaseline, readBaseline, writeBaseline } from './baseline.js';
import { changedFiles, onlyChanged } from './changed-since.js';

export interface ScopeOptions {
  baseline?: string;
  writeBaseline?: string;
  changedSince?: string;
}

/** Applies the options to `result` in place; returns one-line notes for stderr. */
export async function scopeFindings(result: AuditResult, opts: ScopeOptions): Promise<string[]> {
  const notes: string[] = [];
  if (opts.changedSince) {
    const changed = changedFiles(baseDirOf(result.root), opts.changedSince);
    const before = result.findings.length;
    result.findings = onlyChanged(result.findings, changed);
    result.suppressionProblems = result.suppressionProblems.filter((p) => changed.has(p.path));
    notes.push(`${changed.size} file${changed.size === 1 ? '' : 's'} changed since ${opts.changedSince}; ${before - result.findings.length} finding${before - result.findings.length === 1 ? '' : 's'} in unchanged files not reported`);
  }
  if (opts.writeBaseline) {
    const baseline = createBaseline(result.findings);
    await writeBaseline(opts.writeBaseline, baseline);
    applyBaseline(result.findings, baseline, opts.writeBaseline);
    notes.push(`baseline of ${baseline.findings.length} finding${baseline.findings.length === 1 ? '' : 's'} written to ${opts.writeBaseline}`);
  } else if (opts.baseline) {
    const baseline = await readBaseline(opts.baseline);
    const match = applyBaseline(result.findings, baseline, opts.baseline);
    const fresh = result.findings.filter((f) => !f.suppressed).length;
    let note = `baseline ${opts.baseline}: ${match.matched} known finding${match.matched === 1 ? '' : 's'} hidden, ${fresh} new`;
    // With --changed-since, entries for unchanged files are out of scope, not fixed.
    if (match.stale.length > 0 && !opts.changedSince) note += `; ${match.stale.length} entr${match.stale.length === 1 ? 'y' : 'ies'} no longer found (fixed? rewrite it with --write-baseline)`;
    notes.push(note);
  }
  return notes;
}
