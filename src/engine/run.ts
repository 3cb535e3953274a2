// One audit's run through the engine's stages, each a typed step whose result
// the next takes: discover (files and package units) -> plan (which units keep
// their stored judgement: the cache) -> extract (facts for the rest: parse,
// in workers or on the main thread) -> judge (rules per unit, snapshot saved,
// the result). Call them once each, in that order.
import type { JudgeOptions } from '../analysis/judge.js';
import { groupByPackage, packageDirs } from '../analysis/packages.js';
import type { StampedFile } from '../cache/tree-snapshot.js';
import { discover, type Discovery } from '../discover/walk.js';
import type { ModelSet } from '../models/index.js';
import { assignUnits } from './shards.js';
import { extractFiles, type ExtractionOptions, type ExtractionReport, type PreparedExtraction } from './extract-files.js';
import { judgementBase, packageKey, type PackageResult } from './package-results.js';
import { judgeUnits } from './judge-units.js';
import { DEFAULT_MAX_FILE_BYTES, type AuditResult, type AuditScope, type DiscoverOptions } from './types.js';

/** A package unit (crate, npm package...): its files, by index into the discovered files. */
export interface Unit {
  dir: string;
  items: number[];
}

/** The discovery stage's result: the files, and the units this run audits (this shard's only, when sharded). */
export interface Units {
  discovery: Discovery;
  units: Unit[];
}

/** A unit none of whose files changed since the snapshot, with the judgement stored for it. */
export interface ReusedUnit extends Unit {
  key: string;
  stored: PackageResult;
  stamped: StampedFile[];
}

/** The cache stage's result: which units keep their stored judgement, which files need facts. */
export interface Plan extends Units {
  /** In unit order; a unit without `stored` is judged afresh. */
  planned: (Unit | ReusedUnit)[];
  /** Files to extract, by index. */
  todo: number[];
  judge: JudgeOptions;
  /** The part of every package key that is not the package's files. */
  base: string;
}

/** The extraction stage's result. */
export interface Extracted extends Plan {
  /** Undefined when every unit was reused. */
  extraction?: ExtractionReport;
}

export class EngineRun {
  /** When discovery began, for the snapshot: a file changed after this is read again next time. */
  private readonly takenAt = Date.now();
  private discoveredAt = 0;
  private extractedAt = 0;

  constructor(
    private readonly root: string,
    private readonly models: ModelSet,
    private readonly scope: AuditScope,
    private readonly prepared: PreparedExtraction,
    private readonly startedAt: number,
  ) {}

  async discover(opts: DiscoverOptions): Promise<Units> {
    const { root, scope } = this;
    const cache = this.prepared.cache;
    const excludes = opts.exclude ?? [];
    const listings = cache?.listings(excludes);
    const discovery = await discover({
      root,
      paths: scope.paths.length > 0 ? scope.paths : [root],
      maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      ...(opts.exclude ? { exclude: opts.exclude } : {}),
      ...(opts.include ? { include: opts.include } : {}),
      ...(listings ? { listings } : {}),
    });
    // Unchanged directories need not be listed next time either.
    if (cache && discovery.relisted > 0) cache.saveListings(excludes, discovery.listings);
    this.discoveredAt = performance.now();
    const found = discovery.files;
    const dirs = packageDirs(root, discovery.manifests);
    let units: Unit[] = groupByPackage(found.map((_, i) => i), (i) => found[i]!.relPath, dirs);
    if (scope.shard) {
      const shard = scope.shard;
      const owner = assignUnits(units.map((g) => ({ dir: g.dir, bytes: g.items.reduce((n, i) => n + found[i]!.size, 0) })), shard.count);
      units = units.filter((g) => owner.get(g.dir) === shard.index);
      // A file discovery skipped is listed by the shard of its unit (the first shard when its unit has no audited file).
      const mine = new Set(groupByPackage(discovery.skipped, (s) => s.relPath, dirs).filter((g) => (owner.get(g.dir) ?? 1) === shard.index).flatMap((g) => g.items));
      discovery.skipped = discovery.skipped.filter((s) => mine.has(s));
    }
    return { discovery, units };
  }

  /**
   * A package none of whose files changed keeps the result it was judged to last time: types,
   * teardowns and callers resolve within a package, so no other package's change can alter it.
   * The judge options are part of that result's key.
   */
  plan(units: Units, judge: JudgeOptions): Plan {
    const cache = this.prepared.cache;
    const found = units.discovery.files;
    const base = judgementBase(this.models.version, judge);
    const planned: (Unit | ReusedUnit)[] = [];
    const todo: number[] = [];
    for (const unit of units.units) {
      const stamped = cache?.unchangedFiles(unit.items.map((i) => found[i]!));
      if (cache && stamped) {
        const key = packageKey(base, unit.dir, unit.items.map((i, k) => [found[i]!.relPath, stamped[k]!]));
        const stored = cache.storedPackage(unit.dir, key) as PackageResult | undefined;
        if (stored) {
          planned.push({ ...unit, key, stored, stamped });
          cache.countUnread(stamped.filter((s) => s.key !== undefined).length);
          continue;
        }
      }
      planned.push(unit);
      todo.push(...unit.items);
    }
    return { ...units, planned, todo, judge, base };
  }

  /** Facts for the files the plan could not answer from stored judgements. */
  async extract(plan: Plan, opts: ExtractionOptions): Promise<Extracted> {
    let extraction: ExtractionReport | undefined;
    if (plan.todo.length > 0) extraction = await extractFiles(plan.todo.map((i) => plan.discovery.files[i]!), this.prepared, opts);
    else await this.abandon();
    this.extractedAt = performance.now();
    return { ...plan, ...(extraction ? { extraction } : {}) };
  }

  async judge(extracted: Extracted): Promise<AuditResult> {
    const { skipped, files, extraction, warnings, ...summary } = await judgeUnits(this.root, this.models, extracted, this.prepared.cache, this.takenAt);
    return {
      ...summary,
      root: this.root,
      skipped,
      models: this.models,
      // Facts of packages whose result was reused are loaded only if someone asks (tests, tools), not for a report.
      get files() {
        return files();
      },
      durationMs: Math.round(performance.now() - this.startedAt),
      extraction: {
        ...extraction,
        timings: {
          discoverMs: Math.round(this.discoveredAt - this.startedAt),
          extractMs: Math.round(this.extractedAt - this.discoveredAt),
          analyseMs: Math.round(performance.now() - this.extractedAt),
        },
      },
      warnings,
      ...(this.scope.shard ? { shard: this.scope.shard } : {}),
    };
  }

  /** Closes workers started early and not handed to extraction (nothing to extract, or a failure). */
  async abandon(): Promise<void> {
    await this.prepared.early?.then((pool) => pool.close());
  }
}
