import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'tooling/test/**/*.test.ts',
    ],
    globalSetup: ['./tooling/vitest-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // 2 cores: integration tests lean on Redis, MongoDB and ffmpeg; more workers only contend.
    maxWorkers: 2,
  },
});
