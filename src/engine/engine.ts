// The incremental engine: discover -> cache -> parse -> judge. An AuditEngine
// is built once for what stays fixed in a session (root, models, cache
// directory, worker settings); each audit starts a run over a scope (paths,
// shard) and goes through the stages, each told only its own options.
// The command line builds one per run; the language server keeps one per
// workspace root and re-audits with it after each save.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { createModelSet, loadBuiltinModels, type ModelSet } from '../models/index.js';
import { DEFAULT_PARSE_TIMEOUT_MS } from '../parse/syntax.js';
import { DEFAULT_FILE_TIMEOUT_MS, DEFAULT_IN_PROCESS_BELOW_BYTES, prepareExtraction, type ExtractionSettings } from './extract-files.js';
import { EngineRun, type Extracted } from './run.js';
import type { AuditRequest, AuditResult, AuditScope, EngineSettings } from './types.js';

export class AuditEngine {
  /** Absolute. */
  readonly root: string;
  readonly models: ModelSet;
  private readonly extraction: ExtractionSettings;
  private readonly prestartWorkers: boolean;

  constructor(settings: EngineSettings) {
    this.root = resolve(settings.root);
    this.models = createModelSet([...loadBuiltinModels(), ...(settings.userModels ?? [])]);
    this.extraction = {
      jobs: Math.max(0, Math.floor(settings.jobs ?? availableParallelism())),
      ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}),
      modelsVersion: this.models.version,
      models: this.models.models,
      parseTimeoutMs: settings.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS,
      fileTimeoutMs: settings.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS,
      inProcessBelowBytes: settings.inProcessBelowBytes ?? DEFAULT_IN_PROCESS_BELOW_BYTES,
      ...(settings.includeGenerated ? { includeGenerated: true } : {}),
      ...(settings.faultInjection ? { faults: settings.faultInjection } : {}),
    };
    this.prestartWorkers = settings.prestartWorkers ?? false;
  }

  /** One audit, the stages composed. `startedAt`: when the caller's work began, for the timings. */
  async audit(request: AuditRequest, startedAt = performance.now()): Promise<AuditResult> {
    const run = this.start(request.scope, startedAt);
    let extracted: Extracted;
    try {
      const units = await run.discover(request.discover ?? {});
      const plan = run.plan(units, request.judge ?? {});
      extracted = await run.extract(plan, request.extract ?? {});
    } catch (err) {
      // Workers started early must not keep the process alive after a failure.
      await run.abandon();
      throw err;
    }
    return run.judge(extracted);
  }

  /**
   * Opens the cache for this scope's snapshot and, when the cache is off or
   * empty and the settings say so, starts the workers so they boot during discovery.
   */
  start(scope: AuditScope, startedAt = performance.now()): EngineRun {
    const tree = { root: this.root, paths: scope.paths.map((p) => resolve(p)), ...(scope.shard ? { shard: `${scope.shard.index}/${scope.shard.count}` } : {}) };
    const prepared = prepareExtraction(this.extraction, tree, this.prestartWorkers);
    return new EngineRun(this.root, this.models, scope, prepared, startedAt);
  }
}
