// Shared vitest configuration. Tests live in each package's test/ folder and run against src/.
import { defineConfig } from 'vitest/config';

/**
 * @param {import('vitest/config').UserConfig['test']} [overrides]
 */
export function packageTestConfig(overrides = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // Real servers and child processes: keep the 2-core CI machine from being oversubscribed.
      maxWorkers: 2,
      // The JSON report feeds the workspace's one-line test summary (tooling/scripts/test-summary.mjs).
      reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
      ...overrides,
    },
  });
}
