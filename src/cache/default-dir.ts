// Where the fact cache lives by default: node_modules/.cache/leakaudit of the
// nearest package (the convention Babel, ESLint loaders and Vite follow), or
// the user cache directory when no package.json is found above the cwd.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export function defaultCacheDir(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'node_modules', '.cache', 'leakaudit');
    if (dirname(dir) === dir) break;
  }
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'leakaudit');
}
