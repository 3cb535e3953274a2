// Loads the built-in resource models (JSON data beside this file) and user models.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { ModelFile, type ResourceModel } from './schema.js';
import type { Language } from '../facts/types.js';

/** Where the JSON model files live: src/models in a checkout, copied next to dist by the build. */
function modelsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/models/index.js -> ../../src/models ; src/models/index.ts -> .
  const candidates = [here, join(here, '..', '..', 'src', 'models')];
  for (const dir of candidates) {
    try {
      if (readdirSync(join(dir, 'rust')).some((f) => f.endsWith('.json'))) return dir;
    } catch {
      /* try next */
    }
  }
  throw new Error(`resource models not found near ${here}`);
}

export interface ModelSet {
  models: ResourceModel[];
  /** Hash of every model: part of the fact cache key. */
  version: string;
  byLanguage(language: Language): ResourceModel[];
  get(id: string): ResourceModel | undefined;
}

export function loadBuiltinModels(): ResourceModel[] {
  const dir = modelsDir();
  const out: ResourceModel[] = [];
  for (const lang of readdirSync(dir, { withFileTypes: true })) {
    if (!lang.isDirectory()) continue;
    for (const file of readdirSync(join(dir, lang.name)).sort()) {
      if (!file.endsWith('.json')) continue;
      const path = join(dir, lang.name, file);
      const parsed = ModelFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (!parsed.success) throw new Error(`invalid built-in model file ${path}: ${parsed.error.message}`);
      out.push(...parsed.data.models);
    }
  }
  return out;
}

export function createModelSet(models: ResourceModel[]): ModelSet {
  const byId = new Map(models.map((m) => [m.id, m]));
  const version = createHash('sha256').update(JSON.stringify(models)).digest('hex').slice(0, 16);
  return {
    models,
    version,
    byLanguage: (language) => models.filter((m) => m.language === language),
    get: (id) => byId.get(id),
  };
}
