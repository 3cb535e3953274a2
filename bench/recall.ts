// Recall benchmark (not a test): does leakaudit find the leaks real projects
// later fixed? For every case of bench/corpus/leak-fixes.json it exports the
// parent commit (the leaky code) and the fix commit from a directory of bare
// mirrors, audits the case's unit, and scores:
//   found        a finding within 3 lines of the acquisition at the parent (any priority;
//                "found P0/P1" counts those at P0 or P1 apart)
//   fixed-quiet  after the fix, no P0/P1 within 3 lines of the acquisition's new line (or,
//                when the fix removed it, no P0/P1 in that file from a rule that flagged the
//                parent's site); cases whose fix left a residual leak are not counted
// and lists each miss with what leakaudit's notes say of that line ("unknown body",
// "one-shot", ...), or that it recognised no acquisition there.
//
//   npm run build
//   npx tsx bench/recall.ts [--mirrors DIR] [--work DIR] [--split dev|held|held-2|held-3|held-4|all]
//       [--leakaudit CHECKOUT] [--language L] [--case ID] [--json FILE] [--corpus FILE] [--show-held]
//
// --mirrors holds one bare mirror per repository as <owner>+<name>/repo (what the search
// tool's fetch leaves in /work/.mirror); --work receives the exports (kept between runs:
// a commit is exported once); --leakaudit is a built checkout whose dist/ is audited with
// (default: this one), so two builds can be compared on the same exports. Misses of
// held-back cases are counted in the tables but listed only with --show-held (and in --json).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NEAR = 3;
const HEADING: Record<Split, string> = { dev: 'Development half', held: 'Held-back half', 'held-2': 'Held-back sample 2', 'held-3': 'Held-back sample 3', 'held-4': 'Held-back sample 4' };

type Language = 'rust' | 'typescript' | 'javascript' | 'python' | 'go';
type Kind = 'task' | 'connection' | 'listener' | 'process-worker-server';
type Split = 'dev' | 'held' | 'held-2' | 'held-3' | 'held-4';

interface Case {
  repo: string;
  fix: string;
  parent: string;
  language: Language;
  kind: Kind;
  root: string;
  path: string;
  line: number;
  fixedLine: number | null;
  fixedPath?: string;
  residual: boolean;
  split: Split;
  sentence: string;
}

interface Finding {
  ruleId: string;
  priority: 'P0' | 'P1' | 'P2';
  location: { path: string; startLine: number };
  message: string;
  evidence: string[];
  suppressed?: unknown;
}
interface Note {
  ruleId: string;
  counter: string;
  path: string;
  line: number;
  detail: string;
}
interface Audit {
  findings: Finding[];
  notes: Note[];
  skipped: { relPath: string; reason: string }[];
}
type RunAudit = (opts: { paths: string[]; root: string; jobs?: number }) => Promise<Audit>;

interface Options {
  mirrors: string;
  work: string;
  split: Split | 'all';
  leakaudit: string;
  language?: Language;
  cases: string[];
  json?: string;
  corpus: string;
  showHeld?: boolean;
}

interface Scored {
  id: string;
  c: Case;
  found: Finding | undefined;
  foundHigh: boolean;
  quiet: boolean | undefined;
  why: string;
  error?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { mirrors: '/work/.mirror', work: join(tmpdir(), 'leakaudit-recall'), split: 'all', leakaudit: REPO, cases: [], corpus: join(REPO, 'bench', 'corpus', 'leak-fixes.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--mirrors') o.mirrors = resolve(value());
    else if (a === '--work') o.work = resolve(value());
    else if (a === '--split') o.split = value() as Options['split'];
    else if (a === '--leakaudit') o.leakaudit = resolve(value());
    else if (a === '--language') o.language = value() as Language;
    else if (a === '--case') o.cases.push(value());
    else if (a === '--json') o.json = resolve(value());
    else if (a === '--corpus') o.corpus = resolve(value());
    else if (a === '--show-held') o.showHeld = true;
    else fail(`unknown argument ${a}`);
  }
  if (!['dev', 'held', 'held-2', 'held-3', 'held-4', 'all'].includes(o.split)) fail('--split must be dev, held, held-2, held-3, held-4 or all');
  return o;
}

function fail(message: string): never {
  process.stderr.write(`recall: ${message}\n`);
  process.exit(2);
}

/** `owner/name@fix7`, with the path's line when a fix has several cases. */
function caseIds(cases: Case[]): string[] {
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(`${c.repo}@${c.fix.slice(0, 7)}`, (counts.get(`${c.repo}@${c.fix.slice(0, 7)}`) ?? 0) + 1);
  return cases.map((c) => {
    const base = `${c.repo}@${c.fix.slice(0, 7)}`;
    return counts.get(base)! > 1 ? `${base}:${c.path}:${c.line}` : base;
  });
}

function mirrorOf(o: Options, repo: string): string {
  // fetch leaves a bare mirror, or now and then a checkout whose git directory is repo/.git
  const dir = join(o.mirrors, repo.replace('/', '+'), 'repo');
  return existsSync(join(dir, '.git')) ? join(dir, '.git') : dir;
}

/**
 * The unit at a commit, exported once into the work directory with `git archive`. A snapshot
 * lacks its files of 4 MiB and more (and a few others), which makes `archive` stop: those are
 * left out by name (leakaudit skips a file that large anyway).
 */
function exportTree(o: Options, repo: string, commit: string, root: string): string {
  const dir = join(o.work, repo.replace('/', '+'), `${commit.slice(0, 12)}${root ? `-${createHash('sha1').update(root).digest('hex').slice(0, 8)}` : ''}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  const git = mirrorOf(o, repo);
  if (!existsSync(git)) throw new Error(`no mirror of ${repo} in ${o.mirrors}`);
  const partial = `${dir}.partial`;
  let pathspec = root ? [root] : [];
  for (const attempt of [1, 2]) {
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const archive = spawnSync('bash', ['-c', 'set -o pipefail; git --git-dir="$1" archive "$2" "${@:3}" | tar -x -C "$0"', partial, git, commit, ...pathspec], { encoding: 'utf8' });
    if (archive.status === 0) break;
    if (attempt === 2) throw new Error(`git archive ${commit}: ${archive.stderr.trim().split('\n')[0]}`);
    pathspec = [...(root ? [root] : ['.']), ...missingFiles(git, commit, root).map((f) => `:(exclude,literal)${f}`)];
  }
  writeFileSync(join(partial, '.complete'), '');
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

/** Files under root at a commit whose blob the snapshot does not hold (those of 4 MiB and more, and a few others). */
function missingFiles(git: string, commit: string, root: string): string[] {
  const listing = spawnSync('git', ['--git-dir', git, 'ls-tree', '-r', '-z', commit, '--', ...(root ? [root] : [])], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (listing.status !== 0) throw new Error(`git ls-tree ${commit}: ${listing.stderr.trim()}`);
  const pathOf = new Map<string, string[]>();
  for (const entry of listing.stdout.split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (m) pathOf.set(m[1]!, [...(pathOf.get(m[1]!) ?? []), m[2]!]);
  }
  const check = spawnSync('git', ['--git-dir', git, 'cat-file', '--batch-check'], { input: [...pathOf.keys()].join('\n'), encoding: 'utf8', maxBuffer: 1 << 28 });
  return check.stdout
    .split('\n')
    .filter((line) => line.endsWith(' missing'))
    .flatMap((line) => pathOf.get(line.split(' ')[0]!) ?? []);
}

async function loadRunAudit(checkout: string): Promise<RunAudit> {
  const entry = join(checkout, 'dist', 'pipeline', 'run-audit.js');
  if (!existsSync(entry)) fail(`${entry} not found: run npm run build in ${checkout}`);
  const mod = (await import(pathToFileURL(entry).href)) as { runAudit: RunAudit };
  return mod.runAudit;
}

/** One audit per exported unit, whatever number of cases point at it. */
function auditor(run: RunAudit): (dir: string) => Promise<Audit> {
  const done = new Map<string, Promise<Audit>>();
  return (dir) => {
    let p = done.get(dir);
    if (!p) {
      p = run({ paths: [dir], root: dir });
      done.set(dir, p);
    }
    return p;
  };
}

function relTo(root: string, path: string): string {
  if (!root) return path;
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function near(f: Finding, path: string, line: number): boolean {
  return !f.suppressed && f.location.path === path && Math.abs(f.location.startLine - line) <= NEAR;
}

const HIGH = new Set(['P0', 'P1']);

async function score(o: Options, c: Case, id: string, audit: (dir: string) => Promise<Audit>): Promise<Scored> {
  // `git archive COMMIT root` keeps the root's own path: the unit is audited at export/root,
  // and its report paths are relative to the unit.
  const path = relTo(c.root, c.path);
  const before = await audit(join(exportTree(o, c.repo, c.parent, c.root), c.root));
  const hits = before.findings.filter((f) => near(f, path, c.line)).sort((a, b) => a.priority.localeCompare(b.priority));
  const found = hits[0];
  let quiet: boolean | undefined;
  if (!c.residual) {
    const after = await audit(join(exportTree(o, c.repo, c.fix, c.root), c.root));
    const fixedPath = relTo(c.root, c.fixedPath ?? c.path);
    const flaggedBy = new Set(hits.map((f) => f.ruleId));
    const loud = after.findings.filter((f) =>
      HIGH.has(f.priority) &&
      (c.fixedLine !== null ? near(f, fixedPath, c.fixedLine) : !f.suppressed && f.location.path === fixedPath && flaggedBy.has(f.ruleId)),
    );
    quiet = loud.length === 0;
  }
  return { id, c, found, foundHigh: !!found && HIGH.has(found.priority), quiet, why: found ? '' : whyMissed(before, path, c.line) };
}

/** What leakaudit said of the line it did not flag: its notes, a skip, or nothing at all. */
function whyMissed(audit: Audit, path: string, line: number): string {
  const skip = audit.skipped.find((s) => s.relPath === path);
  if (skip) return `file skipped: ${skip.reason}`;
  const notes = audit.notes.filter((n) => n.path === path && Math.abs(n.line - line) <= NEAR);
  if (notes.length) return [...new Set(notes.map((n) => `${n.counter} (${n.ruleId}): ${n.detail}`))].join('; ');
  const elsewhere = audit.findings.filter((f) => f.location.path === path).length;
  return elsewhere ? `no fact at this line (${elsewhere} finding(s) elsewhere in the file)` : 'no acquisition recognised at this line';
}

function pct(n: number, d: number): string {
  return d === 0 ? '—' : `${n}/${d} (${Math.round((100 * n) / d)} %)`;
}

function table(rows: Scored[]): string {
  const groups = new Map<string, Scored[]>();
  for (const r of rows) {
    const key = `${r.c.language} | ${r.c.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const line = (label: string, rs: Scored[]): string => {
    const scoredQuiet = rs.filter((r) => r.quiet !== undefined);
    return `| ${label} | ${rs.length} | ${pct(rs.filter((r) => r.found).length, rs.length)} | ${pct(rs.filter((r) => r.foundHigh).length, rs.length)} | ${pct(scoredQuiet.filter((r) => r.quiet).length, scoredQuiet.length)} |`;
  };
  const out = ['| language | kind | cases | found | found at P0/P1 | fixed-quiet |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const key of [...groups.keys()].sort()) out.push(line(key, groups.get(key)!));
  out.push(line('**all** | ', rows));
  return out.join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const corpus = JSON.parse(readFileSync(o.corpus, 'utf8')) as { cases: Case[] };
  const ids = caseIds(corpus.cases);
  const chosen = corpus.cases
    .map((c, i) => ({ c, id: ids[i]! }))
    .filter(({ c, id }) => (o.split === 'all' || c.split === o.split) && (!o.language || c.language === o.language) && (o.cases.length === 0 || o.cases.includes(id)));
  if (chosen.length === 0) fail('no case matches');
  const audit = auditor(await loadRunAudit(o.leakaudit));
  const scored: Scored[] = [];
  for (const [i, { c, id }] of chosen.entries()) {
    process.stderr.write(`[${i + 1}/${chosen.length}] ${id}\n`);
    try {
      scored.push(await score(o, c, id, audit));
    } catch (e) {
      scored.push({ id, c, found: undefined, foundHigh: false, quiet: undefined, why: '', error: e instanceof Error ? e.message : String(e) });
    }
  }
  const ok = scored.filter((s) => !s.error);
  const splits = o.split === 'all' ? (['dev', 'held', 'held-2', 'held-3', 'held-4'] as const) : [o.split];
  for (const split of splits) {
    const rows = ok.filter((s) => s.c.split === split);
    if (rows.length) process.stdout.write(`\n### ${HEADING[split]}\n\n${table(rows)}\n`);
  }
  // A held-back case's miss is not printed unless asked: whoever fixes the
  // misses must not learn them, or the held-back numbers stop measuring
  // whether a mechanism carries over. The tables above count them.
  const shown = (s: Scored): boolean => o.showHeld || s.c.split === 'dev';
  const misses = ok.filter((s) => !s.found);
  if (misses.length) {
    process.stdout.write('\n### Misses\n\n');
    for (const s of misses.filter(shown)) process.stdout.write(`- [${s.c.split}] ${s.id} ${s.c.language}/${s.c.kind} ${s.c.path}:${s.c.line}: ${s.why}\n`);
    const withheld = misses.filter((s) => !shown(s)).length;
    if (withheld) process.stdout.write(`- ${withheld} held-back miss(es) not listed (--show-held lists them)\n`);
  }
  const loud = ok.filter((s) => s.quiet === false);
  if (loud.length) {
    process.stdout.write('\n### Still P0/P1 after the fix\n\n');
    for (const s of loud.filter(shown)) process.stdout.write(`- [${s.c.split}] ${s.id} ${s.c.fixedPath ?? s.c.path}:${s.c.fixedLine ?? '(removed)'}\n`);
    const withheld = loud.filter((s) => !shown(s)).length;
    if (withheld) process.stdout.write(`- ${withheld} held-back case(s) not listed (--show-held lists them)\n`);
  }
  const errors = scored.filter((s) => s.error);
  if (errors.length) {
    process.stdout.write('\n### Not scored\n\n');
    for (const s of errors) process.stdout.write(`- ${s.id}: ${s.error}\n`);
  }
  if (o.json) {
    writeFileSync(o.json, `${JSON.stringify(scored.map((s) => ({ id: s.id, split: s.c.split, language: s.c.language, kind: s.c.kind, path: s.c.path, line: s.c.line, found: s.found ? { ruleId: s.found.ruleId, priority: s.found.priority, line: s.found.location.startLine } : null, quiet: s.quiet ?? null, why: s.why, error: s.error ?? null })), null, 2)}\n`);
  }
}

await main();
