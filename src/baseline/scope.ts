// Narrowing a finished audit to what a CI gate should judge: write a baseline,
// hide what a baseline already knows, keep only files changed since a ref.
import type { AuditResult } from '../engine/types.js';
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
  // The baseline is judged (and written) on the whole project; --changed-since only narrows what is reported.
  let baselineNote: ((fresh: number) => string) | undefined;
  if (opts.writeBaseline) {
    const baseline = createBaseline(result.findings);
    await writeBaseline(opts.writeBaseline, baseline);
    applyBaseline(result.findings, baseline, opts.writeBaseline);
    notes.push(`baseline of ${plural(baseline.findings.length, 'finding')} written to ${opts.writeBaseline}`);
  } else if (opts.baseline) {
    const path = opts.baseline;
    const match = applyBaseline(result.findings, await readBaseline(path), path);
    baselineNote = (fresh) => {
      let note = `baseline ${path}: ${plural(match.matched, 'known finding')} hidden, ${fresh} new`;
      if (match.stale.length > 0) note += `; ${match.stale.length} entr${match.stale.length === 1 ? 'y' : 'ies'} no longer found (fixed? rewrite it with --write-baseline)`;
      return note;
    };
  }
  if (opts.changedSince) {
    const changed = changedFiles(baseDirOf(result.root), opts.changedSince);
    const before = result.findings.filter((f) => !f.suppressed).length;
    result.findings = onlyChanged(result.findings, changed);
    result.suppressionProblems = result.suppressionProblems.filter((p) => changed.has(p.path));
    const dropped = before - result.findings.filter((f) => !f.suppressed).length;
    notes.push(`${plural(changed.size, 'file')} changed since ${opts.changedSince}; ${plural(dropped, 'finding')} in unchanged files not reported`);
  }
  if (baselineNote) notes.push(baselineNote(result.findings.filter((f) => !f.suppressed).length));
  return notes;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
