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
  '.py': { language: 'python', grammar: 'python' },
  '.pyi': { language: 'python', grammar: 'python' },
  '.go': { language: 'go', grammar: 'go' },
};

export function languageOf(path: string): LanguageInfo | undefined {
  if (path.endsWith('.d.ts') || path.endsWith('.d.mts') || path.endsWith('.d.cts')) return undefined;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : BY_EXTENSION[path.slice(dot).toLowerCase()];
}

/**
 * Test code by path: tests/ and benches/ trees, end-to-end and integration harnesses (e2e/, integration-tests/,
 * integration_tests/, playwright/, cypress/),
 * fixtures, *_test.rs, *_test.go, testdata/, *.test.ts, *.spec.ts, __tests__/, test_*.py, *_test.py, conftest.py. A
 * directory holding a Playwright or Cypress configuration is test code too (discover/harness.ts).
 */
export function isTestPath(relPath: string): boolean {
  return (
    /(^|\/)(tests?|benches|bench|benchmarks?|__tests__|__mocks__|__fixtures__|spec|e2e|e2e-tests?|integration[-_]tests?|playwright|cypress|fixtures?|testdata|test-utils)\//.test(relPath) ||
    // `t/`, the test tree of Perl's layout that some projects keep (celery's `t/unit`, `t/integration`).
    /(^|\/)t\//.test(relPath) ||
    /(^|\/)testbed\//.test(relPath) ||
    /(_test|_tests|_bench)\.rs$/.test(relPath) ||
    /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.pyi?$|(^|\/)_tests\//.test(relPath) ||
    /_test\.go$/.test(relPath) ||
    // Test-runner configuration and set-up files (`vitest.postgres.global-setup.ts`, `jest.setup.js`, `setupTests.ts`).
    /(^|\/)(vitest|jest|mocha|karma|playwright|cypress|wdio|ava)\.[\w.-]*\.[cm]?[jt]sx?$/.test(relPath) ||
    /(^|\/)[\w.-]*(global-?setup|global-?teardown|setup-?tests|test-?setup)[\w.-]*\.[cm]?[jt]sx?$/i.test(relPath) ||
    /\.(test|spec|bench|e2e)\.[cm]?[jt]sx?$/.test(relPath) ||
    /(^|\/)(test_utils|test_helpers|testing)\.rs$/.test(relPath)
  );
}

/**
 * The example, demo or script tree a path is in, by name: `examples/`, `example/`, `_examples/`, `demo/`,
 * `demos/`, `samples/`, `scripts/`, `script/` trees. They show how to use the project or do a chore
 * (a seed, a snapshot, a release step) and are started by hand, mostly once; what they hold open is
 * not the project's own runtime, but a leak there is still copied by readers.
 */
export function exampleDirOf(relPath: string): string | undefined {
  return /(^|\/)(_?examples?|demos?|samples?|scripts?)\//.exec(relPath)?.[2];
}
