// `leakaudit lsp --stdio`: the language server for editors. The server lives
// in src/lsp/ and is loaded only when the command runs.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from './errors.js';

interface LspCliOptions {
  stdio?: boolean;
  jobs?: string;
  /** false with --no-cache. */
  cache?: boolean;
  cacheDir?: string;
}

export function registerLsp(program: Command): void {
  program
    .command('lsp')
    .description('language server for editors: findings as diagnostics on open and save, hover, suppression quick fix')
    .option('--stdio', 'talk the Language Server Protocol over stdin and stdout (the only transport)')
    .option('-j, --jobs <n>', 'worker threads that parse and extract (default: the number of cores; 0: none)')
    .option('--no-cache', 'do not read or write the fact cache')
    .option('--cache-dir <dir>', 'fact cache directory (default: node_modules/.cache/leakaudit of the package nearest each workspace root)')
    .action(async (options: LspCliOptions) => {
      if (!options.stdio) throw new UsageError('lsp: pass --stdio (the only transport; editors add it to the command they start)');
      if (options.jobs !== undefined && !/^\d+$/.test(options.jobs.trim())) throw new UsageError(`invalid --jobs "${options.jobs}" (a number of worker threads; 0 extracts on the main thread)`);
      const { startServer } = await import('../lsp/server.js');
      // The server runs until the client sends `exit`; the library then ends the process.
      await startServer({
        ...(options.jobs !== undefined ? { jobs: Number(options.jobs) } : {}),
        ...(options.cache === false ? { cacheDir: false } : options.cacheDir ? { cacheDir: resolve(options.cacheDir) } : {}),
      });
    });
}
