// Terminal behaviour: the progress bar shows only on a TTY outside CI and
// without --quiet; colours follow --no-color and NO_COLOR (no-color.org: set
// and not empty). Real terminals come from util-linux `script` (a pty).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import { BIN, makeTree, runCli } from '../helpers.js';

const TREE = {
  'src/server.rs': 'pub fn start() {\n    tokio::spawn(async move { loop { tick().await; } });\n}\n',
  'src/lib.rs': 'pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n',
};
const SGR = /\u001b\[\d+(;\d+)*m/; // a colour or style escape
const PROGRESS = /\[=+ *\] \d+\/\d+ files/;

function fakeTty(columns: number) {
  const writes: string[] = [];
  const stream = { isTTY: true, columns, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('progress bar', () => {
  const savedCi = process.env.CI;
  afterEach(() => {
    if (savedCi === undefined) delete process.env.CI;
    else process.env.CI = savedCi;
  });

  it('draws on a TTY outside CI, fits the width, and clears itself', () => {
    delete process.env.CI;
    const { stream, writes } = fakeTty(50);
    const p = createProgress(true, stream);
    p.update(1, 4, 'src/some/deeply/nested/directory/with/a/long/name.rs');
    p.update(4, 4, 'src/last.rs');
    p.done();
    expect(writes[0]).toMatch(/^\r\[======\s+\] 1\/4 files …/);
    expect(writes[0]!.replace('\u001b[K', '').length).toBeLessThanOrEqual(50);
    expect(writes.at(-1)).toBe('\r\u001b[K');
  });

  it('stays off in CI, when not a TTY, and when disabled (--quiet)', () => {
    process.env.CI = 'true';
    const ci = fakeTty(80);
    createProgress(true, ci.stream).update(1, 2, 'a.rs');
    expect(ci.writes).toEqual([]);
    delete process.env.CI;
    const quiet = fakeTty(80);
    createProgress(false, quiet.stream).update(1, 2, 'a.rs');
    expect(quiet.writes).toEqual([]);
    const piped = { isTTY: false, write: () => expect.unreachable('wrote to a pipe') } as unknown as NodeJS.WriteStream;
    createProgress(true, piped).update(1, 2, 'a.rs');
  });
});

const HAVE_SCRIPT = existsSync('/usr/bin/script');

/** Runs the CLI in a pseudo-terminal; returns what the terminal showed. */
function inTerminal(args: string[], env: Record<string, string | undefined>): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const fullEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) fullEnv[k] = v;
  const r = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], { env: fullEnv, encoding: 'utf8', timeout: 120_000 });
  return r.stdout;
}

describe.skipIf(!HAVE_SCRIPT)('in a real terminal', () => {
  const root = makeTree(TREE);
  const plain = { CI: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined };

  it('shows the progress bar and colours', () => {
    const out = inTerminal([root], plain);
    expect(out).toMatch(PROGRESS);
    expect(out).toMatch(SGR);
    expect(out).toContain('task-unstoppable');
  });

  it('no progress bar in CI or with --quiet; colours stay', () => {
    const ci = inTerminal([root], { ...plain, CI: 'true' });
    expect(ci).not.toMatch(PROGRESS);
    expect(ci).toMatch(SGR);
    const quiet = inTerminal([root, '--quiet'], plain);
    expect(quiet).not.toMatch(PROGRESS);
    expect(quiet).toContain('task-unstoppable');
  });

  it('no colours with NO_COLOR set or --no-color; an empty NO_COLOR does not count', () => {
    for (const [args, env] of [
      [[root], { ...plain, NO_COLOR: '1' }],
      [[root, '--no-color'], plain],
    ] as const) {
      const out = inTerminal([...args], env);
      expect(out).not.toMatch(SGR);
      expect(out).toContain('task-unstoppable');
    }
    expect(inTerminal([root], { ...plain, NO_COLOR: '' })).toMatch(SGR);
  });
});

it('piped output has no escapes at all, on stdout or stderr', () => {
  const r = runCli([makeTree(TREE)], { env: { NO_COLOR: '', CI: '' } });
  expect(r.stdout).toContain('task-unstoppable');
  expect(r.stdout).not.toMatch(/\u001b/);
  expect(r.stderr).toBe('');
});
