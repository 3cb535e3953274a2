// Cache keys: everything a file's facts depend on. The run-wide part (tool,
// models, extractor) is hashed once; each file adds its path, grammar, test
// status and content hash.
import { createHash } from 'node:crypto';
import type { LanguageInfo } from '../discover/language.js';
import { VERSION } from '../version.js';
import { extractorFingerprint } from './extractor-fingerprint.js';

export interface KeyedFile {
  relPath: string;
  info: LanguageInfo;
  isTestFile: boolean;
}

/** The part of every key that is the same for the whole run. */
export function runKeyPrefix(modelsVersion: string, options: { includeGenerated?: boolean } = {}): string {
  // Generated files get facts only with --include-generated, and are refused without it.
  const generated = options.includeGenerated ? '\0generated included' : '';
  return createHash('sha256').update(`leakaudit ${VERSION}\0models ${modelsVersion}\0extractor ${extractorFingerprint()}${generated}`).digest('hex');
}

export function entryKey(prefix: string, file: KeyedFile, contentHash: string): string {
  return createHash('sha256')
    .update(`${prefix}\0${file.relPath}\0${file.info.language}\0${file.info.grammar}\0${file.isTestFile ? 1 : 0}\0${contentHash}`)
    .digest('hex');
}
