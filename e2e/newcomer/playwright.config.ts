// The newcomer suite: Playwright against the stack exactly as `bash scripts/run.sh` starts it on a
// fresh installation (production mode, persistent services, the demo library). Its global setup
// runs run.sh; the suite restarts the services itself. `pnpm exec playwright test -c e2e/newcomer/playwright.config.ts`
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../lib/chromium';
import { ports } from './stack';

export default defineConfig({
  testDir: '.',
  testMatch: ['*.spec.ts'],
  globalSetup: './global-setup.ts',
  outputDir: '../../.data/playwright/newcomer',
  timeout: 300_000,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '../../.data/reports/playwright-newcomer.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${ports().web}`,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
});
