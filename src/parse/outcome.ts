// What extracting one file gives: its facts, or the reason it was skipped.
// Apart from the extraction code so the pipeline can name outcomes without
// loading a frontend (a warm run never needs one).
import type { FileFacts } from '../facts/types.js';

export type FileOutcome =
  | { ok: true; facts: FileFacts; note?: string }
  /**
   * `refused`: the bytes themselves rule the file out (binary, generated code): the same content
   * always gives the same reason, under the same options (they are part of the cache key).
   */
  | { ok: false; relPath: string; reason: string; refused?: true };

/** The skip outcome of a file that overran its wall-clock budget. */
export function timedOut(file: { relPath: string }, ms: number): FileOutcome {
  return { ok: false, relPath: file.relPath, reason: `parsing and fact extraction took longer than ${ms} ms (skipped)` };
}
