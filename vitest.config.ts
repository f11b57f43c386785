import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Unit and integration tests. End-to-end specs (test/e2e) run separately: see vitest.e2e.config.ts.
export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src/shared') } },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
