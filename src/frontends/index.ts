// The frontend registry: one extractor per language, all emitting FileFacts.
import type { FileFacts, Language } from '../facts/types.js';
import type { ResourceModel } from '../models/schema.js';
import type { SyntaxTree } from '../parse/syntax.js';
import { extractRust } from './rust/extract.js';
import { extractTypescript } from './typescript/extract.js';

export interface FrontendInput {
  path: string;
  source: string;
  tree: SyntaxTree;
  models: readonly ResourceModel[];
  isTestFile: boolean;
}

export type Frontend = (input: FrontendInput) => FileFacts;

const FRONTENDS: Partial<Record<Language, Frontend>> = {
  rust: extractRust,
  typescript: extractTypescript,
};

export function frontendFor(language: Language): Frontend | undefined {
  return FRONTENDS[language];
}
