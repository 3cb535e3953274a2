// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one rule entry
// per rule (help from docs.md), results with repository-relative locations,
// line-independent partialFingerprints, the evidence chain in the message and
// related locations, suppressions for inline-suppressed and baselined findings.
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Priority } from '../analysis/finding.js';
import type { AuditResult } from '../engine/types.js';
import { ruleDocs } from '../rules/docs.js';
import { ruleHelp } from '../rules/help.js';
import { RULES } from '../rules/index.js';
import type { Rule } from '../rules/types.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { forTerminal } from './sanitize.js';
import { baseDirOf, createSourceReader, type SourceReader } from './source-file.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** GitHub shows the top 5,000 results of a run (and rejects more than 25,000). */
export const DEFAULT_MAX_RESULTS = 5000;
const SRCROOT = '%SRCROOT%';
const MAX_NOTIFICATIONS = 200;

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Priority, Level> = { P0: 'error', P1: 'warning', P2: 'note' };
const PROBLEM_SEVERITY: Record<Priority, string> = { P0: 'error', P1: 'warning', P2: 'recommendation' };

export interface SarifOptions {
  /** Directory URIs are relative to; default: the git work tree that holds the audit root, else the root. */
  repositoryRoot?: string;
  maxResults?: number;
}

export function toSarif(result: AuditResult, opts: SarifOptions = {}): object {
  const base = baseDirOf(result.root);
  const repoRoot = opts.repositoryRoot ?? findRepositoryRoot(base) ?? base;
  const prefix = relative(repoRoot, base).split(sep).filter(Boolean);
  const source = createSourceReader(result.root);
  const uriOf = (path: string): string => [...prefix, ...path.split('/')].map(encodeURIComponent).join('/');
  const ruleIndex = new Map(RULES.map((r, i) => [r.meta.id, i]));
  const max = opts.maxResults ?? DEFAULT_MAX_RESULTS;
  const included = result.findings.slice(0, max);

  const notifications: object[] = [];
  const notify = (level: Level, text: string, path?: string, line?: number): void => {
    if (notifications.length >= MAX_NOTIFICATIONS) return;
    notifications.push({
      level,
      message: { text: sentence(clean(text)) },
      ...(path ? { locations: [{ physicalLocation: physical(uriOf(path), line ? { startLine: line } : undefined) }] } : {}),
    });
  };
  if (result.findings.length > max) notify('warning', `${result.findings.length - max} findings beyond the first ${max} are left out of this SARIF file (GitHub shows at most 5,000 per run); see the JSON report for all`);
  for (const p of result.suppressionProblems) notify('warning', p.problem, p.path, p.line);
  for (const s of result.skipped) notify('note', `skipped: ${s.reason}`, s.relPath);
  for (const p of result.partial) notify('note', `parsed with ${p.errors} syntax error${p.errors === 1 ? '' : 's'}; facts may be partial`, p.path);

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: VERSION,
            semanticVersion: VERSION,
            rules: RULES.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(repoRoot) } },
        invocations: [{ executionSuccessful: true, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
        columnKind: 'utf16CodeUnits',
        results: included.map((f) => sarifResult(f, ruleIndex.get(f.ruleId), source, uriOf)),
      },
    ],
  };
}

export function renderSarif(result: AuditResult, opts: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(result, opts), null, 2)}\n`;
}

function ruleDescriptor(rule: Rule): object {
  const docs = ruleDocs(rule.meta.id);
  const help = ruleHelp(rule);
  const tags = [...new Set(['reliability', 'resource-leak', ...rule.meta.tags, ...rule.meta.kinds])].slice(0, 20);
  return {
    id: rule.meta.id,
    name: pascalCase(rule.meta.id),
    shortDescription: { text: rule.meta.summary },
    fullDescription: { text: firstParagraph(docs.why) || rule.meta.summary },
    help: { text: help.text, markdown: help.markdown },
    defaultConfiguration: { level: LEVEL[rule.meta.defaultPriority] },
    properties: {
      tags,
      precision: rule.meta.precision,
      'problem.severity': PROBLEM_SEVERITY[rule.meta.defaultPriority],
      priority: rule.meta.defaultPriority,
    },
  };
}

function sarifResult(f: Finding, index: number | undefined, source: SourceReader, uriOf: (path: string) => string): object {
  const related = f.related.map((r, i) => ({
    id: i + 1,
    message: { text: escapeBrackets(clean(r.message)) },
    physicalLocation: physical(uriOf(r.path), lineRegion(source, r.path, r.line)),
  }));
  const region = { ...lineRegion(source, f.location.path, f.location.startLine, f.location.startCol), snippet: { text: clean(f.snippet) } };
  const text = [
    sentence(escapeBrackets(clean(f.message))),
    ...f.evidence.map((e) => `- ${escapeBrackets(clean(e))}`),
    ...(related.length > 0 ? [`See ${f.related.map((r, i) => `[${escapeBrackets(clean(r.message))}](${i + 1})`).join('; ')}.`] : []),
    `Growth: ${escapeBrackets(clean(f.growth))}`,
    `Impact: ${escapeBrackets(clean(f.impact))}`,
    `Fix: ${escapeBrackets(clean(f.remediation))}`,
  ].join('\n');
  return {
    ruleId: f.ruleId,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    // A resource that lives exactly as long as the process is information, not a defect to act on.
    level: f.lifetime === 'process' ? 'note' : LEVEL[f.priority],
    kind: 'fail',
    message: { text },
    locations: [
      {
        physicalLocation: { ...physical(uriOf(f.location.path), region), ...contextRegion(source, f.location.path, f.location.startLine) },
        logicalLocations: [{ fullyQualifiedName: clean(f.symbol), kind: 'function' }],
      },
    ],
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    // GitHub keys alerts on primaryLocationLineHash; ours leaves line numbers
    // out, so an alert survives code inserted above it.
    partialFingerprints: { primaryLocationLineHash: f.fingerprint, 'leakaudit/v1': f.fingerprint },
    ...(f.suppressed
      ? { suppressions: [{ kind: f.suppressed.by === 'inline' ? 'inSource' : 'external', status: 'accepted', justification: clean(f.suppressed.reason) }] }
      : {}),
    properties: {
      priority: f.priority,
      severity: f.severity,
      confidence: f.confidence,
      resourceKind: f.kind,
      api: clean(f.api),
      evidence: f.evidence.map(clean),
      growth: clean(f.growth),
      impact: clean(f.impact),
      remediation: clean(f.remediation),
    },
  };
}

interface Region {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

function physical(uri: string, region: Region | undefined): object {
  return { artifactLocation: { uri, uriBaseId: SRCROOT }, ...(region ? { region } : {}) };
}

/** The primary line only: a PR check shows an alert when all its lines are in the diff. */
function lineRegion(source: SourceReader, path: string, line: number, startCol?: number): Region {
  const text = source.lines(path)?.[line - 1];
  if (text === undefined) return { startLine: line, ...(startCol ? { startColumn: startCol } : {}) };
  const firstCode = text.length - text.trimStart().length + 1;
  const startColumn = Math.min(Math.max(startCol ?? firstCode, 1), text.length + 1);
  const endColumn = Math.max(text.trimEnd().length + 1, startColumn + 1);
  return { startLine: line, startColumn, endLine: line, endColumn };
}

function contextRegion(source: SourceReader, path: string, line: number): object {
  const lines = source.lines(path);
  if (!lines || line > lines.length) return {};
  const start = Math.max(1, line - 2);
  const end = Math.min(lines.length, line + 2);
  return { contextRegion: { startLine: start, endLine: end, snippet: { text: clean(lines.slice(start - 1, end).join('\n')) } } };
}

/** The nearest directory at or above `dir` holding `.git` (a work tree or a worktree file). */
export function findRepositoryRoot(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** Text from audited code: control and bidi characters made visible. */
function clean(text: string): string {
  return forTerminal(text);
}

/** SARIF messages treat `[text](id)` as links: literal brackets are escaped. */
function escapeBrackets(text: string): string {
  return text.replace(/[[\]]/g, (c) => `\\${c}`);
}

function sentence(text: string): string {
  const t = text.trimEnd();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/)[0]!.trim();
}

function pascalCase(id: string): string {
  return id
    .split(/[^a-z0-9]+/i)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
