// One generic runner for every rule fixture under src/rules/*/fixtures/**:
// a file (or a directory, for cross-file cases) is audited on its own, then
//  - every `ruleid:` line must carry that rule's finding,
//  - every `ok:` line must not,
//  - any other finding in a `.leaky.` fixture fails (noisy),
//  - a `.clean.` fixture fails on any finding at all.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/pipeline/run-audit.js';
import { RULES } from '../src/rules/index.js';
import { readExpectations, type Expectation } from './fixture-annotations.js';

const RULES_DIR = join(import.meta.dirname, '..', 'src', 'rules');

interface FixtureUnit {
  name: string;
  /** What to audit: a file, or a directory holding a small project. */
  path: string;
  root: string;
  clean: boolean;
  files: string[];
}

function fixtureUnits(): FixtureUnit[] {
  const units: FixtureUnit[] = [];
  for (const rule of readdirSync(RULES_DIR)) {
    const fixtures = join(RULES_DIR, rule, 'fixtures');
    if (!safeIsDir(fixtures)) continue;
    for (const lang of readdirSync(fixtures)) {
      const langDir = join(fixtures, lang);
      if (!safeIsDir(langDir)) continue;
      for (const entry of readdirSync(langDir)) {
        const path = join(langDir, entry);
        const name = relative(RULES_DIR, path);
        if (safeIsDir(path)) {
          units.push({ name, path, root: path, clean: /\.clean$|(^|[-_.])clean([-_.]|$)/.test(entry), files: listFiles(path) });
        } else if (/\.(leaky|clean)\./.test(entry)) {
          units.push({ name, path, root: dirname(path), clean: entry.includes('.clean.'), files: [path] });
        }
      }
    }
  }
  return units.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function safeIsDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const units = fixtureUnits();

describe('rule fixtures', () => {
  it.each(RULES.map((r) => [r.meta.id] as const))('%s has leaky and clean fixtures', (id) => {
    const mine = units.filter((u) => u.name.startsWith(`${id}/`));
    expect(mine.some((u) => !u.clean), `${id} has no leaky fixture`).toBe(true);
    expect(mine.some((u) => u.clean), `${id} has no clean fixture`).toBe(true);
  });

  it.each(units.map((u) => [u.name, u] as const))('%s', async (_name, unit) => {
    const result = await runAudit({ paths: [unit.path], root: unit.root });
    expect(result.skipped, 'fixture files must all be read').toEqual([]);
    const findings = result.findings.map((f) => ({ ruleId: f.ruleId, path: f.location.path, line: f.location.startLine, priority: f.priority, message: f.message }));
    if (unit.clean) {
      expect(findings, 'a clean fixture must not be reported').toEqual([]);
    }
    const expectations: (Expectation & { path: string })[] = [];
    for (const file of unit.files) {
      const rel = relative(unit.root, file).split('\\').join('/');
      for (const e of readExpectations(readFileSync(file, 'utf8'))) expectations.push({ ...e, path: rel || basename(file) });
    }
    const expected = expectations.filter((e) => e.kind === 'ruleid');
    if (!unit.clean) expect(expected.length, 'a leaky fixture needs at least one `ruleid:` annotation').toBeGreaterThan(0);
    const missing = expected.filter((e) => !findings.some((f) => f.ruleId === e.ruleId && f.path === e.path && f.line === e.line));
    expect(missing.map((e) => `${e.path}:${e.line} expected ${e.ruleId}`), 'missing findings').toEqual([]);
    const misjudged = expected.filter((e) => e.priority && !findings.some((f) => f.ruleId === e.ruleId && f.path === e.path && f.line === e.line && f.priority === e.priority));
    expect(misjudged.map((e) => `${e.path}:${e.line} expected ${e.ruleId} at ${e.priority}`), 'wrong priorities').toEqual([]);
    const wrong = expectations
      .filter((e) => e.kind === 'ok')
      .filter((e) => findings.some((f) => f.ruleId === e.ruleId && f.path === e.path && f.line === e.line));
    expect(wrong.map((e) => `${e.path}:${e.line} must not be ${e.ruleId}`), 'findings on ok lines').toEqual([]);
    const tolerated = expectations.filter((e) => e.kind === 'todook');
    const noisy = findings.filter(
      (f) => !expected.some((e) => e.ruleId === f.ruleId && e.path === f.path && e.line === f.line) && !tolerated.some((e) => e.ruleId === f.ruleId && e.path === f.path && e.line === f.line),
    );
    expect(noisy.map((f) => `${f.path}:${f.line} ${f.ruleId}: ${f.message}`), 'unexpected findings').toEqual([]);
  });
});
