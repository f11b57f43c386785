import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Browser-mode end-to-end specs: real server processes, the web host, Debian Chromium via playwright-core.
export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src/shared') } },
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
