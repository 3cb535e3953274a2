// Terminal report: findings grouped by priority, one block each, then a
// one-screen summary. Everything from audited code passes through forTerminal.
import pc from 'picocolors';
import type { Finding, Priority } from '../analysis/finding.js';
import type { AuditResult } from '../engine/types.js';
import { forTerminal as t } from './sanitize.js';
import { isGeneratedSkip } from '../parse/generated.js';
import { activeFindings, countsByPriority, processLifetime, summaryRows } from './summary.js';

export interface TextOptions {
  color: boolean;
  /** Show evidence, growth, impact and fix under each finding. */
  verbose: boolean;
  /** List the resources that live exactly as long as the process instead of one line for all. */
  showProcessLifetime?: boolean;
}

export function renderText(result: AuditResult, opts: TextOptions): string {
  const c = pc.createColors(opts.color);
  const prio: Record<Priority, (s: string) => string> = { P0: (s) => c.bold(c.red(s)), P1: (s) => c.yellow(s), P2: (s) => c.cyan(s) };
  const out: string[] = [];
  const active = activeFindings(result);
  const lifelong = processLifetime(active);
  const findings = opts.showProcessLifetime ? active : active.filter((f) => f.lifetime !== 'process');
  for (const f of findings) out.push(renderFinding(f, c, prio, opts.verbose));
  const counts = countsByPriority(findings);
  const suppressed = result.findings.length - active.length;
  if (findings.length > 0) {
    out.push(c.bold('Summary'));
    for (const row of summaryRows(findings, { byPriority: true })) {
      out.push(`  ${prio[row.priority](row.priority)}  ${row.resource}: ${row.findings} finding${row.findings === 1 ? '' : 's'} in ${row.files} file${row.files === 1 ? '' : 's'}`);
    }
    out.push('');
  }
  if (lifelong.length > 0 && !opts.showProcessLifetime) {
    out.push(c.dim(`${lifelong.length} resource${lifelong.length === 1 ? ' lives' : 's live'} for the whole process (started once, from the entry point or module scope): --show-process-lifetime to list ${lifelong.length === 1 ? 'it' : 'them'}`));
  }
  for (const p of result.suppressionProblems) out.push(c.yellow(`warning: ${t(p.path)}:${p.line}: ${t(p.problem)}`));
  const parts = [
    `${findings.length} finding${findings.length === 1 ? '' : 's'}`,
    `${prio.P0(`${counts.P0} P0`)}, ${prio.P1(`${counts.P1} P1`)}, ${prio.P2(`${counts.P2} P2`)}`,
  ];
  if (suppressed > 0) parts.push(`${suppressed} suppressed`);
  const skipped = result.skipped.length > 0 ? `, ${result.skipped.length} skipped` : '';
  const partial = result.partial.length > 0 ? `, ${result.partial.length} parsed with syntax errors` : '';
  out.push(`${parts.join(' · ')}  (${result.filesScanned} files${skipped}${partial} in ${(result.durationMs / 1000).toFixed(2)} s)`);
  if (result.skipped.length > 0 && opts.verbose) {
    // Generated files can be many (a generated type file per package): one line for all of them.
    const generated = result.skipped.filter((s) => isGeneratedSkip(s.reason));
    const others = generated.length > 1 ? result.skipped.filter((s) => !isGeneratedSkip(s.reason)) : result.skipped;
    if (generated.length > 1) out.push(c.dim(`  skipped ${generated.length} generated files (bundled, minified, or marked generated in their header), e.g. ${t(generated[0]!.relPath)}; --include-generated audits them`));
    for (const s of others.slice(0, 20)) out.push(c.dim(`  skipped ${t(s.relPath)}: ${t(s.reason)}`));
    if (others.length > 20) out.push(c.dim(`  … and ${others.length - 20} more (see --format json)`));
  }
  return `${out.join('\n')}\n`;
}

function renderFinding(f: Finding, c: ReturnType<typeof pc.createColors>, prio: Record<Priority, (s: string) => string>, verbose: boolean): string {
  const loc = `${t(f.location.path)}:${f.location.startLine}:${f.location.startCol}`;
  const lines = [`${prio[f.priority](f.priority)} ${c.bold(loc)} ${c.dim(f.ruleId)} ${c.dim(`(${f.confidence} confidence)`)}`, `  ${t(f.message)}`];
  lines.push(c.dim(`  ${f.location.startLine} | ${t(f.snippet)}`));
  if (verbose) {
    for (const e of f.evidence) lines.push(`  ${c.dim('·')} ${t(e)}`);
    lines.push(`  ${c.bold('growth')}  ${t(f.growth)}`);
    lines.push(`  ${c.bold('impact')}  ${t(f.impact)}`);
    lines.push(`  ${c.bold('fix')}     ${t(f.remediation)}`);
  }
  return `${lines.join('\n')}\n`;
}
