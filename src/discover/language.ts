// File extension -> language and grammar. The only place that maps names to languages.
import type { Language } from '../facts/types.js';
import type { Grammar } from '../parse/syntax.js';

export interface LanguageInfo {
  language: Language;
  grammar: Grammar;
}

const BY_EXTENSION: Record<string, LanguageInfo> = {
  '.rs': { language: 'rust', grammar: 'rust' },
  '.ts': { language: 'typescript', grammar: 'typescript' },
  '.mts': { language: 'typescript', grammar: 'typescript' },
  '.cts': { language: 'typescript', grammar: 'typescript' },
  '.tsx': { language: 'typescript', grammar: 'tsx' },
  '.js': { language: 'typescript', grammar: 'tsx' },
  '.mjs': { language: 'typescript', grammar: 'tsx' },
  '.cjs': { language: 'typescript', grammar: 'tsx' },
  '.jsx': { language: 'typescript', grammar: 'tsx' },
};

export function languageOf(path: string): LanguageInfo | undefined {
  if (path.endsWith('.d.ts') || path.endsWith('.d.mts') || path.endsWith('.d.cts')) return undefined;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : BY_EXTENSION[path.slice(dot).toLowerCase()];
}

/** Test code by path: tests/ and benches/ trees, *_test.rs, *.test.ts, *.spec.ts, __tests__/. */
export function isTestPath(relPath: string): boolean {
  return (
    /(^|\/)(tests?|benches|bench|__tests__|__mocks__|spec|e2e|fixtures?|testdata|test-utils)\//.test(relPath) ||
    /(^|\/)testbed\//.test(relPath) ||
    /(_test|_tests|_bench)\.rs$/.test(relPath) ||
    /\.(test|spec|bench|e2e)\.[cm]?[jt]sx?$/.test(relPath) ||
    /(^|\/)(test_utils|test_helpers|testing)\.rs$/.test(relPath)
  );
}
