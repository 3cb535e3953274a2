// Source lines of audited files, read back (once per file) for reports that
// show code context or need exact columns. Paths outside the root are refused.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { decodeSource } from '../parse/decode.js';

export interface SourceReader {
  /** The file's lines (1-based line n is index n - 1), or undefined if unreadable. */
  lines(relPath: string): readonly string[] | undefined;
}

export function createSourceReader(auditRoot: string): SourceReader {
  const root = baseDirOf(auditRoot);
  const cache = new Map<string, readonly string[] | undefined>();
  return {
    lines(relPath) {
      if (cache.has(relPath)) return cache.get(relPath);
      const lines = readLines(root, relPath);
      cache.set(relPath, lines);
      return lines;
    },
  };
}

function readLines(root: string, relPath: string): readonly string[] | undefined {
  const abs = resolve(root, relPath);
  const rel = relative(root, abs);
  if (rel.startsWith('..') || rel.startsWith(sep)) return undefined;
  try {
    const decoded = decodeSource(readFileSync(abs));
    return decoded.ok ? decoded.text.split(/\r\n|\r|\n/) : undefined;
  } catch {
    return undefined;
  }
}

/** The directory report paths are relative to: the root itself, or its folder when a single file was audited. */
export function baseDirOf(auditRoot: string): string {
  try {
    return statSync(auditRoot).isFile() ? dirname(auditRoot) : auditRoot;
  } catch {
    return auditRoot;
  }
}
