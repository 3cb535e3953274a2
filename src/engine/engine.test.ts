// The engine's boundary: stages composed by hand give what runAudit gives;
// one engine audits again warm; judge options key the stored judgements.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUST_SERVER_FIXED, RUST_SERVER_LEAKY, makeTree } from '../../test/helpers.js';
import { RootAuditor } from '../lsp/root-audit.js';
import { runAudit } from '../pipeline/run-audit.js';
import { AuditEngine } from './engine.js';
import type { AuditResult } from './types.js';

const LEAKY = RUST_SERVER_LEAKY;
const FIXED = RUST_SERVER_FIXED;

function twoCrates(): string {
  return makeTree({
    'Cargo.toml': '[workspace]\nmembers = ["leaky", "fixed"]\n',
    'leaky/Cargo.toml': '[package]\nname = "leaky"\n',
    'leaky/src/lib.rs': LEAKY,
    'fixed/Cargo.toml': '[package]\nname = "fixed"\n',
    'fixed/src/lib.rs': FIXED,
  });
}

const found = (r: AuditResult): string[] => r.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`);

describe('AuditEngine', () => {
  it('runs the stages one by one to the result runAudit gives', async () => {
    const root = twoCrates();
    const whole = await runAudit({ paths: [root], jobs: 0 });
    const run = new AuditEngine({ root, jobs: 0 }).start({ paths: [root] });
    const units = await run.discover({});
    expect(units.units.map((u) => u.dir).sort()).toEqual(['fixed', 'leaky']);
    const plan = run.plan(units, {});
    expect(plan.todo).toHaveLength(2);
    const result = await run.judge(await run.extract(plan, {}));
    expect(found(result)).toEqual(found(whole));
    expect(found(result)).toEqual(['task-unstoppable leaky/src/lib.rs:5']);
    expect(result.files.map((f) => f.path).sort()).toEqual(whole.files.map((f) => f.path).sort());
    expect({ ...result.extraction, timings: undefined }).toEqual({ ...whole.extraction, timings: undefined });
  });

  it('audits again warm with the same engine; judge options are part of a stored judgement', async () => {
    const root = twoCrates();
    const engine = new AuditEngine({ root, jobs: 0, cacheDir: mkdtempSync(join(tmpdir(), 'leakaudit-engine-cache-')) });
    const request = { scope: { paths: [root] } };
    const cold = await engine.audit(request);
    // A file written less than a moment before the snapshot is not trusted from its stamp: wait that moment out.
    await new Promise((r) => setTimeout(r, 2100));
    const settled = await engine.audit(request);
    const warm = await engine.audit(request);
    expect(found(warm)).toEqual(found(cold));
    expect(found(settled)).toEqual(found(cold));
    expect(warm.extraction).toMatchObject({ parsed: 0, reusedResult: true, reusedPackages: 2 });
    const off = await engine.audit({ ...request, judge: { disabled: new Set(['task-unstoppable']) } });
    expect(found(off)).toEqual([]);
    expect(off.extraction).toMatchObject({ parsed: 0, reusedPackages: 0 });
  }, 30_000);
});

describe('RootAuditor', () => {
  it('keeps a root engine between audits, and builds it again when the config changes what facts are', async () => {
    const root = twoCrates();
    const auditor = new RootAuditor({ cacheDir: false, jobs: 0 });
    const first = await auditor.audit(root);
    const second = await auditor.audit(root);
    expect(second.result.models).toBe(first.result.models);
    expect(found(second.result)).toEqual(['task-unstoppable leaky/src/lib.rs:5']);
    // Rule settings are the judge stage's: read again, the engine kept.
    writeFileSync(join(root, 'leakaudit.config.json'), JSON.stringify({ rules: { 'task-unstoppable': 'off' } }));
    const off = await auditor.audit(root);
    expect(off.result.models).toBe(first.result.models);
    expect(found(off.result)).toEqual([]);
    // Generated code is part of what a file's facts are: another engine.
    writeFileSync(join(root, 'leakaudit.config.json'), JSON.stringify({ includeGenerated: true }));
    const generated = await auditor.audit(root);
    expect(generated.result.models).not.toBe(first.result.models);
    expect(found(generated.result)).toEqual(['task-unstoppable leaky/src/lib.rs:5']);
  });
});
