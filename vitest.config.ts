import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Fixtures are audited code, never tests, whatever their names.
    exclude: ['**/node_modules/**', 'src/**/fixtures/**', 'examples/**', 'test/**/fixtures/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
