// One audit of a workspace root as the editor needs it: the project's config
// (as the command line would find it), the fact cache of the root's nearest
// package, no baseline. The tree snapshot in the cache makes a run after one
// saved file cost parsing that file and judging its package.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { configEffects } from '../config/apply.js';
import { findConfigFile } from '../config/find.js';
import { runAudit, type AuditResult } from '../pipeline/run-audit.js';
import { defaultCacheDir } from '../cache/default-dir.js';

export interface RootAuditSettings {
  /** Fact cache directory; undefined: the default for the root; false: no cache. */
  cacheDir?: string | false;
  /** Worker threads (default: the number of cores). */
  jobs?: number;
}

export interface RootAudit {
  result: AuditResult;
  /** One-line problems to show the user (a config that does not load, an unwritable cache). */
  warnings: string[];
}

export async function auditRoot(root: string, settings: RootAuditSettings): Promise<RootAudit> {
  // A workspace folder removed or renamed under the editor: say so rather than report a clean tree.
  if (!existsSync(root)) throw new Error(`the workspace folder ${root} does not exist`);
  const warnings: string[] = [];
  let config: ReturnType<typeof configEffects> | undefined;
  const configPath = findConfigFile(root);
  if (configPath) {
    try {
      config = configEffects((await import('../config/load.js')).loadConfigFile(configPath), root);
    } catch (err) {
      // A config being edited is often invalid for a moment: audit with the defaults and say so.
      warnings.push(`${(err as Error).message} (audited with the default settings)`);
    }
  }
  const cacheDir = settings.cacheDir === false ? undefined : (settings.cacheDir ?? defaultCacheDir(root));
  const result = await runAudit({
    paths: [root],
    root,
    ...(config?.exclude.length ? { exclude: config.exclude } : {}),
    ...(config?.include ? { include: config.include } : {}),
    ...(config?.includeGenerated ? { includeGenerated: true } : {}),
    ...(config ? { userModels: config.userModels, disabledRules: config.disabledRules, rulePriorities: config.rulePriorities } : {}),
    jobs: settings.jobs ?? availableParallelism(),
    ...(cacheDir ? { cacheDir } : {}),
  });
  warnings.push(...result.warnings);
  return { result, warnings };
}
