// Benchmark (not a test): leakaudit against ast-grep and ripgrep on the same
// trees, in one run, rounds interleaved so that a noisy machine hurts every
// tool alike. Per round: leakaudit cold (--no-cache), warm (cache filled,
// nothing changed), after one file changed, the parse-only floor (read and
// parse the same files in as many workers, nothing else: parse-floor.mjs),
// `ast-grep run -p PATTERN`, and `rg -c -F TEXT`. Prints medians, files/s, MB/s, CPU time, peak RSS and the
// ratios to ast-grep. After the one-file run the file is restored (content and
// modification time) and an untimed run lets the cache see it again.
//
//   npm run build
//   npx tsx bench/bench.ts [--runs 5] [--lang rust|ts|py|go] [--jobs N] [--pattern P] [--text T] [--leakaudit BIN] DIR...
//
// The trees are exports of public repositories (see README, Performance); they
// are never committed. One file of the first DIR is edited for the
// "one file changed" runs and restored afterwards, whatever happens.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const AST_GREP = join(REPO, 'node_modules', '.bin', 'ast-grep');

type Lang = 'rust' | 'ts' | 'py' | 'go';

interface Options {
  /** The launcher to time (default: this checkout's bin/leakaudit.js). */
  leakaudit: string;
  runs: number;
  lang: Lang;
  jobs?: number;
  pattern: string;
  text: string;
  dirs: string[];
}

const DEFAULTS: Record<Lang, { pattern: string; text: string; extensions: RegExp; rgTypes: string[]; astGrepLang?: string }> = {
  rust: { pattern: 'tokio::spawn($$$A)', text: 'tokio::spawn', extensions: /\.rs$/, rgTypes: ['-t', 'rust'], astGrepLang: 'rust' },
  // No --lang for TypeScript trees: ast-grep then reads .ts, .tsx and .js files, as leakaudit does.
  ts: { pattern: 'setInterval($$$A)', text: 'setInterval(', extensions: /\.([cm]?[jt]sx?)$/, rgTypes: ['-t', 'ts', '-t', 'js'] },
  py: { pattern: 'asyncio.create_task($$$A)', text: 'create_task(', extensions: /\.pyi?$/, rgTypes: ['-t', 'py'], astGrepLang: 'python' },
  go: { pattern: 'time.NewTicker($$$A)', text: 'time.NewTicker', extensions: /\.go$/, rgTypes: ['-t', 'go'], astGrepLang: 'go' },
};

function parseArgs(argv: string[]): Options {
  const dirs: string[] = [];
  let runs = 5;
  let lang: Lang | undefined;
  let jobs: number | undefined;
  let pattern: string | undefined;
  let text: string | undefined;
  let leakaudit = join(REPO, 'bin', 'leakaudit.js');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') runs = Number(value());
    else if (a === '--lang') lang = value() as Lang;
    else if (a === '--jobs') jobs = Number(value());
    else if (a === '--pattern') pattern = value();
    else if (a === '--text') text = value();
    else if (a === '--leakaudit') leakaudit = resolve(value());
    else if (a.startsWith('-')) fail(`unknown option ${a}`);
    else dirs.push(resolve(a));
  }
  if (dirs.length === 0) fail('usage: npx tsx bench/bench.ts [--runs 5] [--lang rust|ts|py|go] [--jobs N] [--pattern P] [--text T] [--leakaudit BIN] DIR...');
  for (const d of dirs) if (!existsSync(d)) fail(`no such directory: ${d}`);
  if (!Number.isInteger(runs) || runs < 1) fail('--runs must be a positive integer');
  lang ??= guessLang(dirs);
  if (lang !== 'rust' && lang !== 'ts' && lang !== 'py' && lang !== 'go') fail('--lang must be rust, ts, py or go');
  return { leakaudit, runs, lang, ...(jobs !== undefined ? { jobs } : {}), pattern: pattern ?? DEFAULTS[lang].pattern, text: text ?? DEFAULTS[lang].text, dirs };
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

/** Source files under the trees, skipping what every tool skips (VCS, dependencies, build output). */
function sourceFiles(dirs: string[], extensions: RegExp): string[] {
  const out: string[] = [];
  const skip = /(^|\/)(\.git|node_modules|target)(\/|$)/;
  for (const dir of dirs) {
    for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (skip.test(rel) || !extensions.test(rel)) continue;
      const abs = join(dir, rel);
      try {
        if (statSync(abs).isFile()) out.push(abs);
      } catch {
        /* vanished or unreadable: not ours to time */
      }
    }
  }
  return out;
}

function guessLang(dirs: string[]): Lang {
  return sourceFiles(dirs, /\.rs$/).length >= sourceFiles(dirs, DEFAULTS.ts.extensions).length ? 'rust' : 'ts';
}

interface Sample {
  wallMs: number;
  cpuMs?: number;
  rssKb?: number;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command with stdout discarded; wall time by the clock here, CPU and peak RSS by /usr/bin/time -v or /proc. */
async function measure(cmd: string, args: string[], cwd: string, okCodes: number[] = [0]): Promise<Sample> {
  const argv = TIME ? [TIME, '-v', cmd, ...args] : [cmd, ...args];
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peakKb = 0;
  // Without /usr/bin/time, sample the high-water mark the kernel keeps for the process.
  const poll = TIME
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) peakKb = Math.max(peakKb, Number(m[1]));
        } catch {
          /* exited */
        }
      }, 5);
  const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  const wallMs = performance.now() - started;
  if (poll) clearInterval(poll);
  // /usr/bin/time reports the command's exit status in its own.
  if (!okCodes.includes(code)) fail(`${cmd} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`);
  if (!TIME) return { wallMs, ...(peakKb ? { rssKb: peakKb } : {}) };
  const num = (label: string): number => Number(new RegExp(`${label}:\\s*([\\d.]+)`).exec(stderr)?.[1] ?? NaN);
  return { wallMs, cpuMs: (num('User time \\(seconds\\)') + num('System time \\(seconds\\)')) * 1000, rssKb: num('Maximum resident set size \\(kbytes\\)') };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The JSON report without what differs between identical runs. */
function reportBody(path: string): string {
  const report = JSON.parse(readFileSync(path, 'utf8')) as { stats: { durationMs?: number } };
  delete report.stats.durationMs;
  return JSON.stringify(report);
}

function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0]!.trim() : 'not available';
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const lang = DEFAULTS[opts.lang];
  if (!existsSync(join(dirname(opts.leakaudit), '..', 'dist', 'cli', 'main.js'))) fail('build first: npm run build');
  if (!existsSync(AST_GREP)) fail('ast-grep missing: npm ci (it is a devDependency, @ast-grep/cli)');
  const rg = spawnSync('rg', ['--version']).status === 0 ? 'rg' : undefined;

  const files = sourceFiles([opts.dirs[0]!], lang.extensions).sort((a, b) => statSync(a).size - statSync(b).size);
  if (files.length === 0) fail(`no ${opts.lang} files under ${opts.dirs[0]}`);
  // A file of median size: the "one file changed" case is an ordinary edit.
  const edited = files[files.length >> 1]!;
  const original = readFileSync(edited);
  const originalStat = statSync(edited);
  // Content and modification time as they were: the file is then unchanged again for the cache.
  const restore = (): void => {
    writeFileSync(edited, original);
    utimesSync(edited, originalStat.atime, originalStat.mtime);
  };
  process.on('exit', restore);
  process.on('SIGINT', () => process.exit(130));

  const work = mkdtempSync(join(tmpdir(), 'leakaudit-bench-'));
  const cacheDir = join(work, 'cache');
  const root = commonParent(opts.dirs);
  const jobs = opts.jobs !== undefined ? ['--jobs', String(opts.jobs)] : [];
  // The floor parses in as many threads as leakaudit extracts in.
  const workerCount = Math.max(1, opts.jobs ?? availableParallelism());
  const leak = (name: string, extra: string[]): [string, string[]] => [
    process.execPath,
    [opts.leakaudit, ...opts.dirs, '--root', root, '-q', '--fail-on', 'none', '-f', 'json', '-o', join(work, `${name}.json`), ...jobs, ...extra],
  ];
  const tools: { name: string; run: () => Promise<Sample> }[] = [
    { name: 'leakaudit cold (--no-cache)', run: () => measure(...leak('cold', ['--no-cache']), root) },
    { name: 'leakaudit warm (cache filled)', run: () => measure(...leak('warm', ['--cache-dir', cacheDir]), root) },
    {
      name: 'leakaudit, one file changed',
      run: async () => {
        writeFileSync(edited, Buffer.concat([original, Buffer.from(`\n// leakaudit bench edit ${Date.now()}\n`)]));
        try {
          return await measure(...leak('changed', ['--cache-dir', cacheDir]), root);
        } finally {
          restore();
          // Not timed: the cache learns the restored file again, so the next warm run really has nothing changed.
          await measure(...leak('reprime', ['--cache-dir', cacheDir]), root);
        }
      },
    },
    {
      name: `parse only, ${workerCount} workers (floor)`,
      run: () => measure(process.execPath, [join(REPO, 'bench', 'parse-floor.mjs'), '--jobs', String(workerCount), ...opts.dirs], root),
    },
    { name: `ast-grep run -p '${opts.pattern}'`, run: () => measure(AST_GREP, ['run', '-p', opts.pattern, ...(lang.astGrepLang ? ['-l', lang.astGrepLang] : []), ...opts.dirs], root, [0, 1]) },
    ...(rg ? [{ name: `rg -c -F '${opts.text}'`, run: () => measure(rg, ['-c', '-F', opts.text, ...lang.rgTypes, ...opts.dirs], root, [0, 1]) }] : []),
  ];

  const loadBefore = loadavg();
  process.stderr.write(`bench: priming the cache and the page cache...\n`);
  await measure(...leak('prime', ['--cache-dir', cacheDir]), root);
  for (const t of tools.slice(3)) await t.run();

  const samples = new Map<string, Sample[]>(tools.map((t) => [t.name, []]));
  let identical = true;
  for (let round = 0; round < opts.runs; round++) {
    // Rotate the order each round so no tool always runs right after the heaviest one.
    for (let k = 0; k < tools.length; k++) {
      const tool = tools[(k + round) % tools.length]!;
      process.stderr.write(`bench: round ${round + 1}/${opts.runs}: ${tool.name}\n`);
      samples.get(tool.name)!.push(await tool.run());
    }
    identical &&= reportBody(join(work, 'cold.json')) === reportBody(join(work, 'warm.json'));
  }
  const loadAfter = loadavg();

  const report = JSON.parse(readFileSync(join(work, 'cold.json'), 'utf8')) as { stats: { files: number; bytes: number; skipped: number } };
  const { files: fileCount, bytes } = report.stats;
  const astGrepMedian = median(samples.get(tools.find((t) => t.name.startsWith('ast-grep'))!.name)!.map((s) => s.wallMs));
  const rows = tools.map((t) => {
    const ss = samples.get(t.name)!;
    const wall = median(ss.map((s) => s.wallMs));
    const cpu = ss.every((s) => s.cpuMs !== undefined) ? median(ss.map((s) => s.cpuMs!)) : undefined;
    const rss = ss.every((s) => s.rssKb !== undefined) ? median(ss.map((s) => s.rssKb!)) : undefined;
    const rssMax = ss.every((s) => s.rssKb !== undefined) ? Math.max(...ss.map((s) => s.rssKb!)) : undefined;
    return [
      t.name,
      (wall / 1000).toFixed(2),
      `${(Math.min(...ss.map((s) => s.wallMs)) / 1000).toFixed(2)}–${(Math.max(...ss.map((s) => s.wallMs)) / 1000).toFixed(2)}`,
      cpu !== undefined ? (cpu / 1000).toFixed(2) : '–',
      rss !== undefined ? `${Math.round(rss / 1024)} (max ${Math.round(rssMax! / 1024)})` : '–',
      Math.round(fileCount / (wall / 1000)).toString(),
      (bytes / 1e6 / (wall / 1000)).toFixed(1),
      `${(wall / astGrepMedian).toFixed(2)}×`,
    ];
  });

  const out: string[] = [];
  out.push(`trees: ${opts.dirs.join(' ')}`);
  out.push(`${opts.lang}: ${fileCount} files, ${(bytes / 1e6).toFixed(2)} MB audited by leakaudit (${report.stats.skipped} skipped); one file changed: ${edited.slice(root.length + 1)}`);
  out.push(`machine: ${availableParallelism()} cores, load average ${loadBefore[0]!.toFixed(2)} before, ${loadAfter[0]!.toFixed(2)} after; node ${process.version}; ${version(AST_GREP, ['--version'])}; ${rg ? version('rg', ['--version']) : 'ripgrep not installed (apt-get install ripgrep)'}`);
  out.push(`${opts.runs} rounds, tools interleaved; medians; MB = 10^6 bytes; files/s and MB/s over leakaudit's file set; CPU = user + system, all threads`);
  out.push(`cold and warm JSON reports identical (durationMs aside): ${identical ? 'yes' : 'NO'}`);
  out.push('');
  out.push(table(['run', 'median s', 'min–max s', 'CPU s', 'peak RSS MB', 'files/s', 'MB/s', 'vs ast-grep'], rows));
  process.stdout.write(`${out.join('\n')}\n`);
  rmSync(work, { recursive: true, force: true });
}

function commonParent(dirs: string[]): string {
  let parent = dirs.length === 1 ? dirs[0]! : dirname(dirs[0]!);
  while (!dirs.every((d) => d === parent || d.startsWith(`${parent}/`))) parent = dirname(parent);
  return parent;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`, ...rows.map(line)].join('\n');
}

await main();
