// discover -> parse + extract -> resolve -> judge: the whole static audit.
import { resolve } from 'node:path';
import type { FileFacts } from '../facts/types.js';
import { discover, type SkippedFile } from '../discover/walk.js';
import { extractFile } from '../parse/extract-file.js';
import { WasmBackend } from '../parse/wasm-backend.js';
import type { Grammar } from '../parse/syntax.js';
import { createModelSet, loadBuiltinModels, type ModelSet } from '../models/index.js';
import type { ResourceModel } from '../models/schema.js';
import { buildProject } from '../analysis/project.js';
import { judge, type Judgement } from '../analysis/judge.js';
import { countApis, type ApiCount } from '../analysis/counts.js';
import { RULES } from '../rules/index.js';
import type { Finding } from '../analysis/finding.js';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface AuditOptions {
  /** Paths to audit; relative paths in the report are relative to `root`. */
  paths: string[];
  root?: string;
  maxFileBytes?: number;
  exclude?: string[];
  include?: string[];
  userModels?: ResourceModel[];
  disabledRules?: ReadonlySet<string>;
  rulePriorities?: ReadonlyMap<string, Finding['priority']>;
  /** Per-file parse budget. */
  parseTimeoutMs?: number;
  onProgress?: (done: number, total: number, path: string) => void;
}

export interface AuditResult extends Judgement {
  root: string;
  files: FileFacts[];
  filesScanned: number;
  bytesScanned: number;
  skipped: SkippedFile[];
  /** Files parsed with syntax errors (facts may be partial). */
  partial: { path: string; errors: number }[];
  /** Files decoded with a note (UTF-16, invalid UTF-8). */
  decodeNotes: { path: string; note: string }[];
  counts: ApiCount[];
  models: ModelSet;
  durationMs: number;
}

const backends = new Map<string, Promise<WasmBackend>>();

/** One backend per grammar set and timeout, reused across runs in the same process (tests, watch mode). */
function parserFor(grammars: Grammar[], timeoutMs?: number): Promise<WasmBackend> {
  const key = `${[...grammars].sort().join(',')}|${timeoutMs ?? ''}`;
  let backend = backends.get(key);
  if (!backend) {
    backend = WasmBackend.create(grammars, timeoutMs);
    backends.set(key, backend);
  }
  return backend;
}

export async function runAudit(opts: AuditOptions): Promise<AuditResult> {
  const started = performance.now();
  const root = resolve(opts.root ?? (opts.paths.length === 1 ? opts.paths[0]! : '.'));
  const models = createModelSet([...loadBuiltinModels(), ...(opts.userModels ?? [])]);
  const discovery = await discover({
    root,
    paths: opts.paths.length > 0 ? opts.paths : [root],
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    ...(opts.exclude ? { exclude: opts.exclude } : {}),
    ...(opts.include ? { include: opts.include } : {}),
  });
  const grammars = [...new Set(discovery.files.map((f) => f.info.grammar))] as Grammar[];
  const parser = await parserFor(grammars, opts.parseTimeoutMs);
  const files: FileFacts[] = [];
  const skipped = [...discovery.skipped];
  const decodeNotes: AuditResult['decodeNotes'] = [];
  let bytes = 0;
  let done = 0;
  for (const file of discovery.files) {
    const outcome = await extractFile(file, parser, models.models);
    done++;
    opts.onProgress?.(done, discovery.files.length, file.relPath);
    if (!outcome.ok) {
      skipped.push({ relPath: outcome.relPath, reason: outcome.reason });
      continue;
    }
    bytes += file.size;
    files.push(outcome.facts);
    if (outcome.note) decodeNotes.push({ path: file.relPath, note: outcome.note });
    // Let finalizers and timers run between files: keeps memory flat on big trees.
    if (done % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const project = buildProject(root, files, [], models);
  const judgement = judge(project, RULES, {
    ...(opts.disabledRules ? { disabled: opts.disabledRules } : {}),
    ...(opts.rulePriorities ? { priorities: opts.rulePriorities } : {}),
  });
  skipped.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return {
    ...judgement,
    root,
    files,
    filesScanned: files.length,
    bytesScanned: bytes,
    skipped,
    partial: files.filter((f) => f.parseErrors > 0).map((f) => ({ path: f.path, errors: f.parseErrors })),
    decodeNotes,
    counts: countApis(files),
    models,
    durationMs: Math.round(performance.now() - started),
  };
}
