// leakaudit audits its own source: no P0/P1 findings allowed.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runAudit } from '../src/pipeline/run-audit.js';
import { REPO } from './helpers.js';

it('leakaudit reports no P0/P1 in its own source', async () => {
  const result = await runAudit({ paths: [join(REPO, 'src'), join(REPO, 'bin')], root: REPO });
  const serious = result.findings.filter((f) => !f.suppressed && (f.priority === 'P0' || f.priority === 'P1'));
  expect(serious.map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}: ${f.message}`)).toEqual([]);
  expect(result.filesScanned).toBeGreaterThan(10);
});
