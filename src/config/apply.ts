// What a loaded config changes in an audit: file globs (re-based from the
// config's directory onto the audit root), rules switched off, priority
// overrides, user models, and the default --fail-on.
import { relative, sep } from 'node:path';
import type { Priority } from '../analysis/finding.js';
import type { ResourceModel } from '../models/schema.js';
import type { LoadedConfig } from './load.js';

export interface ConfigEffects {
  include?: string[];
  exclude: string[];
  disabledRules: Set<string>;
  rulePriorities: Map<string, Priority>;
  userModels: ResourceModel[];
  failOn?: Priority | 'none';
  includeGenerated?: boolean;
}

/** An anchored pattern no path can match: an include list that cannot match under the root must select nothing, not everything. */
const MATCHES_NOTHING = '/.leakaudit-include-matches-nothing-under-this-root';

export function configEffects(loaded: LoadedConfig, auditBase: string): ConfigEffects {
  const { config } = loaded;
  const rel = relative(loaded.dir, auditBase);
  // Globs are written relative to the config's directory; reports and
  // discovery are relative to the audit root, which may sit below it.
  const prefix = rel.startsWith('..') || rel.startsWith(sep) ? [] : rel.split(sep).filter(Boolean);
  const rebaseAll = (patterns: readonly string[]): string[] => patterns.map((p) => rebasePattern(p, prefix)).filter((p): p is string => p !== undefined);
  const disabledRules = new Set<string>();
  const rulePriorities = new Map<string, Priority>();
  for (const [id, setting] of Object.entries(config.rules ?? {})) {
    if (setting === 'off') disabledRules.add(id);
    else if (setting === 'P0' || setting === 'P1' || setting === 'P2') rulePriorities.set(id, setting);
  }
  let include: string[] | undefined;
  if (config.include && config.include.length > 0) {
    include = rebaseAll(config.include);
    if (include.length === 0) include = [MATCHES_NOTHING];
  }
  return {
    ...(include ? { include } : {}),
    exclude: rebaseAll(config.exclude ?? []),
    disabledRules,
    rulePriorities,
    userModels: config.models ?? [],
    ...(config.failOn ? { failOn: config.failOn } : {}),
    ...(config.includeGenerated ? { includeGenerated: true } : {}),
  };
}

/**
 * A gitignore-style pattern relative to a directory, re-expressed relative to
 * `prefix` below it; undefined when it cannot match anything there.
 * Unanchored patterns (`*.gen.rs`, `generated/`) match at any depth and stay,
 * unless they name a directory on the way down, which covers the whole root.
 */
export function rebasePattern(pattern: string, prefix: readonly string[]): string | undefined {
  if (prefix.length === 0) return pattern;
  if (pattern.startsWith('!')) {
    const inner = rebasePattern(pattern.slice(1), prefix);
    return inner === undefined ? undefined : `!${inner}`;
  }
  const trailingSlash = pattern.endsWith('/');
  const body = trailingSlash ? pattern.slice(0, -1) : pattern;
  // Unanchored: matches at any depth, so also a directory above the root, which takes in all of it.
  if (!body.includes('/')) return prefix.some((dir) => segmentMatches(body, dir)) ? '/**' : pattern;
  const segments = body.replace(/^\//, '').split('/');
  let i = 0;
  for (const dir of prefix) {
    const seg = segments[i];
    if (seg === undefined) return '/**'; // the pattern names an ancestor of the root: all of it
    if (seg === '**') return `/${segments.slice(i).join('/')}${trailingSlash ? '/' : ''}`;
    if (!segmentMatches(seg, dir)) return undefined;
    i++;
  }
  const rest = segments.slice(i);
  if (rest.length === 0) return '/**';
  return `/${rest.join('/')}${trailingSlash ? '/' : ''}`;
}

function segmentMatches(glob: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close === -1) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) re += `\\${glob[++i]}`;
    else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`).test(name);
  } catch {
    return false;
  }
}
