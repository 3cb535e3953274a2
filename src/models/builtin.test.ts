// Built-in models skip zod at start-up: the defaults filled in by hand must be
// exactly what the schema makes of every built-in file, and every file must pass it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinModelFile, builtinModelFiles, loadBuiltinModels } from './index.js';
import { ModelFile } from './schema.js';

describe('built-in models', () => {
  const files = builtinModelFiles();

  it('are found', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files.map((f) => [f.slice(f.lastIndexOf('models/') + 7), f]))('%s passes the schema, and loads as the schema parses it', (_name, path) => {
    const json = JSON.parse(readFileSync(path, 'utf8'));
    const parsed = ModelFile.safeParse(json);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    expect(builtinModelFile(json)).toEqual(parsed.data!.models);
  });

  it('have unique ids', () => {
    const ids = loadBuiltinModels().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
