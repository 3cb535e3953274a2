// Where a rendered report goes: the --output file (one line on stderr unless --quiet), else stdout.
import { writeFile } from 'node:fs/promises';
import { UsageError } from './errors.js';

export async function writeReport(text: string, options: { output?: string; quiet?: boolean }): Promise<void> {
  if (options.output) {
    try {
      await writeFile(options.output, text);
    } catch (err) {
      throw new UsageError(`cannot write ${options.output}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (!options.quiet) process.stderr.write(`leakaudit: report written to ${options.output}\n`);
  } else {
    await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  }
}
