// Settings come from the environment, with defaults good for a laptop.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Config {
  host: string;
  /** 0 asks the OS for any free port. */
  port: number;
  /** Directory that holds the SQLite files. */
  dataDir: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${env.PORT}"`);
  }
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'orchestrator-'));
  mkdirSync(dataDir, { recursive: true });
  return { host: env.HOST ?? '127.0.0.1', port, dataDir };
}
