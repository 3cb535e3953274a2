// Audits of workspace roots as the editor needs them: the project's config
// (as the command line would find it), the fact cache of the root's nearest
// package, no baseline. The tree snapshot in the cache makes a run after one
// saved file cost parsing that file and judging its package.
// Each root keeps its AuditEngine (models loaded once) while the config's
// models and generated-code setting and the cache directory stay the same;
// excludes, includes and rule settings are read again for every audit.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { configEffects } from '../config/apply.js';
import { findConfigFile } from '../config/find.js';
import { AuditEngine } from '../engine/engine.js';
import type { AuditResult } from '../engine/types.js';
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

export class RootAuditor {
  /** Per root: its engine, and what the engine was built from. */
  private readonly engines = new Map<string, { identity: string; engine: AuditEngine }>();

  constructor(private readonly settings: RootAuditSettings) {}

  async audit(root: string): Promise<RootAudit> {
    // A workspace folder removed or renamed under the editor: say so rather than report a clean tree.
    if (!existsSync(root)) {
      this.engines.delete(root);
      throw new Error(`the workspace folder ${root} does not exist`);
    }
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
    const result = await this.engineFor(root, config).audit(
      {
        scope: { paths: [root] },
        discover: {
          ...(config?.exclude.length ? { exclude: config.exclude } : {}),
          ...(config?.include ? { include: config.include } : {}),
        },
        judge: config ? { disabled: config.disabledRules, priorities: config.rulePriorities } : {},
      },
    );
    warnings.push(...result.warnings);
    return { result, warnings };
  }

  /** A root no longer in the workspace: its engine goes. */
  forget(root: string): void {
    this.engines.delete(root);
  }

  /** The root's engine, built again when the config changes what a file's facts are (models, generated code) or the cache moves. */
  private engineFor(root: string, config: ReturnType<typeof configEffects> | undefined): AuditEngine {
    // The default cache directory depends on where a package.json is: it is found again each time.
    const cacheDir = this.settings.cacheDir === false ? undefined : (this.settings.cacheDir ?? defaultCacheDir(root));
    const identity = JSON.stringify([cacheDir ?? null, config?.userModels ?? [], config?.includeGenerated === true]);
    const kept = this.engines.get(root);
    if (kept?.identity === identity) return kept.engine;
    const engine = new AuditEngine({
      root,
      ...(config?.includeGenerated ? { includeGenerated: true } : {}),
      ...(config ? { userModels: config.userModels } : {}),
      jobs: this.settings.jobs ?? availableParallelism(),
      ...(cacheDir ? { cacheDir } : {}),
    });
    this.engines.set(root, { identity, engine });
    return engine;
  }
}
