// The HTML report as text: self-contained, everything from audited code
// escaped, a CSP that allows only its own script, filters and runtime charts.
// (test/ecosystem/html-browser.test.ts opens it in a real Chromium.)
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seriesFrom } from '../../src/report/runtime-series.js';
import { makeTree, runCli } from '../helpers.js';
import { HOSTILE_FILE, PAYLOADS, hostileTree } from './hostile-tree.js';

function htmlOf(args: string[]): string {
  const r = runCli([...args, '-f', 'html', '--fail-on', 'none']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

const count = (text: string, re: RegExp): number => (text.match(re) ?? []).length;
/** Start tags with their quoted attribute values blanked: what is left are tag and attribute names. */
const tagsOf = (text: string): string[] => (text.match(/<[a-zA-Z][^>]*>/g) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));

describe('--format html', () => {
  const { root, runtimeFile } = hostileTree();
  const html = htmlOf([root, '--runtime', runtimeFile]);

  it('escapes every payload from code, comments, file names and metric names', () => {
    for (const p of PAYLOADS) expect(html).not.toContain(p);
    expect(count(html, /<script\b/gi)).toBe(1);
    expect(count(html, /<img\b/gi)).toBe(0);
    expect(count(html, /<iframe\b/gi)).toBe(0);
    expect(count(html, /<style\b/gi)).toBe(1);
    expect(count(html, /<a\b/gi)).toBe(0);
    // Payload text is shown, but no tag carries an event handler.
    expect(tagsOf(html).filter((t) => /\son[a-z]+\s*=/i.test(t))).toEqual([]);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
    expect(html).toContain(`<code>src/&lt;/${HOSTILE_FILE.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</code>`);
  });

  it('is self-contained: no external resource, and a CSP that admits only its own script', () => {
    expect(tagsOf(html).filter((t) => /\s(src|href|action|poster|data|srcdoc|background)\s*=/i.test(t))).toEqual([]);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
  });

  it('has the summary, the summary table, filters and findings grouped by file', () => {
    expect(html).toContain('<h2>Summary</h2>');
    expect(html).toContain('<h3>Summary table</h3>');
    expect(html).toMatch(/<div class="card p0"><span class="n">7<\/span>/);
    expect(count(html, /<article class="finding" data-priority="P0" data-kind="task"/g)).toBe(7);
    expect(count(html, /<section class="file">/g)).toBe(2);
    expect(html).toContain('<input type="checkbox" name="priority" value="P0" checked> P0 (7)');
    expect(html).toContain('<input type="checkbox" name="kind" value="task" checked> task (7)');
    // Code context: the finding's line is marked, with the lines around it numbered.
    expect(html).toMatch(/<span class="ln">3<\/span><mark>    tokio::spawn/);
    expect(html).toMatch(/<span class="ln">2<\/span>    \/\/ &lt;\/script&gt;/);
  });

  it('charts each runtime metric as inline SVG', () => {
    expect(html).toContain('<section id="runtime">');
    expect(count(html, /<figure class="chart">/g)).toBe(5);
    expect(html).toContain('<figcaption>fds.total: 10 → 29 (+19) over 19 s</figcaption>');
    expect(html).toContain('<figcaption>rssBytes: 50.0 Mi → 69.0 Mi (+19.0 Mi) over 19 s</figcaption>');
    expect(html).toMatch(/<polyline points="[\d., ]+" class="line" fill="none"\/>/);
  });

  it('lists suppressed findings apart, with their reasons', () => {
    const tree = makeTree({
      'src/a.rs': 'pub fn f() {\n    // leakaudit-ignore[task-unstoppable]: runs for the life of the <process>\n    tokio::spawn(async move { loop { tick().await; } });\n}\n',
    });
    const page = htmlOf([tree]);
    expect(page).toContain('<div class="card sup"><span class="n">1</span>');
    expect(page).toContain('<section id="suppressed"><h2>Suppressed (1)</h2>');
    expect(page).toContain('inline: runs for the life of the &lt;process&gt;');
    expect(page).toContain('<p>Nothing to report.</p>');
  });

  it('refuses runtime data that is not a time series, in one line with exit 2', () => {
    const tree = makeTree({ 'src/lib.rs': 'pub fn f() {}\n', 'bad.json': '{"hello": "world"}', 'broken.json': '{"samples": [' });
    for (const file of ['bad.json', 'broken.json', 'missing.json']) {
      const r = runCli([tree, '-f', 'html', '--runtime', join(tree, file)]);
      expect(r.code, file).toBe(2);
      expect(r.stderr.trim().split('\n'), file).toHaveLength(1);
      expect(r.stderr).toMatch(/runtime data/);
    }
  });
});

describe('runtime series loader', () => {
  it('reads samples with nested metrics and epoch-millisecond times', () => {
    const s = seriesFrom({ samples: [{ t: 1_700_000_000_000, fds: { total: 5 } }, { t: 1_700_000_002_000, fds: { total: 7 } }] })!;
    expect(s.metrics).toEqual([{ name: 'fds.total', points: [[0, 5], [2, 7]] }]);
    expect(s.durationSec).toBe(2);
  });

  it('reads a bare array of samples with ISO times, skipping identities', () => {
    const s = seriesFrom([
      { time: '2026-01-01T00:00:00Z', pid: 42, threads: 3 },
      { time: '2026-01-01T00:01:00Z', pid: 42, threads: 4 },
    ])!;
    expect(s.metrics).toEqual([{ name: 'threads', points: [[0, 3], [60, 4]] }]);
  });

  it('reads named series as values, pairs or points; seconds stay seconds', () => {
    const s = seriesFrom({ series: { a: [1, 2, 3], b: [[0, 1], [5, 2]], c: [{ t: 0, v: 9 }, { t: 10, v: 8 }] } })!;
    expect(s.metrics.map((m) => [m.name, m.points])).toEqual([
      ['a', [[0, 1], [1, 2], [2, 3]]],
      ['b', [[0, 1], [5, 2]]],
      ['c', [[0, 9], [10, 8]]],
    ]);
  });

  it('treats large steps of a `t` field as milliseconds and thins long series', () => {
    const samples = Array.from({ length: 5000 }, (_, i) => ({ t: i * 1000, fds: i % 7 }));
    const s = seriesFrom({ samples })!;
    expect(s.durationSec).toBe(4999);
    expect(s.metrics[0]!.points.length).toBeLessThanOrEqual(600);
    expect(Math.max(...s.metrics[0]!.points.map((p) => p[1]))).toBe(6);
  });

  it('reads `leakaudit watch --json`: ms times, values, units and verdicts; all-zero metrics left out', () => {
    const s = seriesFrom({
      version: 1,
      kind: 'leakaudit-watch',
      metrics: [
        { name: 'fds', unit: 'count', verdict: 'stable', perCycle: 0, perMinute: 0 },
        { name: 'rss', unit: 'bytes', verdict: 'stable', perCycle: null, perMinute: 10 },
        { name: 'node:Timeout', unit: 'count', verdict: 'growing', perCycle: 1, perMinute: 138.4 },
        { name: 'fds.pipe', unit: 'count', verdict: 'stable' },
      ],
      samples: [0, 1, 2].map((i) => ({ t: i * 500, cycle: i, processes: 1, probed: true, values: { fds: 4, rss: 1e6 + i, 'node:Timeout': 3 + i, 'fds.pipe': 0 } })),
    })!;
    expect(s.metrics.map((m) => [m.name, m.unit, m.verdict])).toEqual([
      ['fds', 'count', 'stable'],
      ['rss', 'bytes', 'stable'],
      ['node:Timeout', 'count', 'growing: +1 per cycle, +138/min'],
    ]);
    expect(s.metrics[2]!.points).toEqual([[0, 3], [0.5, 4], [1, 5]]);
  });

  it('charts what `leakaudit watch --json` really wrote', () => {
    const tree = makeTree({ 'src/lib.rs': 'pub fn f() {}\n' });
    const file = join(tree, 'watch.json');
    const leak = 'const a = []; setInterval(() => a.push(setInterval(() => {}, 1000)), 100)';
    const watch = runCli(['watch', '--duration', '2s', '--interval', '100ms', '--json', file, '--', process.execPath, '-e', leak]);
    expect(watch.stderr).not.toMatch(/internal error/);
    const page = htmlOf([tree, '--runtime', file]);
    expect(page).toMatch(/<figure class="chart growing"><figcaption>node:Timeout: \d+ → \d+ \(\+\d+\) over [\d.]+ s — growing: \+\d+\/min<\/figcaption>/);
    // The first sample can land before the target's exec: its RSS may still be in KiB.
    expect(page).toMatch(/<figcaption>rss: [\d.]+ [KMG]i → [\d.]+ Mi /);
  });

  it('finds nothing in data that is not a series', () => {
    expect(seriesFrom('text')).toBeUndefined();
    expect(seriesFrom({ a: 1 })).toBeUndefined();
    expect(seriesFrom({ samples: [] })!.metrics).toEqual([]);
  });
});

// Keep the payload fixture honest: it must really produce findings in the files it claims.
it('the hostile tree yields its findings from the payload lines', () => {
  const { root } = hostileTree();
  const r = runCli([root, '-f', 'json', '--fail-on', 'none']);
  const report = JSON.parse(r.stdout) as { findings: { location: { path: string }; snippet: string }[] };
  expect(report.findings).toHaveLength(7);
  expect(report.findings.some((f) => f.location.path === `src/</${HOSTILE_FILE}`)).toBe(true);
  expect(report.findings.some((f) => f.snippet.includes(PAYLOADS[1]!))).toBe(true);
});
