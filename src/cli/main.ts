// Entry point: parse arguments, dispatch to a command, map outcomes to exit
// codes. Never prints a stack trace unless LEAKAUDIT_DEBUG is set.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerAudit } from './audit-command.js';
import { registerRules } from './rules-command.js';
import { registerWatch } from './watch-command.js';
import { registerLsp } from './lsp-command.js';
import { registerMerge } from './merge-command.js';
import { EXIT, UsageError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('leakaudit')
    .description('Find, explain and verify resource-lifecycle leaks: unstoppable tasks and timers, per-operation connections, listeners, actors, workers.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError(true);
  registerAudit(program);
  registerRules(program);
  registerWatch(program);
  registerLsp(program);
  registerMerge(program);
  // `leakaudit PATH` runs audit: its options belong in the first help a user sees.
  const audit = program.commands.find((c) => c.name() === 'audit')!;
  program.addHelpText('after', () => `\n${audit.helpInformation()}`);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    const code = program.commands.map((c) => c.getOptionValue('exitCode') as number | undefined).find((c) => c !== undefined);
    return code ?? EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage; // commander already printed the one-line error
    }
    if (err instanceof UsageError) {
      process.stderr.write(`leakaudit: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`leakaudit: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.LEAKAUDIT_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    else process.stderr.write('leakaudit: set LEAKAUDIT_DEBUG=1 for details, and please report it\n');
    return EXIT.internal;
  }
}
