// The config file: discovery, line-precise errors, what each setting does,
// user models treated like built-in ones, and the shipped JSON schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebasePattern } from '../../src/config/apply.js';
import { configJsonSchema } from '../../src/config/schema.js';
import { makeTree, REPO, runCli } from '../helpers.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv').default;

const TASK_LEAK = `pub fn start() {
    tokio::spawn(async move { loop { tick().await; } });
}
pub fn on_request() {
    start();
}
`;
const CHANNEL = `pub fn make() {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<u8>();
    keep(tx, rx);
}
`;
const USER_APIS = `use myrt::Runtime;
use mydb::Client;

pub fn start() {
    Runtime::forever(async move { loop { tick().await; } });
}

pub fn save() {
    let c = Client::connect("db");
    c.query("x");
}

pub struct Worker { task: Option<myrt::TaskRef> }
impl Worker {
    pub fn run(&mut self) {
        self.task = Some(Runtime::forever(async move { loop { tick().await; } }));
    }
}
impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() { t.stop(); }
    }
}

pub fn on_request() {
    start();
}
`;
const USER_MODELS = [
  {
    id: 'myrt.forever',
    language: 'rust',
    library: 'myrt',
    kind: 'task',
    description: 'Runs a future for ever on our runtime.',
    acquire: { calls: ['myrt::Runtime::forever'] },
    handle: 'TaskRef',
    releases: ['stop'],
    dropReleases: false,
    body: 'first-argument',
  },
  {
    id: 'mydb.connect',
    language: 'rust',
    library: 'mydb',
    kind: 'connection',
    description: 'Opens a connection to our database.',
    acquire: { calls: ['mydb::Client::connect'] },
    handle: 'Client',
    releases: ['close'],
    dropReleases: true,
  },
];

interface JsonFinding {
  ruleId: string;
  priority: string;
  symbol: string;
  location: { path: string; startLine: number };
}

function findings(root: string, args: string[] = []): { code: number | null; stderr: string; list: string[] } {
  const r = runCli([root, '-f', 'json', ...args]);
  const list = r.stdout ? (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.map((f) => `${f.priority} ${f.location.path}:${f.location.startLine} ${f.ruleId}`) : [];
  return { code: r.code, stderr: r.stderr, list };
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

function expectOneLineError(root: string, pattern: RegExp, args: string[] = []): void {
  const r = runCli([root, ...args]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('leakaudit.config.json', () => {
  it('turns rules off, overrides priorities and sets the default --fail-on', () => {
    const files = { 'src/task.rs': TASK_LEAK, 'src/queue.rs': CHANNEL };
    expect(findings(makeTree(files)).list).toEqual(['P0 src/task.rs:2 task-unstoppable', 'P2 src/queue.rs:2 channel-unbounded']);
    const off = makeTree({ ...files, 'leakaudit.config.json': json({ rules: { 'channel-unbounded': 'off', 'task-unstoppable': 'P2' } }) });
    const r = findings(off);
    expect(r.list).toEqual(['P2 src/task.rs:2 task-unstoppable']);
    expect(r.code).toBe(0); // P2 is below the default --fail-on P1
    const strict = makeTree({ ...files, 'leakaudit.config.json': json({ rules: { 'task-unstoppable': 'P2', 'channel-unbounded': 'on' }, failOn: 'P2' }) });
    expect(findings(strict).code).toBe(1);
    expect(findings(strict, ['--fail-on', 'none']).code).toBe(0);
  });

  it('includes and excludes files by globs relative to the config, also when a subdirectory is audited', () => {
    const files = { 'src/task.rs': TASK_LEAK, 'src/gen/task.rs': TASK_LEAK, 'tools/task.rs': TASK_LEAK };
    const root = makeTree({ ...files, 'leakaudit.config.json': json({ include: ['src/'], exclude: ['src/gen/'] }) });
    expect(findings(root).list).toEqual(['P0 src/task.rs:2 task-unstoppable']);
    // Audit src/ alone: `src/gen/` in the config at the root still means the same directory.
    expect(findings(join(root, 'src')).list).toEqual(['P0 task.rs:2 task-unstoppable']);
    // tools/ is outside the include list, seen from anywhere.
    expect(findings(join(root, 'tools')).list).toEqual([]);
    // Command-line excludes add to the config's.
    expect(findings(root, ['--exclude', 'task.rs']).list).toEqual([]);
  });

  it('re-bases gitignore patterns from the config directory onto an audited subdirectory', () => {
    expect(rebasePattern('src/gen/', ['src'])).toBe('/gen/');
    expect(rebasePattern('/src/*.rs', ['src'])).toBe('/*.rs');
    expect(rebasePattern('*.gen.rs', ['src'])).toBe('*.gen.rs');
    expect(rebasePattern('gen/', ['src'])).toBe('gen/');
    expect(rebasePattern('**/fixtures/**', ['src'])).toBe('/**/fixtures/**');
    expect(rebasePattern('crates/*/tests/', ['crates', 'api'])).toBe('/tests/');
    expect(rebasePattern('tools/x.rs', ['src'])).toBeUndefined();
    expect(rebasePattern('!src/keep.rs', ['src'])).toBe('!/keep.rs');
    expect(rebasePattern('src/', ['src', 'deep'])).toBe('/**');
    expect(rebasePattern('src/', ['src'])).toBe('/**');
    expect(rebasePattern('src/deep', ['src', 'deep'])).toBe('/**');
    expect(rebasePattern('src/x.rs', [])).toBe('src/x.rs');
  });

  it('is found in a parent directory, and the search stops at the root of the git work tree', () => {
    const root = makeTree({ 'leakaudit.config.json': json({ rules: { 'task-unstoppable': 'off' } }), 'repo/.git/HEAD': 'x', 'repo/svc/src/task.rs': TASK_LEAK });
    expect(findings(join(root, 'repo', 'svc')).list).toEqual(['P0 src/task.rs:2 task-unstoppable']);
    const nested = makeTree({ 'leakaudit.config.json': json({ rules: { 'task-unstoppable': 'off' } }), 'svc/src/task.rs': TASK_LEAK });
    expect(findings(join(nested, 'svc')).list).toEqual([]);
  });

  it('reads the "leakaudit" key of package.json, and ignores package.json files without it', () => {
    const root = makeTree({ 'package.json': json({ name: 'svc', leakaudit: { rules: { 'task-unstoppable': 'P1' } } }), 'src/task.rs': TASK_LEAK });
    expect(findings(root).list).toEqual(['P1 src/task.rs:2 task-unstoppable']);
    const plain = makeTree({ 'package.json': '{ "name": "svc", broken', 'src/task.rs': TASK_LEAK });
    expect(findings(plain).list).toEqual(['P0 src/task.rs:2 task-unstoppable']);
    const wrong = makeTree({ 'package.json': '{\n  "name": "svc",\n  "leakaudit": {\n    "failon": "P2"\n  }\n}\n', 'src/task.rs': TASK_LEAK });
    expect(runCli([wrong]).stderr).toBe(`leakaudit: ${join(wrong, 'package.json')}:4:5: unknown property "failon"; did you mean "failOn"?\n`);
  });

  it('--config names a file; --no-config ignores them', () => {
    const root = makeTree({ 'leakaudit.config.json': json({ rules: { 'task-unstoppable': 'off' } }), 'ci/strict.json': json({ rules: { 'task-unstoppable': 'P1' } }), 'src/task.rs': TASK_LEAK });
    expect(findings(root).list).toEqual([]);
    expect(findings(root, ['--config', join(root, 'ci', 'strict.json')]).list).toEqual(['P1 src/task.rs:2 task-unstoppable']);
    expect(findings(root, ['--no-config']).list).toEqual(['P0 src/task.rs:2 task-unstoppable']);
    expectOneLineError(root, /cannot read config .*nope\.json: ENOENT/, ['--config', join(root, 'nope.json')]);
  });

  it('treats user resource models like built-in ones', () => {
    const root = makeTree({ 'src/app.rs': USER_APIS, 'leakaudit.config.json': json({ models: USER_MODELS }) });
    expect(findings(root).list).toEqual(['P0 src/app.rs:5 task-unstoppable', 'P1 src/app.rs:9 connection-per-operation']);
    expect(findings(root, ['--no-config']).list).toEqual([]);
  });
});

describe('config errors: one line, exit 2, pointing at the place', () => {
  const at = (root: string) => join(root, 'leakaudit.config.json');

  it('malformed JSON', () => {
    const root = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': '{\n  "rules": {\n    "task-unstoppable": "off",\n  }\n}\n' });
    expectOneLineError(root, new RegExp(`^leakaudit: ${at(root)}:4:3: invalid JSON: expected a property name in double quotes\\n$`));
    const comment = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': '{\n  // no comments in JSON\n  "rules": {}\n}\n' });
    expectOneLineError(comment, /:2:3: invalid JSON: comments are not allowed in JSON\n$/);
    const empty = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': '' });
    expectOneLineError(empty, /:1:1: invalid JSON: expected a value\n$/);
  });

  it('an unknown rule id', () => {
    const root = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': '{\n  "rules": {\n    "task-unstoppable": "P1",\n    "task-unstopable": "off"\n  }\n}\n' });
    expectOneLineError(root, new RegExp(`^leakaudit: ${at(root)}:4:5: rules: unknown rule id "task-unstopable"; known rules: actor-never-stopped, .*task-unstoppable\\n$`));
  });

  it('a wrong value, with the count of further problems', () => {
    const root = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': '{\n  "failOn": "P3",\n  "rules": { "task-unstoppable": "error" }\n}\n' });
    expectOneLineError(root, /:2:3: failOn: Invalid option: expected one of "P0"\|"P1"\|"P2"\|"none" \(and 1 more problem\)\n$/);
    const globs = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': '{ "exclude": "target/" }' });
    expectOneLineError(globs, /:1:3: exclude: Invalid input: expected array, received string\n$/);
  });

  it('a bad user model: field, kind and id clashes', () => {
    const badKind = { ...USER_MODELS[0], kind: 'goroutine' };
    const root = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': json({ models: [USER_MODELS[1], badKind] }) });
    const line = json({ models: [USER_MODELS[1], badKind] }).split('\n').findIndex((l) => l.includes('"goroutine"')) + 1;
    expectOneLineError(root, new RegExp(`:${line}:7: models\\[1\\]\\.kind: Invalid option: expected one of "task"\\|`));
    const missing = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': '{"models": [{"id": "x", "language": "rust"}]}' });
    expectOneLineError(missing, /:1:13: models\[0\]\.library: Invalid input: expected string, received undefined \(and \d+ more problems\)\n$/);
    const clash = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': json({ models: [{ ...USER_MODELS[0], id: 'tokio.spawn' }] }) });
    expectOneLineError(clash, /:4:7: models\[0\]\.id: model id "tokio\.spawn" is already a built-in model; choose another id\n$/);
  });
});

it("the README's example config is valid and its model is used", () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const example = /\*\*Configuration\*\*[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const root = makeTree({
    'leakaudit.config.json': example!,
    'src/worker.rs': 'use our_runtime::Runtime;\n\npub fn start() {\n    Runtime::forever(async move { loop { tick().await; } });\n}\n\npub fn on_request() {\n    start();\n}\n',
    'src/generated/x.rs': TASK_LEAK,
  });
  expect(findings(root).list).toEqual(['P0 src/worker.rs:4 task-unstoppable']);
});

describe('schema/leakaudit.config.schema.json', () => {
  const file = join(REPO, 'schema', 'leakaudit.config.schema.json');

  it('is generated from the zod schema (run `npm run schema` after changing it)', () => {
    expect(JSON.parse(readFileSync(file, 'utf8')), 'schema/leakaudit.config.schema.json is stale (a rule or a model field changed): run `npm run schema` and commit it').toEqual(configJsonSchema());
  });

  it('accepts what leakaudit accepts and refuses what it refuses', () => {
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(file, 'utf8')));
    const good = { $schema: './schema/leakaudit.config.schema.json', include: ['src/'], exclude: ['**/gen/**'], rules: { 'channel-unbounded': 'off', 'task-unstoppable': 'P1' }, failOn: 'P0', models: USER_MODELS };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    for (const bad of [{ rules: { 'no-such-rule': 'off' } }, { failOn: 'P3' }, { models: [{ id: 'x' }] }, { unknown: true }]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
      const root = makeTree({ 'src/a.rs': TASK_LEAK, 'leakaudit.config.json': json(bad) });
      expect(runCli([root]).code, JSON.stringify(bad)).toBe(2);
    }
  });
});
