// Which directories a Playwright or Cypress configuration makes test code.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTree } from '../../test/helpers.js';
import { harnessTestDirs, insideAny } from './harness.js';

describe('harnessTestDirs', () => {
  const root = makeTree({
    'web-tests/playwright.config.ts': 'export default { timeout: 1 };',
    'pkg/playwright.config.ts': "export default { testDir: './tests/frontend' };",
    'app/cypress.config.js': 'module.exports = {};',
    'playwright.config.mjs': "export default { testDir: 'e2e-specs/' };",
  });

  it('makes a bare harness directory test code', () => {
    expect(harnessTestDirs(join(root, 'web-tests'), 'web-tests', ['playwright.config.ts', 'seed.ts'], [])).toEqual(['web-tests']);
  });

  it('keeps a package (its own package.json) as code: only its named testDir is tests', () => {
    expect(harnessTestDirs(join(root, 'pkg'), 'pkg', ['package.json', 'playwright.config.ts'], ['node', 'static', 'tests'])).toEqual(['pkg/tests/frontend']);
  });

  it('keeps a directory that also holds the application', () => {
    expect(harnessTestDirs(join(root, 'app'), 'app', ['cypress.config.js'], ['src', 'cypress'])).toEqual([]);
  });

  it('never makes the audit root test code, only the testDir it names', () => {
    expect(harnessTestDirs(root, '', ['playwright.config.mjs', 'package.json'], ['src'])).toEqual(['e2e-specs']);
  });

  it('matches whole path segments', () => {
    expect(insideAny('pkg/tests/frontend/a.spec.ts', ['pkg/tests/frontend'])).toBe(true);
    expect(insideAny('pkg/tests/frontend-old/a.ts', ['pkg/tests/frontend'])).toBe(false);
  });
});
