// `leakaudit/testing` resolves through package.json "exports" from a project
// that depends on leakaudit, with its types, and the bin still runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './watch-cli.js';

describe.runIf(existsSync(join(REPO, 'dist', 'runtime', 'testing', 'index.js')))('package exports (built)', () => {
  const project = mkdtempSync(join(tmpdir(), 'leakaudit-consumer-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(REPO, join(project, 'node_modules', 'leakaudit'), 'dir');
  writeFileSync(join(project, 'package.json'), '{"type":"module"}');

  it('imports leakaudit/testing by name, with its declared types present', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "const m = await import('leakaudit/testing'); console.log(Object.keys(m).sort().join(','))"], { cwd: project, encoding: 'utf8' });
    expect(out.trim()).toBe('LeakError,assertNoLeaks,checkLeaks,formatLeakReport');
    expect(existsSync(join(REPO, 'dist', 'runtime', 'testing', 'index.d.ts'))).toBe(true);
  });

  it('keeps internals private and the bin working', () => {
    expect(() => execFileSync(process.execPath, ['--input-type=module', '-e', "await import('leakaudit/dist/cli/main.js')"], { cwd: project, stdio: 'pipe' })).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    const version = execFileSync(process.execPath, [join(project, 'node_modules', 'leakaudit', 'bin', 'leakaudit.js'), '--version'], { cwd: project, encoding: 'utf8' });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
