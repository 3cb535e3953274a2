// Finding the config file without loading the validator: most trees have no
// config, and the schema library costs more to import than a warm audit.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CONFIG_FILE = 'leakaudit.config.json';

/**
 * The nearest leakaudit.config.json, or package.json with a top-level
 * `leakaudit` key, at or above `startDir` (the search stops at the root of
 * the git work tree). A package.json that cannot be parsed but mentions the
 * key is returned too: the loader reports what is wrong with it.
 */
export function findConfigFile(startDir: string): string | undefined {
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    const own = join(dir, CONFIG_FILE);
    if (existsSync(own)) return own;
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && mentionsConfig(pkg)) return pkg;
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

function mentionsConfig(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return true; // the loader says why it cannot be read
  }
  // Only a package.json that mentions the key is ours to judge.
  if (!/"leakaudit"\s*:/.test(text)) return false;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && 'leakaudit' in value;
  } catch {
    return true;
  }
}
