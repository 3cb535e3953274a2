// Property-based robustness of every frontend: truncations of real fixtures,
// random token soups and mutations never throw, and never yield a fact or a
// finding outside the file's line range.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { languageOf } from '../../src/discover/language.js';
import { hasFrontend, loadFrontend } from '../../src/frontends/index.js';
import { extractSource, type FileOutcome } from '../../src/parse/extract-file.js';
import { WasmBackend } from '../../src/parse/wasm-backend.js';
import { loadBuiltinModels } from '../../src/models/index.js';
import { buildProject } from '../../src/analysis/project.js';
import { judge } from '../../src/analysis/judge.js';
import { createModelSet } from '../../src/models/index.js';
import { RULES } from '../../src/rules/index.js';
import { REPO } from '../helpers.js';

const models = createModelSet(loadBuiltinModels());
let backend: WasmBackend;

beforeAll(async () => {
  backend = await WasmBackend.create(['rust', 'typescript', 'tsx', 'go'], 2_000);
  await Promise.all([loadFrontend('rust'), loadFrontend('typescript'), loadFrontend('go')]);
});

/** One leaky fixture per language that has a frontend. */
function leakyFixtures(): { path: string; source: string }[] {
  const out: { path: string; source: string }[] = [];
  const dir = join(REPO, 'src', 'rules', 'task-unstoppable', 'fixtures');
  for (const lang of readdirSync(dir)) {
    const file = readdirSync(join(dir, lang)).find((f) => f.includes('.leaky.'));
    if (file) out.push({ path: file, source: readFileSync(join(dir, lang, file), 'utf8') });
  }
  return out;
}

/** Extract, then judge the single file; assert everything stays inside the file. */
function check(path: string, source: string): FileOutcome {
  const info = languageOf(path)!;
  const outcome = extractSource({ relPath: path, info, isTestFile: false }, Buffer.from(source), backend, models.models);
  if (!outcome.ok) {
    // Only a language without a frontend may be refused; broken code must still extract.
    expect(hasFrontend(info.language), outcome.reason).toBe(false);
    return outcome;
  }
  const lines = source.split(/\r\n|\r|\n/).length;
  const facts = outcome.facts;
  for (const a of facts.acquisitions) {
    expect(a.site.startLine).toBeGreaterThanOrEqual(1);
    expect(a.site.endLine).toBeLessThanOrEqual(lines);
  }
  const { findings } = judge(buildProject('/', [facts], models), RULES);
  for (const f of findings) {
    expect(f.location.startLine).toBeGreaterThanOrEqual(1);
    expect(f.location.endLine).toBeLessThanOrEqual(lines);
  }
  return outcome;
}

describe('frontends on broken input', () => {
  for (const fixture of leakyFixtures()) {
    it(`${fixture.path}: every truncation extracts without throwing`, () => {
      const step = Math.max(1, Math.floor(fixture.source.length / 400));
      let extracted = 0;
      for (let end = 0; end <= fixture.source.length; end += step) {
        if (check(fixture.path, fixture.source.slice(0, end)).ok) extracted++;
      }
      expect(extracted).toBeGreaterThan(0);
    });

    it(`${fixture.path}: random mutations extract without throwing`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: fixture.source.length }), fc.integer({ min: 0, max: 40 }), fc.string({ maxLength: 12 }), (at, cut, insert) => {
          check(fixture.path, fixture.source.slice(0, at) + insert + fixture.source.slice(at + cut));
        }),
        { numRuns: 150, seed: 42 },
      );
    });
  }

  const RUST_TOKENS = ['fn', 'loop', 'while', 'let', '_', '=', 'tokio::spawn', '(', ')', '{', '}', 'async', 'move', '|', ';', '?', '.await', 'self', '.', 'abort', 'impl', 'Drop', 'for', 'struct', '::', 'Connection::open', 'break', '"', "'", '#[test]', '/*', '*/', '//', '\n', 'use', 'Some', '<', '>'];
  const TS_TOKENS = ['function', 'class', 'setInterval', 'clearInterval', '(', ')', '{', '}', '=>', 'this', '.', 'on', 'off', 'new', 'const', '=', ';', 'while', 'true', 'await', 'async', '`', '${', '"', '/*', '*/', '//', '\n', 'import', 'from', "'pg'", '<', '>', 'return', 'break'];

  it('random Rust token soups extract without throwing', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...RUST_TOKENS), { maxLength: 120 }), (tokens) => void check('soup.rs', tokens.join(' '))), { numRuns: 300, seed: 7 });
  });

  it('random TypeScript token soups extract without throwing', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TS_TOKENS), { maxLength: 120 }), (tokens) => void check('soup.ts', tokens.join(' '))), { numRuns: 300, seed: 7 });
  });
});
