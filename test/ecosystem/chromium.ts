// Debian's Chromium driven by playwright-core, started the way this machine
// allows (no sandbox as root, no background network, a fresh profile).
// .ci/run installs chromium; locally the browser tests skip when it is absent.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Why the browser tests do not run here, or undefined when they do. In CI a missing browser fails instead. */
export const SKIP_BROWSER_REASON = HAVE_CHROMIUM || process.env.CI ? undefined : `${CHROMIUM} is not installed (apt-get install -y chromium); the browser tests are skipped`;

export async function launchChromium(): Promise<BrowserContext> {
  if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'leakaudit-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
}
