// Sizes on the command line: 2MiB, 500KB, 1048576. Shared by audit and watch
// (kept apart so `watch` does not load the audit pipeline).
import { UsageError } from './errors.js';

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1000, kib: 1024, k: 1024, mb: 1e6, mib: 1024 ** 2, m: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`invalid size "${text}" (use e.g. 2MiB, 500KB, 1048576)`);
  return Math.round(Number(m[1]) * unit);
}
