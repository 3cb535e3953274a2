// Baselines: accept today's findings so CI fails only on new ones. Entries are
// matched by fingerprint (rule, path, symbol, API, normalised code, occurrence;
// no line numbers), so code inserted above a known finding does not revive it.
// Line and message are kept for people reading the file, never for matching.
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Finding } from '../analysis/finding.js';
import { TOOL_NAME, VERSION } from '../version.js';

export const BASELINE_VERSION = 1;

/** A baseline that cannot be read or is not ours: the CLI prints it as one line (exit 2). */
export class BaselineError extends Error {
  override readonly name = 'BaselineError';
}

const BaselineEntry = z
  .object({
    fingerprint: z.string().regex(/^[0-9a-f]{16,64}$/, 'a hex fingerprint'),
    ruleId: z.string().min(1),
    path: z.string(),
    line: z.number().int().min(0),
    symbol: z.string(),
    message: z.string(),
  })
  .strict();
export type BaselineEntry = z.infer<typeof BaselineEntry>;

const BaselineFile = z
  .object({
    tool: z.literal(TOOL_NAME),
    kind: z.literal('baseline'),
    version: z.number().int(),
    createdBy: z.string().optional(),
    findings: z.array(BaselineEntry),
  })
  .strict();
export type Baseline = z.infer<typeof BaselineFile>;

export interface BaselineMatch {
  /** Findings the baseline covers (now marked suppressed). */
  matched: number;
  /** Entries no finding matched any more: fixed, or changed beyond recognition. */
  stale: BaselineEntry[];
}

/** The active (not inline-suppressed) findings as a baseline, in a stable order. */
export function createBaseline(findings: readonly Finding[]): Baseline {
  const entries = findings
    .filter((f) => !f.suppressed)
    .map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.location.path, line: f.location.startLine, symbol: f.symbol, message: f.message }))
    .sort((a, b) => cmp(a.path, b.path) || a.line - b.line || cmp(a.ruleId, b.ruleId) || cmp(a.fingerprint, b.fingerprint));
  return { tool: TOOL_NAME, kind: 'baseline', version: BASELINE_VERSION, createdBy: `${TOOL_NAME} ${VERSION}`, findings: entries };
}

export function serializeBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

export async function writeBaseline(path: string, baseline: Baseline): Promise<void> {
  try {
    await writeFile(path, serializeBaseline(baseline));
  } catch (err) {
    throw new BaselineError(`cannot write baseline ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export async function readBaseline(path: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BaselineError(`cannot read baseline ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseBaseline(text, path);
}

export function parseBaseline(text: string, label: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    const hint = /^\s*</.test(text) ? ' (it looks like XML, e.g. a detekt baseline)' : '';
    throw new BaselineError(`${label} is not a leakaudit baseline: not JSON${hint}; write one with --write-baseline`);
  }
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  if (!record || record.tool !== TOOL_NAME || record.kind !== 'baseline') {
    throw new BaselineError(`${label} is not a leakaudit baseline${guessOrigin(data)}; write one with --write-baseline`);
  }
  if (typeof record.version === 'number' && record.version > BASELINE_VERSION) {
    throw new BaselineError(`${label} is a version ${record.version} baseline; this leakaudit reads version ${BASELINE_VERSION}`);
  }
  const parsed = BaselineFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new BaselineError(`${label}: malformed baseline at ${where || 'top level'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Marks the findings the baseline covers as suppressed (`by: 'baseline'`).
 * Each entry covers one finding: two identical leaks baselined, a third added,
 * the third is new.
 */
export function applyBaseline(findings: Finding[], baseline: Baseline, label: string): BaselineMatch {
  const remaining = new Map<string, BaselineEntry[]>();
  for (const e of baseline.findings) remaining.set(e.fingerprint, [...(remaining.get(e.fingerprint) ?? []), e]);
  let matched = 0;
  for (const f of findings) {
    if (f.suppressed) continue;
    const entries = remaining.get(f.fingerprint);
    if (!entries || entries.length === 0) continue;
    entries.pop();
    matched++;
    f.suppressed = { by: 'baseline', reason: `known finding in baseline ${label}` };
  }
  return { matched, stale: [...remaining.values()].flat() };
}

function guessOrigin(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const o = data as Record<string, unknown>;
  if (Array.isArray(o.runs) && typeof o.version === 'string') return ' (it looks like a SARIF log)';
  if (typeof o.tool === 'string' && o.tool !== TOOL_NAME) return ` (it was written by ${JSON.stringify(o.tool).slice(0, 40)})`;
  const values = Object.values(o);
  if (values.length > 0 && values.every((v) => typeof v === 'object' && v !== null && Object.values(v).every((r) => typeof r === 'object' && r !== null && 'count' in r))) {
    return ' (it looks like an ESLint suppressions file)';
  }
  return '';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
