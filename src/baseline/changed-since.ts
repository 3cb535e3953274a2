// `--changed-since REF`: the files a change touches (committed since REF,
// staged, unstaged, or new and untracked), relative to the audit root. The
// whole project is still audited, so cross-file resolution is unchanged; only
// the findings reported are narrowed to these files.
import { spawnSync } from 'node:child_process';
import type { Finding } from '../analysis/finding.js';
import { BaselineError } from './baseline.js';

export function changedFiles(dir: string, ref: string): Set<string> {
  if (ref.startsWith('-')) throw new BaselineError(`--changed-since: "${ref}" is not a git revision`);
  git(dir, ['rev-parse', '--is-inside-work-tree'], `--changed-since needs a git work tree; ${dir} is not inside one`, false);
  git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], `--changed-since: unknown git revision "${ref}"`, false);
  const changed = git(dir, ['diff', '--name-only', '--relative', '--no-renames', '-z', ref, '--'], `--changed-since: git diff against "${ref}" failed`, true);
  const untracked = git(dir, ['ls-files', '--others', '--exclude-standard', '-z'], 'git ls-files failed', true);
  return new Set([...changed.split('\0'), ...untracked.split('\0')].filter(Boolean));
}

/** Keeps the findings located in a changed file. */
export function onlyChanged(findings: readonly Finding[], changed: ReadonlySet<string>): Finding[] {
  return findings.filter((f) => changed.has(f.location.path));
}

/** Runs git; on failure, `failure` (plus git's first line of complaint when `withDetail`). */
function git(cwd: string, args: string[], failure: string, withDetail: boolean): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new BaselineError(code === 'ENOENT' ? '--changed-since needs git, and git was not found on PATH' : `${failure}: ${code ?? r.error.message}`);
  }
  if (r.status !== 0) {
    const detail = r.stderr.trim().split('\n')[0];
    throw new BaselineError(detail && withDetail ? `${failure} (${detail})` : failure);
  }
  return r.stdout;
}
