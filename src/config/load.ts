// Finding and reading the config: leakaudit.config.json, or the `leakaudit`
// key of a package.json, in the audited directory or the nearest one above it
// (the search stops at the root of the git work tree). Every problem is one
// line: `file:line:col: path: what is wrong`.
import { readFileSync } from 'node:fs';
import { findConfigFile } from './find.js';
import { basename, dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { loadBuiltinModels } from '../models/index.js';
import { RULES } from '../rules/index.js';
import { JsonSyntaxError, parsePositioned, type JsonPath, type PositionedJson } from './json-positions.js';
import { LeakauditConfig } from './schema.js';

export { CONFIG_FILE } from './find.js';

/** A config that cannot be used: the CLI prints the message as one line and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadedConfig {
  /** The file it came from (leakaudit.config.json or package.json). */
  path: string;
  /** Its directory: globs are relative to it. */
  dir: string;
  config: LeakauditConfig;
}

/** The nearest config at or above `startDir`, or undefined when there is none. */
export function discoverConfig(startDir: string): LoadedConfig | undefined {
  const found = findConfigFile(startDir);
  return found ? loadConfigFile(found) : undefined;
}

/** A config named explicitly (`--config FILE`): leakaudit.config.json-style, or a package.json with a `leakaudit` key. */
export function loadConfigFile(path: string): LoadedConfig {
  const abs = resolve(path);
  if (basename(abs) === 'package.json') {
    const loaded = loadFromPackageJson(abs);
    if (!loaded) throw new ConfigError(`${path}: no "leakaudit" key in this package.json`);
    return loaded;
  }
  const text = readText(abs, path);
  return { path: abs, dir: dirname(abs), config: validate(parse(text, path), [], path) };
}

function loadFromPackageJson(path: string): LoadedConfig | undefined {
  const text = readText(path, path);
  // Only a package.json that mentions the key is ours to judge; a broken
  // unrelated one is npm's business, not a reason to stop an audit.
  if (!/"leakaudit"\s*:/.test(text)) return undefined;
  const json = parse(text, path);
  const value = json.value as Record<string, unknown> | null;
  if (typeof value !== 'object' || value === null || !('leakaudit' in value)) return undefined;
  return { path, dir: dirname(path), config: validate(json, ['leakaudit'], path) };
}

function readText(abs: string, label: string): string {
  try {
    return readFileSync(abs, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${label}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function parse(text: string, label: string): PositionedJson {
  try {
    return parsePositioned(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new ConfigError(`${label}:${err.position.line}:${err.position.column}: ${err.message}`);
    throw err;
  }
}

interface Problem {
  path: JsonPath;
  key?: string;
  message: string;
}

function validate(json: PositionedJson, prefix: JsonPath, label: string): LeakauditConfig {
  const value = prefix.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], json.value);
  const parsed = LeakauditConfig.safeParse(value);
  const problems: Problem[] = parsed.success ? modelProblems(parsed.data) : parsed.error.issues.flatMap(problemsOf);
  if (problems.length === 0 && parsed.success) return parsed.data;
  const located = problems
    .map((p) => ({ ...p, at: json.positionOf([...prefix, ...p.path], p.key) }))
    .sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
  const first = located[0]!;
  // An unknown key is named in the message; the path says which object holds it.
  const where = displayPath(first.path);
  const more = located.length > 1 ? ` (and ${located.length - 1} more problem${located.length === 2 ? '' : 's'})` : '';
  throw new ConfigError(`${label}:${first.at.line}:${first.at.column}: ${where ? `${where}: ` : ''}${first.message}${more}`);
}

function problemsOf(issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const inRules = path.length === 1 && path[0] === 'rules';
    return issue.keys.map((key) => ({
      path,
      key,
      message: inRules ? `unknown rule id "${key}"; known rules: ${RULES.map((r) => r.meta.id).join(', ')}` : `unknown property "${key}"${suggest(path, key)}`,
    }));
  }
  return [{ path, message: issue.message }];
}

/** User models must not reuse an id, their own or a built-in one. */
function modelProblems(config: LeakauditConfig): Problem[] {
  const builtin = new Set(loadBuiltinModels().map((m) => m.id));
  const seen = new Set<string>();
  const problems: Problem[] = [];
  (config.models ?? []).forEach((m, i) => {
    if (builtin.has(m.id)) problems.push({ path: ['models', i, 'id'], message: `model id "${m.id}" is already a built-in model; choose another id` });
    else if (seen.has(m.id)) problems.push({ path: ['models', i, 'id'], message: `model id "${m.id}" is used twice` });
    seen.add(m.id);
  });
  return problems;
}

function suggest(path: JsonPath, key: string): string {
  if (path.length > 0) return '';
  const known = ['$schema', 'include', 'exclude', 'rules', 'failOn', 'models'];
  const close = known.find((k) => k.toLowerCase() === key.toLowerCase() || (key.length > 3 && k.toLowerCase().startsWith(key.toLowerCase().slice(0, 4))));
  return close ? `; did you mean "${close}"?` : `; allowed: ${known.join(', ')}`;
}

function displayPath(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
