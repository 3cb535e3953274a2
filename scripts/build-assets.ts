// The build's second half (after tsc): copies what dist/ reads at run time
// besides compiled code. The grammar .wasm files of GRAMMAR_FILES go to
// dist/grammars with the versions of their packages (the grammar packages are
// dev dependencies: an installed leakaudit has only these copies), the
// built-in models to dist/models and the rule docs to dist/rules.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { BUILT_GRAMMARS_DIR, GRAMMAR_FILES, GRAMMAR_MANIFEST, grammarPackageVersions } from '../src/parse/grammar-files.js';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

// From src/parse, BUILT_GRAMMARS_DIR is src/grammars: never written.
const grammarsOut = join(dist, basename(BUILT_GRAMMARS_DIR));
rmSync(grammarsOut, { recursive: true, force: true });
mkdirSync(grammarsOut, { recursive: true });
const seen = new Set<string>();
for (const file of new Set(Object.values(GRAMMAR_FILES))) {
  const name = basename(file);
  if (seen.has(name)) throw new Error(`two grammars named ${name}: dist/grammars holds one file per name`);
  seen.add(name);
  copyFileSync(require.resolve(file), join(grammarsOut, name));
}
writeFileSync(join(grammarsOut, GRAMMAR_MANIFEST), `${JSON.stringify({ grammars: grammarPackageVersions() }, null, 2)}\n`);

const modelsSrc = join(root, 'src', 'models');
for (const lang of readdirSync(modelsSrc, { withFileTypes: true }).filter((d) => d.isDirectory())) {
  rmSync(join(dist, 'models', lang.name), { recursive: true, force: true });
  cpSync(join(modelsSrc, lang.name), join(dist, 'models', lang.name), { recursive: true, filter: (p) => !/\.[cm]?ts$/.test(p) });
}

const rulesSrc = join(root, 'src', 'rules');
for (const rule of readdirSync(rulesSrc, { withFileTypes: true }).filter((d) => d.isDirectory())) {
  if (!existsSync(join(rulesSrc, rule.name, 'docs.md'))) continue; // shared code, not a rule
  mkdirSync(join(dist, 'rules', rule.name), { recursive: true });
  copyFileSync(join(rulesSrc, rule.name, 'docs.md'), join(dist, 'rules', rule.name, 'docs.md'));
}
