// Errors the CLI turns into one-line messages and exit codes.

/** Bad arguments, config or input files the user gave: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3, sigint: 130, sigterm: 143 } as const;
