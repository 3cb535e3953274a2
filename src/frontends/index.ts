// The frontend registry: one extractor per language, all emitting FileFacts.
// Frontends load on first use: a run that only meets Rust never loads the
// TypeScript frontend, and a warm run loads none.
import type { FileFacts, Language } from '../facts/types.js';
import type { ResourceModel } from '../models/schema.js';
import type { SyntaxTree } from '../parse/syntax.js';

export interface FrontendInput {
  path: string;
  source: string;
  tree: SyntaxTree;
  models: readonly ResourceModel[];
  isTestFile: boolean;
}

export type Frontend = (input: FrontendInput) => FileFacts;

const LOADERS: Partial<Record<Language, () => Promise<Frontend>>> = {
  rust: () => import('./rust/extract.js').then((m) => m.extractRust),
  typescript: () => import('./typescript/extract.js').then((m) => m.extractTypescript),
  python: () => import('./python/extract.js').then((m) => m.extractPython),
  go: () => import('./go/extract.js').then((m) => m.extractGo),
};

const loaded = new Map<Language, Frontend>();

/** Whether leakaudit has a frontend for this language (loaded or not). */
export function hasFrontend(language: Language): boolean {
  return LOADERS[language] !== undefined;
}

/** Loads the language's frontend once; undefined when there is none. */
export async function loadFrontend(language: Language): Promise<Frontend | undefined> {
  const known = loaded.get(language);
  if (known) return known;
  const load = LOADERS[language];
  if (!load) return undefined;
  const frontend = await load();
  loaded.set(language, frontend);
  return frontend;
}

/** The language's frontend if it is loaded (see `loadFrontend`). */
export function frontendFor(language: Language): Frontend | undefined {
  return loaded.get(language);
}
