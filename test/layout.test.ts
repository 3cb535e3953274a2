// The pipeline flows one way, and only frontends know a language.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('fixtures'))
    .map((f) => join(REPO, dir, f));
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('layout', () => {
  it('frontends never import analysis, rules, report, the engine or the CLI', () => {
    const bad = sources('src/frontends').flatMap((f) =>
      importsOf(f).filter((i) => /\/(analysis|rules|report|cli|pipeline|engine)\//.test(i)).map((i) => `${relative(REPO, f)} imports ${i}`),
    );
    expect(bad).toEqual([]);
  });

  it('analysis, rules and report never import a frontend or name a language', () => {
    const bad: string[] = [];
    for (const dir of ['src/analysis', 'src/rules', 'src/report']) {
      for (const f of sources(dir)) {
        for (const i of importsOf(f)) if (/\/frontends\//.test(i)) bad.push(`${relative(REPO, f)} imports ${i}`);
        if (/['"](rust|typescript|python|go)['"]/.test(readFileSync(f, 'utf8'))) bad.push(`${relative(REPO, f)} names a language`);
      }
    }
    expect(bad).toEqual([]);
  });
});
