// Markdown audit report in the structure of a hand-written resource-leak audit:
// executive summary, methodology with exact counts, findings by pattern, what
// was checked and is not a leak, summary table, remediation plan, verification,
// patterns to avoid.
import type { Finding, Priority } from '../analysis/finding.js';
import { languageOf } from '../discover/language.js';
import type { AuditResult } from '../engine/types.js';
import { ruleDocs, type CodeBlock } from '../rules/docs.js';
import { RULES } from '../rules/index.js';
import { VERSION } from '../version.js';
import { codeSpan, forMarkdown as md, forTerminal } from './sanitize.js';
import { readSourceLines } from './source.js';
import { activeFindings, countsByPriority, processLifetime, remediationPlan, summaryRows } from './summary.js';

const PRIORITY_MARK: Record<Finding['priority'], string> = { P0: '⚠️ CRITICAL (P0)', P1: '⚠️ HIGH (P1)', P2: 'MEDIUM (P2)' };

export interface MarkdownOptions {
  /** Date printed in the header (tests pass a fixed one). */
  date?: string;
  /** List the resources that live exactly as long as the process instead of one line for all. */
  showProcessLifetime?: boolean;
}

export function renderMarkdown(result: AuditResult, opts: MarkdownOptions = {}): string {
  const active = activeFindings(result);
  const lifelong = opts.showProcessLifetime ? [] : processLifetime(active);
  const findings = active.filter((f) => !lifelong.includes(f));
  const counts = countsByPriority(findings);
  const out: string[] = [];
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  out.push('# Resource Leak Audit', '');
  out.push(`**Tool**: leakaudit ${VERSION}  `);
  out.push(`**Date**: ${date}  `);
  out.push(`**Scope**: ${result.filesScanned} source files (${(result.bytesScanned / 1024).toFixed(0)} KiB)${result.skipped.length ? `, ${result.skipped.length} skipped` : ''}  `);
  out.push(`**Status**: ${findings.length === 0 ? 'Clean - no leak patterns found' : `${counts.P0} P0, ${counts.P1} P1, ${counts.P2} P2 findings`}`, '');

  out.push('## Executive Summary', '');
  if (findings.length === 0) out.push('No resource-lifecycle leak patterns were found in the audited code.', '');
  else {
    const rows = summaryRows(findings, { byPriority: true });
    out.push(
      `leakaudit found **${findings.length} leak pattern${findings.length === 1 ? '' : 's'}** in ${new Set(findings.map((f) => f.location.path)).size} files: ` +
        rows.map((r) => `${r.findings} × ${r.resource.toLowerCase()} (${r.priority})`).join('; ') +
        '.',
      '',
    );
  }
  if (lifelong.length > 0) {
    out.push(`${lifelong.length} resource${lifelong.length === 1 ? ' lives' : 's live'} for the whole process (started once, from the entry point or module scope): not leaks that grow, and not listed here; \`--show-process-lifetime\` lists ${lifelong.length === 1 ? 'it' : 'them'}.`, '');
  }

  out.push('## Methodology', '');
  out.push(
    '1. Discovered source files (honouring `.gitignore`; build output, dependencies, vendored and generated code skipped), parsed each with tree-sitter.',
    '2. Matched every call against the resource models (one entry per library API: spawn, open, connect, subscribe, interval, actor spawn).',
    '3. For each acquisition, traced its handle (discarded, local, field, returned, awaited) and, for tasks, analysed the body: loops, periods, exits, ignored errors.',
    '4. Resolved across the project: owners merged across files, teardown methods (Drop / close / shutdown / stop) and the fields they release, functions a spawned body delegates to.',
    '5. Judged each acquisition with the rules below; what was checked and found not to leak is listed under "Checked, not leaks".',
    '',
  );
  out.push('Counts are exact: **call sites in code** (comments, strings and `use` lines excluded), production code and test code apart (test code = `#[test]` functions, `#[cfg(test)]` modules, `tests/`, `benches/`, `*.test.ts`, `test_*.py`, `*_test.py`, `conftest.py`, `*_test.go`, `testdata/`, Go `Test*(t *testing.T)` functions).', '');
  out.push('| API (as written) | sites | files | test sites | test files | all sites | all files |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const c of result.counts) out.push(`| ${codeSpan(c.api)} | ${c.sites} | ${c.files} | ${c.testSites} | ${c.testFiles} | ${c.allSites} | ${c.allFiles} |`);
  out.push('');

  const byRule = new Map<string, Finding[]>();
  for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  let n = 0;
  for (const row of summaryRows(findings)) {
    n++;
    const list = byRule.get(row.ruleId)!;
    const byPriority = PRIORITIES.map((p) => list.filter((f) => f.priority === p)).filter((group) => group.length > 0);
    out.push(`## Finding ${n}: ${row.resource} ${PRIORITY_MARK[row.priority]}`, '');
    out.push(`**Rule**: \`${row.ruleId}\` - ${md(ruleDocs(row.ruleId).summary)}  `);
    const split = byPriority.length > 1 ? ` (${byPriority.map((group) => `${group.length} ${group[0]!.priority}`).join(', ')})` : '';
    out.push(`**Prevalence**: ${list.length} site${list.length === 1 ? '' : 's'} in ${row.files} file${row.files === 1 ? '' : 's'}${split}`, '');
    // Numbered in priority order, as the seed audit numbers its examples under each pattern.
    let i = 0;
    for (const group of byPriority) {
      out.push(`### ${PRIORITY_MARK[group[0]!.priority]}: ${group.length} site${group.length === 1 ? '' : 's'}`, '');
      for (const f of group) out.push(...findingSection(result, f, `${n}.${++i}`));
    }
  }

  out.push('## Checked, not leaks', '');
  const notes = new Map<string, number>();
  for (const note of result.notes) notes.set(`${note.ruleId}|${note.counter}`, (notes.get(`${note.ruleId}|${note.counter}`) ?? 0) + 1);
  if (notes.size === 0) out.push('Nothing else was examined.', '');
  else {
    out.push('| rule | verdict | sites |', '| --- | --- | ---: |');
    for (const [key, count] of [...notes.entries()].sort()) {
      const [ruleId, counter] = key.split('|');
      out.push(`| \`${ruleId}\` | ${md(NOTE_LABEL[counter!] ?? counter!)} | ${count} |`);
    }
    out.push('');
    const bounded = result.notes.filter((x) => x.counter === 'bounded');
    if (bounded.length > 0) out.push(`Subscriptions and channels with a bound (${bounded.length}) are not leaks: ${md(bounded[0]!.detail)}.`, '');
  }

  out.push('## Summary Table', '');
  out.push('| Resource | Findings | Files | Cleanup | Impact | Priority |', '| --- | ---: | ---: | --- | --- | --- |');
  for (const row of summaryRows(findings, { byPriority: true })) out.push(`| ${row.resource} | ${row.findings} | ${row.files} | ${row.cleanup} | ${row.impact} | ${row.priority} |`);
  if (findings.length === 0) out.push('| (none) | 0 | 0 | | | |');
  out.push('');

  out.push('## Remediation Plan', '');
  const plan = remediationPlan(findings);
  for (const priority of ['P0', 'P1', 'P2'] as const) {
    const items = plan.filter((p) => p.priority === priority);
    if (items.length === 0) continue;
    out.push(`### ${priority}${priority === 'P0' ? ' (fix first)' : priority === 'P1' ? ' (next)' : ' (when convenient)'}`, '');
    items.forEach((item, i) => {
      out.push(`**${i + 1}. ${item.title}** (${item.count} site${item.count === 1 ? '' : 's'})  `, md(item.remediation), '', 'Files to modify:');
      for (const file of item.files) out.push(`- ${codeSpan(file)}`);
      out.push('');
    });
  }
  if (plan.length === 0) out.push('Nothing to fix.', '');

  out.push('## Verification', '');
  out.push(
    'Static findings are suspicions; measure them. Before and after the fix:',
    '',
    '```bash',
    '# watch FDs (by class), threads, RSS and children of the running service; fails on growth',
    'leakaudit watch --pid "$(pgrep -n SERVICE)" --interval 5s --duration 10m --fail-on-growth',
    '# or start it, drive restart/load cycles, and report growth per cycle',
    "leakaudit watch --cycle 'curl -fsS -X POST localhost:PORT/restart' --cycles 20 --max-fds 50 -- ./SERVICE",
    '# re-run the static audit in CI, failing on new P0/P1 only',
    'leakaudit audit --baseline leakaudit-baseline.json --fail-on P1',
    '```',
    '',
  );

  // The bad and good examples of the rules that fired, in the languages they fired in.
  const fired = RULES.filter((r) => byRule.has(r.meta.id));
  if (fired.length > 0) out.push('## Code Patterns to Avoid', '');
  for (const rule of fired) {
    const docs = ruleDocs(rule.meta.id);
    const languages = new Set<string>(byRule.get(rule.meta.id)!.map((f) => f.language));
    const pick = (blocks: CodeBlock[]): CodeBlock[] => {
      const matching = blocks.filter((b) => languages.has(blockLanguage(b)));
      return matching.length > 0 ? matching : blocks.slice(0, 1);
    };
    out.push(`### \`${rule.meta.id}\``, '', md(docs.summary), '');
    // Each bad example followed by its good one, as the docs pair them.
    const bad = pick(docs.bad);
    const good = pick(docs.good);
    for (let i = 0; i < Math.max(bad.length, good.length); i++) {
      if (bad[i]) out.push('#### ❌ Bad', '', fence(bad[i]!.language, bad[i]!.code.trimEnd()), '');
      if (good[i]) out.push('#### ✅ Good', '', fence(good[i]!.language, good[i]!.code.trimEnd()), '');
    }
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

const PRIORITIES: readonly Priority[] = ['P0', 'P1', 'P2'];

function findingSection(result: AuditResult, f: Finding, number: string): string[] {
  const lines = `${f.location.startLine}${f.location.endLine > f.location.startLine ? `-${f.location.endLine}` : ''}`;
  const code = readSourceLines(result.root, f.location.path, f.location.startLine, f.location.endLine, 16) ?? f.snippet;
  return [
    `#### ${number} ${codeSpan(f.symbol)} (${codeSpan(`${f.location.path}:${lines}`)})`,
    '',
    fence(f.language, code),
    '',
    `**${f.priority}, ${f.confidence} confidence**: ${md(f.message)}`,
    '',
    ...f.evidence.map((e) => `- ${md(e)}`),
    '',
    `**Growth**: ${md(f.growth)}  `,
    `**Impact**: ${md(f.impact)}  `,
    `**Remediation**: ${md(f.remediation)}`,
    '',
  ];
}

/** A docs block's fence tag as a finding language: the name itself (\`rust\`) or a file extension (\`ts\`). */
function blockLanguage(block: CodeBlock): string {
  return languageOf(`example.${block.language}`)?.language ?? block.language;
}

const NOTE_LABEL: Record<string, string> = {
  'one-shot': 'one-shot task (runs to completion)',
  stoppable: 'long-lived but stoppable (exits on cancellation, channel close or error)',
  'in tests': 'long-lived loop in test code',
  'handle handed on': 'handle returned or passed on (ownership moves)',
  'unknown body': 'spawned body not visible (a variable or external future)',
  'opened once': 'opened once (constructor / init)',
  'kept or handed on': 'connection kept in a field or returned',
  bounded: 'bounded channel / subscription',
  'stopped in teardown': 'stopped by a teardown method',
};

function fence(language: string, code: string): string {
  const safe = forTerminal(code.replace(/\r/g, ''));
  const ticks = safe.includes('```') ? '~~~~' : '```';
  return `${ticks}${language}\n${safe}\n${ticks}`;
}
