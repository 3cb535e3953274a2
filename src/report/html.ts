// A self-contained HTML report: summary (counts by priority and kind, the
// summary table), findings grouped by file with code context, filters by
// priority and kind, and charts of runtime metrics when given. No network:
// styles and the one small script are inline, and a Content-Security-Policy
// allows only that script (by hash), so text from audited code, escaped
// everywhere, could not run even if it slipped through.
import { createHash } from 'node:crypto';
import type { Finding, Priority } from '../analysis/finding.js';
import { PRIORITIES } from '../analysis/finding.js';
import type { AuditResult } from '../engine/types.js';
import { VERSION } from '../version.js';
import { lineChart } from './html-chart.js';
import type { RuntimeSeries } from './runtime-series.js';
import { forHtml as h } from './sanitize.js';
import { createSourceReader, type SourceReader } from './source-file.js';
import { activeFindings, countsByPriority, summaryRows } from './summary.js';

export interface HtmlOptions {
  /** Date printed in the header (tests pass a fixed one). */
  date?: string;
  runtime?: RuntimeSeries;
}

const CONTEXT_LINES = 3;
const MAX_SPAN_LINES = 18;

const PRIORITY_LABEL: Record<Priority, string> = { P0: 'P0 critical', P1: 'P1 high', P2: 'P2 medium' };

export function renderHtml(result: AuditResult, opts: HtmlOptions = {}): string {
  const findings = activeFindings(result);
  const suppressed = result.findings.filter((f) => f.suppressed);
  const counts = countsByPriority(findings);
  const kinds = countBy(findings, (f) => f.kind);
  const source = createSourceReader(result.root);
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const script = filterScript();
  const scriptHash = createHash('sha256').update(script).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;

  const body: string[] = [];
  body.push(`<header><h1>Resource leak audit</h1>`);
  body.push(
    `<p class="meta">leakaudit ${h(VERSION)} · ${h(date)} · ${result.filesScanned} source files (${Math.round(result.bytesScanned / 1024)} KiB)${result.skipped.length ? ` · ${result.skipped.length} skipped` : ''}</p>`,
  );
  body.push(`<p class="status">${findings.length === 0 ? 'No resource-lifecycle leak patterns found.' : `${findings.length} finding${plural(findings.length)}: ${counts.P0} P0, ${counts.P1} P1, ${counts.P2} P2.`}${suppressed.length ? ` ${suppressed.length} suppressed.` : ''}</p></header>`);

  body.push(`<section id="summary"><h2>Summary</h2><div class="cards">`);
  for (const p of PRIORITIES) body.push(`<div class="card ${p.toLowerCase()}"><span class="n">${counts[p]}</span><span class="l">${PRIORITY_LABEL[p]}</span></div>`);
  body.push(`<div class="card sup"><span class="n">${suppressed.length}</span><span class="l">suppressed</span></div></div>`);
  if (kinds.size > 0) {
    body.push(`<h3>By kind</h3><table class="kinds"><thead><tr><th>Kind</th><th>Findings</th></tr></thead><tbody>`);
    for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) body.push(`<tr><td>${h(kind)}</td><td class="num">${n}</td></tr>`);
    body.push(`</tbody></table>`);
  }
  const rows = summaryRows(findings);
  if (rows.length > 0) {
    body.push(`<h3>Summary table</h3><table class="summary"><thead><tr><th>Resource</th><th>Rule</th><th>Findings</th><th>Files</th><th>Cleanup</th><th>Impact</th><th>Priority</th></tr></thead><tbody>`);
    for (const r of rows) {
      body.push(
        `<tr><td>${h(r.resource)}</td><td><code>${h(r.ruleId)}</code></td><td class="num">${r.findings}</td><td class="num">${r.files}</td><td>${h(r.cleanup)}</td><td>${h(r.impact)}</td><td><span class="badge ${r.priority.toLowerCase()}">${r.priority}</span></td></tr>`,
      );
    }
    body.push(`</tbody></table>`);
  }
  body.push(`</section>`);

  if (opts.runtime && opts.runtime.metrics.length > 0) {
    body.push(`<section id="runtime"><h2>Runtime: ${h(opts.runtime.label)}</h2><div class="charts">`);
    for (const m of opts.runtime.metrics) body.push(lineChart(m));
    body.push(`</div></section>`);
  }

  body.push(`<section id="findings"><h2>Findings</h2>`);
  if (findings.length > 0) {
    body.push(`<form id="filters" hidden><fieldset><legend>Priority</legend>`);
    for (const p of PRIORITIES) body.push(`<label><input type="checkbox" name="priority" value="${p}" checked> ${p} (${counts[p]})</label>`);
    body.push(`</fieldset><fieldset><legend>Kind</legend>`);
    for (const [kind, n] of [...kinds].sort((a, b) => (a[0] < b[0] ? -1 : 1))) body.push(`<label><input type="checkbox" name="kind" value="${h(kind)}" checked> ${h(kind)} (${n})</label>`);
    body.push(`</fieldset><output id="shown">${findings.length} of ${findings.length} shown</output></form>`);
  } else body.push(`<p>Nothing to report.</p>`);
  for (const [path, list] of groupByFile(findings)) {
    body.push(`<section class="file"><h3><code>${h(path)}</code> <span class="count">${list.length} finding${plural(list.length)}</span></h3>`);
    for (const f of list) body.push(renderFinding(f, source));
    body.push(`</section>`);
  }
  body.push(`</section>`);

  if (suppressed.length > 0) {
    body.push(`<section id="suppressed"><h2>Suppressed (${suppressed.length})</h2><ul>`);
    for (const f of suppressed) {
      body.push(
        `<li><code>${h(f.location.path)}:${f.location.startLine}</code> <code>${h(f.ruleId)}</code> ${inline(f.message)} <span class="why">${f.suppressed?.by === 'baseline' ? 'baseline' : 'inline'}: ${h(f.suppressed?.reason ?? '')}</span></li>`,
      );
    }
    body.push(`</ul></section>`);
  }
  if (result.suppressionProblems.length > 0 || result.skipped.length > 0) {
    body.push(`<section id="notes"><h2>Notes</h2><ul>`);
    for (const p of result.suppressionProblems) body.push(`<li class="warn"><code>${h(p.path)}:${p.line}</code> ${inline(p.problem)}</li>`);
    for (const s of result.skipped.slice(0, 200)) body.push(`<li><code>${h(s.relPath)}</code> skipped: ${h(s.reason)}</li>`);
    if (result.skipped.length > 200) body.push(`<li>… and ${result.skipped.length - 200} more skipped files</li>`);
    body.push(`</ul></section>`);
  }

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>leakaudit report: ${findings.length} finding${plural(findings.length)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<footer>Generated by leakaudit ${h(VERSION)}. Self-contained: no network access.</footer>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderFinding(f: Finding, source: SourceReader): string {
  const out: string[] = [];
  out.push(`<article class="finding" data-priority="${f.priority}" data-kind="${h(f.kind)}" id="f-${h(f.fingerprint)}">`);
  out.push(
    `<header><span class="badge ${f.priority.toLowerCase()}">${f.priority}</span> <code class="rule">${h(f.ruleId)}</code> <span class="where">line ${f.location.startLine}, in <code>${h(f.symbol)}</code></span> <span class="conf">${h(f.confidence)} confidence</span></header>`,
  );
  out.push(`<p class="message">${inline(f.message)}</p>`);
  out.push(codeContext(f, source));
  if (f.evidence.length > 0) out.push(`<ul class="evidence">${f.evidence.map((e) => `<li>${inline(e)}</li>`).join('')}</ul>`);
  out.push(`<dl><dt>Growth</dt><dd>${inline(f.growth)}</dd><dt>Impact</dt><dd>${inline(f.impact)}</dd><dt>Fix</dt><dd>${inline(f.remediation)}</dd></dl>`);
  if (f.related.length > 0) out.push(`<ul class="related">${f.related.map((r) => `<li><code>${h(r.path)}:${r.line}</code> ${inline(r.message)}</li>`).join('')}</ul>`);
  out.push(`</article>`);
  return out.join('\n');
}

/** The finding's lines, highlighted, with a few lines around; the snippet when the file cannot be read. */
function codeContext(f: Finding, source: SourceReader): string {
  const lines = source.lines(f.location.path);
  if (!lines) return `<pre class="code"><code><span class="ln">${f.location.startLine}</span><mark>${h(f.snippet)}</mark></code></pre>`;
  const spanEnd = Math.min(f.location.endLine, f.location.startLine + MAX_SPAN_LINES - 1);
  const start = Math.max(1, f.location.startLine - CONTEXT_LINES);
  const end = Math.min(lines.length, spanEnd + CONTEXT_LINES);
  const rows: string[] = [];
  for (let n = start; n <= end; n++) {
    const text = h(lines[n - 1] ?? '');
    const hit = n >= f.location.startLine && n <= spanEnd;
    rows.push(`<span class="ln">${n}</span>${hit ? `<mark>${text}</mark>` : text}`);
  }
  if (f.location.endLine > spanEnd) rows.push(`<span class="ln">…</span><span class="more">${f.location.endLine - spanEnd} more lines of this finding</span>`);
  return `<pre class="code"><code>${rows.join('\n')}</code></pre>`;
}

/** Escaped text with `code spans` (the messages' own markup) as <code>. */
function inline(text: string): string {
  return h(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function groupByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const map = new Map<string, Finding[]>();
  for (const f of [...findings].sort((a, b) => (a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : a.location.startLine - b.location.startLine))) {
    map.set(f.location.path, [...(map.get(f.location.path) ?? []), f]);
  }
  return map;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

/** Shows the filter form and hides findings (and empty files) outside the chosen priorities and kinds. */
function filterScript(): string {
  return `(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var findings = document.querySelectorAll('article.finding');
  function chosen(name) {
    var set = {};
    form.querySelectorAll('input[name="' + name + '"]:checked').forEach(function (i) { set[i.value] = true; });
    return set;
  }
  function update() {
    var p = chosen('priority'), k = chosen('kind'), shown = 0;
    findings.forEach(function (f) {
      var visible = !!p[f.dataset.priority] && !!k[f.dataset.kind];
      f.hidden = !visible;
      if (visible) shown++;
    });
    document.querySelectorAll('section.file').forEach(function (s) {
      s.hidden = !s.querySelector('article.finding:not([hidden])');
    });
    document.getElementById('shown').textContent = shown + ' of ' + findings.length + ' shown';
  }
  form.addEventListener('change', update);
  update();
})();`;
}

const STYLE = `
:root { --p0: #b91c1c; --p1: #b45309; --p2: #0e7490; --fg: #1f2937; --muted: #6b7280; --bg: #fff; --code: #f6f8fa; --mark: #fff3c4; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.meta, .why, .conf, .where, .count, footer { color: var(--muted); }
.status { font-weight: 600; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--muted); border-radius: 6px; padding: 8px 16px; min-width: 130px; }
.card .n { display: block; font-size: 28px; font-weight: 700; }
.card.p0 { border-left-color: var(--p0); } .card.p1 { border-left-color: var(--p1); } .card.p2 { border-left-color: var(--p2); }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: var(--code); }
td.num { text-align: right; }
.badge { display: inline-block; color: #fff; border-radius: 4px; padding: 0 6px; font-weight: 700; font-size: 13px; }
.badge.p0 { background: var(--p0); } .badge.p1 { background: var(--p1); } .badge.p2 { background: var(--p2); }
#filters { display: flex; gap: 16px; flex-wrap: wrap; align-items: center; margin: 8px 0 16px; }
#filters fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; }
#filters label { margin-right: 10px; white-space: nowrap; }
#filters[hidden], [hidden] { display: none !important; }
section.file { margin-bottom: 24px; }
article.finding { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
.message { font-weight: 600; margin: 6px 0; }
pre.code { background: var(--code); padding: 8px 0; overflow-x: auto; border-radius: 4px; }
pre.code code { display: block; white-space: pre; }
pre.code .ln { display: inline-block; width: 4.5em; padding-right: 1em; text-align: right; color: var(--muted); user-select: none; }
pre.code mark { background: var(--mark); }
pre.code .more { color: var(--muted); font-style: italic; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 0; }
dt { font-weight: 600; }
dd { margin: 0; }
.related { color: var(--muted); }
.warn { color: var(--p1); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figure.chart svg { width: 100%; height: auto; }
figure.chart .grid { stroke: var(--line); }
figure.chart .axis { font-size: 15px; fill: var(--muted); }
figure.chart .line { stroke: var(--p2); stroke-width: 2; }
figure.chart .line-point { fill: var(--p2); }
figure.chart.growing { border-color: var(--p0); }
figure.chart.growing .line { stroke: var(--p0); }
figure.chart.growing figcaption { color: var(--p0); font-weight: 600; }
footer { margin-top: 40px; font-size: 13px; }
`;
