// How a process ended, in the shell's convention: exit code, or 128 + signal
// number (137 = SIGKILL, e.g. the OOM killer; 143 = SIGTERM).
import { constants } from 'node:os';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Shell-style status: the code, or 128 + the signal number. */
  status: number;
}

export function exitStatus(code: number | null, signal: NodeJS.Signals | null): ExitStatus {
  const number = signal ? (constants.signals as Record<string, number>)[signal] : undefined;
  return { code, signal, status: signal ? 128 + (number ?? 0) : (code ?? 0) };
}

/** Decode a wait(2) status word, as found in the last field of a zombie's /proc/<pid>/stat. */
export function fromWaitStatus(word: number): ExitStatus {
  const termSignal = word & 0x7f;
  if (termSignal === 0) return exitStatus((word >> 8) & 0xff, null);
  const name = Object.entries(constants.signals).find(([, n]) => n === termSignal)?.[0] as NodeJS.Signals | undefined;
  return { code: null, signal: name ?? null, status: 128 + termSignal };
}

export function describeExit(exit: ExitStatus): string {
  if (exit.signal) return `killed by ${exit.signal} (status ${exit.status})`;
  return `exit code ${exit.code ?? exit.status}`;
}
