// The HTML report opened in a real headless Chromium: it renders, shows the
// findings, filters work, it makes no network request, and no payload taken
// from the audited code runs (no script, no handler, no CSP violation).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTree, REPO, runCli } from '../helpers.js';
import { launchChromium, SKIP_BROWSER_REASON } from './chromium.js';
import { HOSTILE_FILE, PAYLOADS, hostileTree } from './hostile-tree.js';
import { pngStats } from './png.js';

if (SKIP_BROWSER_REASON) console.warn(`leakaudit: ${SKIP_BROWSER_REASON}`);

interface Watched {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

/** Writes the report for `args`, opens it, and records what the page tries to do. */
async function openReport(context: BrowserContext, args: string[]): Promise<Watched & { file: string }> {
  const r = runCli([...args, '-f', 'html', '--fail-on', 'none']);
  expect(r.code, r.stderr).toBe(0);
  const file = join(mkdtempSync(join(tmpdir(), 'leakaudit-html-')), 'report.html');
  writeFileSync(file, r.stdout);
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const watched: Watched = { page, requests: [], dialogs: [], errors: [] };
  page.on('request', (req) => {
    if (req.url() !== url) watched.requests.push(req.url());
  });
  page.on('dialog', (d) => {
    watched.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => watched.errors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  await page.goto(url, { waitUntil: 'load' });
  return { ...watched, file };
}

describe.skipIf(SKIP_BROWSER_REASON !== undefined)('HTML report in headless Chromium', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await launchChromium();
  });
  afterAll(async () => {
    await context?.close();
  });

  it('renders a report built from hostile code and runs none of it', async () => {
    const { root, runtimeFile } = hostileTree();
    const { page, requests, dialogs, errors } = await openReport(context, [root, '--runtime', runtimeFile]);
    expect(await page.title()).toBe('leakaudit report: 7 findings');
    expect(await page.locator('article.finding').count()).toBe(7);
    expect(await page.locator('article.finding').first().isVisible()).toBe(true);
    const text = await page.innerText('body');
    for (const p of PAYLOADS) expect(text, p).toContain(p);
    expect(text).toContain(`src/</${HOSTILE_FILE}`);
    // Nothing injected became an element, ran, asked for a resource or broke the CSP.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('img, iframe, a, object, embed, script:not(:last-of-type)').length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(requests).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    // The page's own script did run: the filter form is shown.
    expect(await page.locator('#filters').isVisible()).toBe(true);
    expect(await page.locator('figure.chart svg').count()).toBe(5);
    await page.close();
  });

  it('filters findings by priority and kind', async () => {
    const tree = makeTree({
      'src/server.rs': 'pub fn start() {\n    tokio::spawn(async move { loop { tick().await; } });\n}\npub fn on_request() {\n    start();\n}\n',
      'src/queue.rs': 'pub fn make() {\n    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<u8>();\n    keep(tx, rx);\n}\n',
    });
    const { page } = await openReport(context, [tree]);
    const visible = async () => page.locator('article.finding:visible').count();
    expect(await visible()).toBe(2);
    await page.getByLabel('P0 (1)').uncheck();
    expect(await visible()).toBe(1);
    expect(await page.locator('#shown').innerText()).toBe('1 of 2 shown');
    expect(await page.getByRole('heading', { name: /src\/server\.rs/ }).isVisible()).toBe(false);
    await page.getByLabel('channel (1)').uncheck();
    expect(await visible()).toBe(0);
    await page.getByLabel('P0 (1)').check();
    await page.getByLabel('channel (1)').check();
    expect(await visible()).toBe(2);
    await page.close();
  });

  it('screenshot of the reference example report: the page shows its summary, findings and charts', async () => {
    const example = join(REPO, 'examples', 'orchestrator-leaky');
    const target = existsSync(example) ? example : seedLikeTree();
    const json = JSON.parse(runCli([target, '-f', 'json', '--fail-on', 'none']).stdout) as {
      stats: { counts: { findings: number; byPriority: Record<string, number> } };
      findings: { location: { path: string }; message: string; suppressed?: unknown }[];
    };
    const runtime = join(mkdtempSync(join(tmpdir(), 'leakaudit-watch-')), 'watch.json');
    writeFileSync(runtime, JSON.stringify({ samples: Array.from({ length: 30 }, (_, i) => ({ t: i * 1000, fds: { total: 20 + i, socket: 5 } })) }));
    const { page } = await openReport(context, [target, '--runtime', runtime]);
    await page.setViewportSize({ width: 1280, height: 1000 });
    const shot = await page.screenshot({ fullPage: true });
    writeFileSync(join(mkdtempSync(join(tmpdir(), 'leakaudit-shot-')), 'report.png'), shot);
    const stats = pngStats(shot);
    expect(stats.width).toBe(1280);
    expect(stats.height).toBeGreaterThan(1000);
    expect(stats.colours, 'a rendered page, not a blank one').toBeGreaterThan(20);

    // Visible text, as rendered: headings, counts, every finding's file and message, chart captions.
    const text = await page.innerText('body');
    const { findings, byPriority } = json.stats.counts;
    expect(text).toContain('Resource leak audit');
    expect(text).toContain(findings === 0 ? 'No resource-lifecycle leak patterns found.' : `${findings} finding${findings === 1 ? '' : 's'}: ${byPriority.P0} P0, ${byPriority.P1} P1, ${byPriority.P2} P2.`);
    for (const label of ['P0 critical', 'P1 high', 'P2 medium', 'suppressed', 'Findings', 'Runtime: watch.json']) {
      expect(await page.getByText(label, { exact: true }).first().isVisible(), label).toBe(true);
    }
    for (const f of json.findings.filter((x) => !x.suppressed)) {
      expect(text).toContain(f.location.path);
      expect(text).toContain(f.message.replace(/`/g, ''));
    }
    if (findings > 0) expect(await page.getByRole('heading', { name: 'Summary table' }).isVisible()).toBe(true);
    expect(text).toContain('fds.total: 20 → 49 (+29) over 29 s');
    await page.close();
  });
});

/** When the TypeScript reference example is not in the tree: the seed's Rust patterns in miniature. */
function seedLikeTree(): string {
  return makeTree({
    'src/api/server.rs': `pub struct ApiServer;
impl ApiServer {
    pub async fn start(&self) {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(std::time::Duration::from_secs(10));
            loop {
                interval.tick().await;
                let _ = events.broadcast(Event::Heartbeat);
            }
        });
    }
}
`,
    'src/storage/vectors.rs': `use rusqlite::Connection;
pub struct VectorStore { path: String }
impl VectorStore {
    pub fn insert(&self, v: &[f32]) -> rusqlite::Result<()> {
        let conn = Connection::open(&self.path)?;
        conn.execute("INSERT INTO vectors VALUES (?1)", [v.len()])?;
        Ok(())
    }
}
`,
  });
}
