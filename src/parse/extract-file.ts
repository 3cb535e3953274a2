// One file through parse + frontend. Never throws: every failure becomes a skip reason.
import { readFile } from 'node:fs/promises';
import type { FileOutcome } from './outcome.js';
import type { ResourceModel } from '../models/schema.js';
import type { DiscoveredFile } from '../discover/walk.js';
import { frontendFor, hasFrontend, loadFrontend } from '../frontends/index.js';
import { decodeSource } from './decode.js';
import { generatedReason, INCLUDE_GENERATED_HINT } from './generated.js';
import type { ParserBackend } from './syntax.js';

export type { FileOutcome } from './outcome.js';

/** Choices that change which files get facts (they are part of every cache key). */
export interface ExtractOptions {
  /** Audit bundles, minified scripts and files a tool says it generated, instead of skipping them. */
  includeGenerated?: boolean;
}

export async function extractFile(file: DiscoveredFile, parser: ParserBackend, models: readonly ResourceModel[], options: ExtractOptions = {}): Promise<FileOutcome> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file.absPath);
  } catch (err) {
    return { ok: false, relPath: file.relPath, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  await loadFrontend(file.info.language);
  return extractSource(file, bytes, parser, models, options);
}

/** Synchronous: the file's frontend must be loaded (`loadFrontend`) first. */
export function extractSource(
  file: Pick<DiscoveredFile, 'relPath' | 'info' | 'isTestFile'>,
  bytes: Uint8Array,
  parser: ParserBackend,
  models: readonly ResourceModel[],
  options: ExtractOptions = {},
): FileOutcome {
  const decoded = decodeSource(bytes);
  if (!decoded.ok) return { ok: false, relPath: file.relPath, reason: decoded.reason, refused: true };
  const generated = options.includeGenerated ? undefined : generatedReason(file.relPath, decoded.text);
  if (generated) return { ok: false, relPath: file.relPath, reason: `${generated}; ${INCLUDE_GENERATED_HINT}`, refused: true };
  if (!hasFrontend(file.info.language)) return { ok: false, relPath: file.relPath, reason: `no frontend for ${file.info.language} yet` };
  const frontend = frontendFor(file.info.language);
  if (!frontend) return { ok: false, relPath: file.relPath, reason: `the ${file.info.language} frontend was not loaded` };
  let tree;
  try {
    tree = parser.parse(decoded.text, file.info.grammar);
  } catch (err) {
    return { ok: false, relPath: file.relPath, reason: `parse failed: ${(err as Error).message}` };
  }
  try {
    const facts = frontend({
      path: file.relPath,
      source: decoded.text,
      tree,
      models: modelsFor(models, file.info.language),
      isTestFile: file.isTestFile,
    });
    return decoded.note ? { ok: true, facts, note: decoded.note } : { ok: true, facts };
  } catch (err) {
    return { ok: false, relPath: file.relPath, reason: `fact extraction failed: ${(err as Error).message}` };
  } finally {
    tree.delete();
  }
}

const byLanguage = new WeakMap<readonly ResourceModel[], Map<string, readonly ResourceModel[]>>();

/** The models of one language: the same array for every file, so frontends can keep what they derive from it. */
function modelsFor(models: readonly ResourceModel[], language: string): readonly ResourceModel[] {
  let perLanguage = byLanguage.get(models);
  if (!perLanguage) byLanguage.set(models, (perLanguage = new Map()));
  let list = perLanguage.get(language);
  if (!list) perLanguage.set(language, (list = models.filter((m) => m.language === language)));
  return list;
}
