// Runs only the gapless spec, without the app servers the main config starts:
// `pnpm exec playwright test -c e2e/gapless/playwright.config.ts` (add `gapless-lossless` for one spec).
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './harness';

export default defineConfig({
  testDir: '..',
  testMatch: ['gapless.spec.ts', 'gapless-lossless.spec.ts'],
  outputDir: '../../.data/playwright/gapless',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
});
